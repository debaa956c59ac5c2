"""Liveness (``/healthz``: the process answers) and readiness (``/readyz``: the index and its backends answer).

A load balancer takes a worker out of rotation on a failing ``/readyz`` and back in when it passes again; the
check reconnects on every call, so a Chroma server that comes back is picked up without restarting the API."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api import metrics
from api.errors import envelope
from api.index_state import index_facts
from kb.errors import KBError
from kb.settings import Settings

router = APIRouter(tags=["operations"])

HEARTBEAT_TIMEOUT = 2.0


def chroma_server_status(settings: Settings) -> dict[str, Any]:
    """Ping the Chroma server's heartbeat (v2 API, v1 as fallback); never raises."""
    base = settings.chroma_url.rstrip("/")
    for path in ("/api/v2/heartbeat", "/api/v1/heartbeat"):
        try:
            response = httpx.get(base + path, timeout=HEARTBEAT_TIMEOUT)
        except httpx.HTTPError:
            return {"ok": False, "reason": "unreachable"}
        if response.status_code == 200:
            return {"ok": True}
    return {"ok": False, "reason": f"heartbeat answered HTTP {response.status_code}"}


@router.get("/healthz", summary="Liveness: the process is up (does not touch the index).")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: the current index generation is open and the vector backend answers.",
    responses={503: {"description": "Not ready: the error envelope says which backend failed."}},
)
def readyz(request: Request) -> Any:
    settings: Settings = request.app.state.settings
    backend = "chroma-server" if settings.chroma_url else "chroma-embedded"
    if settings.chroma_url:
        status = chroma_server_status(settings)
        if not status["ok"]:
            metrics.INDEX_READY.set(0)
            return envelope(
                request, 503, "backend_unavailable",
                f"The Chroma server cannot be reached ({status['reason']}); retrying on the next check.",
                {"backend": backend, "component": "vectors"},
            )
    try:
        facts = index_facts(request, deep=True)
    except KBError as exc:
        metrics.INDEX_READY.set(0)
        details = exc.details if isinstance(exc.details, dict) else {}
        return envelope(request, exc.status if exc.status >= 500 else 503, exc.code, exc.message,
                        {"backend": backend, "component": "index", **details})
    metrics.INDEX_READY.set(1)
    return JSONResponse({"status": "ready", "backend": backend, **facts})


def _facts_for_metrics(request: Request) -> dict[str, Any]:
    try:
        return {"ready": True, **index_facts(request, deep=False)}
    except KBError:
        return {"ready": False}


metrics.index_facts_provider = _facts_for_metrics
