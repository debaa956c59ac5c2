"""Router: the web UI. `/` serves the single-page app, `/static/...` its files (plain HTML/CSS/JS, no build
step). Served from inside the package so an installed wheel carries it; nothing is fetched from elsewhere,
and a strict Content-Security-Policy makes sure of it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from kb.errors import NotFound

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Everything from our own origin; no inline script, no remote anything.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
}
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


def _static_file(rel: str) -> Path:
    """Resolve `rel` inside STATIC_DIR; anything outside it, hidden, or missing is a 404."""
    if not rel or any(part.startswith(".") for part in Path(rel).parts):
        raise NotFound("No such file.")
    path = (STATIC_DIR / rel).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file() or path.suffix not in _TYPES:
        raise NotFound("No such file.")
    return path


@router.get("/")
def index() -> Response:
    """The app shell; hash routing (#/chat, #/article/…, #/explore, #/listing) happens in the browser."""
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type=_TYPES[".html"],
        headers={**_HEADERS, "Cache-Control": "no-cache"},
    )


@router.get("/static/{rel:path}")
def static(rel: str) -> Response:
    path = _static_file(rel)
    return FileResponse(path, media_type=_TYPES[path.suffix], headers={**_HEADERS, "Cache-Control": "no-cache"})


@router.get("/favicon.ico")
def favicon() -> Response:
    return FileResponse(_static_file("favicon.svg"), media_type=_TYPES[".svg"], headers=_HEADERS)
