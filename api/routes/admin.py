"""Admin: upload a law file (builds a new index generation), reload, list generations, follow build jobs.

Every route needs an admin key (``KB_ADMIN_KEYS``); with none configured they answer 403. The served
generation keeps answering while a new one builds; readers switch when CURRENT moves."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from api import uploads
from api.admin_jobs import JobManager
from api.index_state import current_generation, list_generations, reload_index
from api.security import api_key_scheme, bearer_scheme, require_admin
from kb.errors import BadRequest
from kb.settings import Settings

router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(bearer_scheme), Depends(api_key_scheme), Depends(require_admin)],
    responses={401: {"description": "No admin key."}, 403: {"description": "Admin disabled or key not allowed."}},
)

INSTRUMENTS = ("law", "administrative-regulation", "departmental-rule", "judicial-interpretation", "amendment",
               "eu-regulation", "constitution")


def _jobs(request: Request) -> JobManager:
    app = request.app
    manager = getattr(app.state, "admin_jobs", None)
    if manager is None:
        manager = JobManager(app.state.settings, on_success=lambda: _reload_quietly(app))
        app.state.admin_jobs = manager
    return manager


def _reload_quietly(app: Any) -> None:
    reload_index(app)


@router.post(
    "/laws",
    status_code=202,
    summary="Upload a law file (PDF, Word, Markdown, text) and build a new index generation with it.",
    responses={
        200: {"description": "Built synchronously (wait=true)."},
        413: {"description": "File too large or a decompression bomb."},
        415: {"description": "Not a supported file type (sniffed from the content)."},
        422: {"description": "Encrypted, malformed, undecodable or without articles."},
    },
)
def upload_law(
    request: Request,
    file: Annotated[UploadFile, File(description="The law file; its type is sniffed from the content.")],
    title_zh: Annotated[str, Form(min_length=1, max_length=200)],
    effective_from: Annotated[date, Form()],
    law_id: Annotated[str | None, Form(max_length=200, pattern=r"^[^/\\\x00]+$")] = None,
    title_en: Annotated[str | None, Form(max_length=300)] = None,
    jurisdiction: Annotated[str, Form(max_length=20)] = "cn",
    instrument: Annotated[str, Form(max_length=40)] = "law",
    issuer: Annotated[str | None, Form(max_length=200)] = None,
    promulgated: Annotated[date | None, Form()] = None,
    status: Annotated[str, Form(pattern="^(in-force|superseded)$")] = "in-force",
    language: Annotated[str, Form(pattern="^(zh|en)$")] = "zh",
    topics: Annotated[str, Form(max_length=500, description="Comma-separated topics.")] = "",
    wait: Annotated[bool, Query(description="Build synchronously and answer when done.")] = False,
) -> Any:
    settings: Settings = request.app.state.settings
    if instrument not in INSTRUMENTS:
        raise BadRequest(f"instrument must be one of {', '.join(INSTRUMENTS)}.")
    data = file.file.read(settings.max_upload_bytes + 1)
    stored = uploads.store(data, file.filename, settings)
    articles = uploads.check_parses(stored, "en" if language == "en" else "zh")
    metadata: dict[str, Any] = {
        "law_id": law_id or title_zh.strip(),
        "title_zh": title_zh.strip(),
        "title_en": (title_en or "").strip(),
        "jurisdiction": jurisdiction,
        "instrument": instrument,
        "issuer": issuer or "",
        "promulgated": (promulgated or effective_from).isoformat(),
        "effective_from": effective_from.isoformat(),
        "version_label": "uploaded text",
        "name": stored.path.name,  # the generated name: the client's file name is never used as a path
        "status": status,
        "language": language,
        "format": stored.kind,
        "topics": [t.strip() for t in topics.split(",") if t.strip()],
        "sha256": stored.sha256,
        "bytes": stored.size,
    }
    uploads.write_sidecar(stored, metadata)
    job = _jobs(request).submit([(stored.path, metadata)], wait=wait)
    body = {"job": job, "upload": stored.public(), "articles_parsed": articles,
            "serving_generation": current_generation(settings)}
    # 202: accepted, building in the background (poll /v1/admin/jobs/{id}); 200: finished (see job.status).
    return JSONResponse(body, status_code=200 if wait else 202)


@router.get("/jobs/{job_id}", summary="State of an index build started by an upload.")
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    return _jobs(request).get(job_id)


@router.post("/reload", summary="Re-open the index at the generation CURRENT names (after an external `kb ingest`).")
def reload(request: Request) -> dict[str, Any]:
    generation = reload_index(request.app)
    return {"status": "reloaded", "generation": generation}


@router.get("/generations", summary="Index generations on disk; the served one is marked current.")
def generations(request: Request) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    return {"current": current_generation(settings), "generations": list_generations(settings)}
