"""Request id, structured logs, metrics, CORS, API keys, rate limits, body/question size limits, timeouts.

Pure ASGI middleware (no BaseHTTPMiddleware), so streamed answers pass through untouched. Order, outermost first:
``ObservabilityMiddleware`` (request id, JSON access line, Prometheus) → CORS → ``LimitsMiddleware`` → app.
Every refusal here uses the one error envelope (``api.errors.envelope``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request

from api import metrics
from api.errors import envelope
from api.logging import configure_logging, request_id_var
from api.security import (
    TokenBucketLimiter,
    check_admin_access,
    check_read_access,
    key_fingerprint,
    key_from_headers,
    key_matches,
    parse_keys,
)
from kb.errors import KBError, RateLimited
from kb.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("kb.api.access")

# Paths under these prefixes are the API proper: keys and rate limits apply. Admin routes check their own
# (stronger) key in api.security.require_admin. Health, metrics, docs and the UI shell stay open.
API_PREFIX = "/v1/"
ADMIN_PREFIX = "/v1/admin/"
UPLOAD_PATHS = ("/v1/admin/laws", "/v1/listings/check-batch")
# Where a question travels: JSON body fields and query parameters held to ``max_question_chars``.
QUESTION_FIELDS = ("question", "query", "q")

_RID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


class _BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"The request body exceeds the limit of {limit} bytes.")


class ObservabilityMiddleware:
    """Gives every request an id (X-Request-ID in and out), times it, counts it, and logs one JSON line; a response
    that used the index names its generation (X-KB-Generation)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _headers(scope).get("x-request-id", "")
        rid = incoming if _RID_OK.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        status = {"code": 500}
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"x-request-id" for k, _ in headers):
                    headers.append((b"x-request-id", rid.encode()))
                generation = scope["state"].get("generation")
                if generation:  # the index generation that answered (set when a route took the index)
                    headers.append((b"x-kb-generation", str(generation).encode()))
                message["headers"] = headers
            await send(message)

        metrics.IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            metrics.IN_FLIGHT.dec()
            seconds = time.perf_counter() - started
            route = metrics.route_label(scope)
            metrics.observe(scope["method"], route, status["code"], seconds)
            client = scope.get("client")
            log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status["code"],
                    "duration_ms": round(seconds * 1000, 2),
                    "client": client[0] if client else None,
                    "identity": scope["state"].get("identity"),
                },
            )
            request_id_var.reset(token)


class LimitsMiddleware:
    """Refuses what must not reach a route: no/wrong key, over the rate, too big a body or question, too slow."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limiter = TokenBucketLimiter(settings.rate_limit_per_minute)
        self._known_keys = parse_keys(settings.api_keys) + parse_keys(settings.admin_keys)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, exc: KBError, reason: str,
                      headers: dict[str, str] | None = None) -> None:
        metrics.REJECTED.labels(reason).inc()
        response = envelope(Request(scope), exc.status, exc.code, exc.message, exc.details)
        for k, v in (headers or {}).items():
            response.headers[k] = v
        await response(scope, receive, send)

    def _identity(self, scope: Scope, headers: dict[str, str]) -> str:
        """A configured key's fingerprint, else the client address (unknown keys must not mint new buckets)."""
        presented = key_from_headers(headers)
        if presented and key_matches(presented, self._known_keys):
            return key_fingerprint(presented)
        client = scope.get("client")
        return "addr:" + (client[0] if client else "unknown")

    def _body_limit(self, path: str) -> int:
        if path in UPLOAD_PATHS:
            return self.settings.max_upload_bytes + 64 * 1024  # the file plus its metadata form fields
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = _headers(scope)
        is_api = path.startswith(API_PREFIX)
        if is_api:
            scope.setdefault("state", {})["identity"] = identity = self._identity(scope, headers)
            try:  # before the key check, so guessing keys is rate limited too
                self.limiter.acquire(identity)
            except RateLimited as exc:
                retry = str(getattr(exc, "retry_after", 1))
                await self._refuse(scope, receive, send, exc, "rate_limited", {"Retry-After": retry})
                return
            try:
                if path.startswith(ADMIN_PREFIX):
                    check_admin_access(headers, self.settings)
                else:
                    check_read_access(headers, self.settings)
            except KBError as exc:
                challenge = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
                await self._refuse(scope, receive, send, exc, exc.code, challenge)
                return

        limit = self._body_limit(path)
        declared = headers.get("content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False
            if too_big:
                refusal = KBError(f"The request body exceeds the limit of {limit} bytes.")
                refusal.status, refusal.code = 413, "input_too_large"
                await self._refuse(scope, receive, send, refusal, "body_too_large")
                return

        receive = self._counting_receive(receive, limit)
        if is_api and scope["method"] in ("POST", "PUT", "PATCH") and path not in UPLOAD_PATHS:
            # Small JSON bodies (bounded above) are read once here to hold the question size limit.
            try:
                body, receive = await self._buffer(receive)
            except _BodyTooLarge as exc:
                await self._refuse(scope, receive, send, _as_kb(exc), "body_too_large")
                return
            problem = self._question_problem_json(body)
        else:
            problem = None
        problem = problem or self._question_problem_query(scope)
        if problem:
            too_long = KBError(problem[0], details=problem[1])
            too_long.status, too_long.code = 413, "input_too_large"
            await self._refuse(scope, receive, send, too_long, "question_too_long")
            return

        await self._with_timeout(scope, receive, send)

    @staticmethod
    def _counting_receive(receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge(limit)
            return message

        return counted

    @staticmethod
    async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return body, replay

    def _question_problem_json(self, body: bytes) -> tuple[str, dict[str, int]] | None:
        if not body:
            return None
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None  # the route's validation reports malformed JSON
        texts: list[str] = []
        if isinstance(data, dict):
            texts += [v for k, v in data.items() if k in QUESTION_FIELDS and isinstance(v, str)]
            messages = data.get("messages")
            if isinstance(messages, list):  # the question is the last user message; earlier turns are history, bounded
                # by max_history_turns / max_history_turn_chars in the route (an earlier answer is longer than a question)
                users = [m["content"] for m in messages if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str)]
                texts += users[-1:]
        return self._too_long(texts)

    def _question_problem_query(self, scope: Scope) -> tuple[str, dict[str, int]] | None:
        raw = scope.get("query_string", b"")
        if not raw or not scope["path"].startswith(API_PREFIX):
            return None
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
        return self._too_long([v for k, v in pairs if k in QUESTION_FIELDS])

    def _too_long(self, texts: list[str]) -> tuple[str, dict[str, int]] | None:
        limit = self.settings.max_question_chars
        longest = max((len(t) for t in texts), default=0)
        if longest > limit:
            return f"The question has {longest} characters; the limit is {limit}.", {"limit": limit, "length": longest}
        return None

    async def _with_timeout(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 504 when the route has not started its response within ``request_timeout`` seconds.

        A response already streaming is left alone. A synchronous route's worker thread cannot be killed; it
        finishes in the background and its result is dropped."""
        # Admin routes are exempt: a synchronous upload (?wait=true) runs a whole index build.
        timeout = 0.0 if scope["path"].startswith(ADMIN_PREFIX) else self.settings.request_timeout
        started = asyncio.Event()
        timed_out = False

        async def guarded_send(message: Message) -> None:
            if timed_out:
                return
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        async def run() -> None:
            try:
                await self.app(scope, receive, guarded_send)
            except _BodyTooLarge as exc:
                if started.is_set():
                    raise
                await self._refuse(scope, receive, guarded_send, _as_kb(exc), "body_too_large")

        if not timeout or timeout <= 0:
            await run()
            return
        task = asyncio.ensure_future(run())
        waiter = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait({task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if task.done() or started.is_set():
            await task
            return
        timed_out = True
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        exc = KBError(f"The request did not complete within {timeout:g} s.")
        exc.status, exc.code = 504, "timeout"
        metrics.REJECTED.labels("timeout").inc()
        response = envelope(Request(scope), exc.status, exc.code, exc.message)
        await response(scope, receive, send)


def _as_kb(exc: HTTPException) -> KBError:
    out = KBError(str(exc.detail))
    out.status, out.code = exc.status_code, "input_too_large"
    return out


def install(app: FastAPI, settings: Settings) -> None:
    """Wire logging, limits, CORS, observability and the /metrics route into ``app``."""
    configure_logging(settings.log_level)
    app.include_router(metrics.router)
    # add_middleware puts each new one outside the previous: limits innermost, observability outermost.
    app.add_middleware(LimitsMiddleware, settings=settings)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(ObservabilityMiddleware)
