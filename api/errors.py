"""The one JSON error envelope: {"error": {"code", "message", "details"?, "request_id"}}. No stack traces,
no file paths reach a client."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import KBError

log = logging.getLogger("kb.api")


def envelope(request: Request, status: int, code: str, message: str, details: object = None) -> JSONResponse:
    from api.security import scrub_paths  # hardening: no file-system path reaches a client

    body: dict[str, object] = {"code": code, "message": scrub_paths(message)}
    if details is not None:
        body["details"] = details
    rid = getattr(request.state, "request_id", None)
    if rid:
        body["request_id"] = rid
    headers = {"X-Request-ID": rid} if rid else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(KBError)
    async def _kb_error(request: Request, exc: KBError) -> JSONResponse:
        return envelope(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        return envelope(request, 422, "validation_error", "The request is not valid.", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "input_too_large"}.get(exc.status_code, "http_error")
        return envelope(request, exc.status_code, code, str(exc.detail) if exc.detail else code)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"request_id": getattr(request.state, "request_id", None)})
        return envelope(request, 500, "internal_error", "Internal error.")
