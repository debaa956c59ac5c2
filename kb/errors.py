"""The one error tree. Every error a client can see has an HTTP status and a stable code; the API turns
them into one JSON envelope: {"error": {"code", "message", "details"?, "request_id"}}."""

from __future__ import annotations

from typing import Any


class KBError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(KBError):
    status = 400
    code = "bad_request"


class InputTooLarge(BadRequest):
    status = 413
    code = "input_too_large"


class Unauthorized(KBError):
    status = 401
    code = "unauthorized"


class Forbidden(KBError):
    status = 403
    code = "forbidden"


class NotFound(KBError):
    status = 404
    code = "not_found"


class LawNotFound(NotFound):
    code = "law_not_found"


class ArticleNotFound(NotFound):
    code = "article_not_found"


class AmbiguousLaw(BadRequest):
    status = 409
    code = "ambiguous_law"


class RateLimited(KBError):
    status = 429
    code = "rate_limited"


class IndexUnavailable(KBError):
    """No index generation is built yet, or its files are corrupt/truncated: refuse, never guess."""

    status = 503
    code = "index_unavailable"


class IndexCorrupt(IndexUnavailable):
    code = "index_corrupt"


class BackendUnavailable(KBError):
    """The Chroma server (or another backend) cannot be reached."""

    status = 503
    code = "backend_unavailable"
