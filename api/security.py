"""API keys and rate limits.

Read endpoints are open unless ``KB_API_KEYS`` is set; admin endpoints (ingest, reload) always need one of
``KB_ADMIN_KEYS`` and are switched off (403) while none is configured. A key travels as
``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. Keys are compared in constant time and never logged:
logs and rate-limit buckets see only a short hash of the key."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.security import APIKeyHeader, HTTPBearer

from kb.errors import Forbidden, RateLimited, Unauthorized
from kb.settings import Settings

# Declared for the OpenAPI document (clients see how to authenticate); checking is done below.
bearer_scheme = HTTPBearer(auto_error=False, description="API key as a bearer token.")
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key header.")


# Absolute or home/relative file-system paths (not URLs, not API routes): /tmp/…, /home/…, ~/…, ./…, C:\…
_PATH_RE = re.compile(
    r"(?<![\w:/.])(?:~|\.{1,2}|[A-Za-z]:|/(?:home|tmp|work|var|usr|opt|root|srv|data|mnt|etc|proc|private|Users|app|run))"
    r"(?:[/\\][^\s/\\'\"()\[\]{},;]+)+[/\\]?"
)


def scrub_paths(message: str) -> str:
    """Replace file-system paths in a client-facing message by their last component (no layout leaks)."""
    return _PATH_RE.sub(lambda m: re.split(r"[/\\]", m.group(0).rstrip("/\\"))[-1], message)


def parse_keys(raw: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in raw.split(",") if k.strip())


def key_from_headers(headers: dict[str, str]) -> str | None:
    """The presented key, from ``Authorization: Bearer`` or ``X-API-Key`` (lower-cased header names)."""
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer " and auth[7:].strip():
        return auth[7:].strip()
    key = headers.get("x-api-key", "").strip()
    return key or None


def key_matches(presented: str | None, allowed: tuple[str, ...]) -> bool:
    if not presented:
        return False
    p = presented.encode()
    ok = False
    for key in allowed:  # no early exit: timing does not tell which key is close
        ok |= hmac.compare_digest(p, key.encode())
    return ok


def key_fingerprint(key: str) -> str:
    """A short, non-reversible id of a key for logs and rate-limit buckets."""
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:12]


def check_read_access(headers: dict[str, str], settings: Settings) -> None:
    """Raise Unauthorized when read keys are configured and none (or a wrong one) is presented.

    Admin keys are accepted on read endpoints too."""
    read_keys = parse_keys(settings.api_keys)
    if not read_keys:
        return
    presented = key_from_headers(headers)
    if presented is None:
        raise Unauthorized("An API key is required (Authorization: Bearer <key> or X-API-Key).")
    if not key_matches(presented, read_keys + parse_keys(settings.admin_keys)):
        raise Unauthorized("The API key is not valid.")


def check_admin_access(headers: dict[str, str], settings: Settings) -> None:
    """403 when admin is disabled, 401 without a key, 403 for a key that is not an admin key."""
    admin_keys = parse_keys(settings.admin_keys)
    if not admin_keys:
        raise Forbidden("Admin endpoints are disabled: no admin key is configured (KB_ADMIN_KEYS).")
    presented = key_from_headers(headers)
    if presented is None:
        raise Unauthorized("An admin key is required (Authorization: Bearer <key> or X-API-Key).")
    if not key_matches(presented, admin_keys):
        raise Forbidden("This key may not use admin endpoints.")


def require_admin(request: Request) -> None:
    """FastAPI dependency for admin routes (the middleware checks first, before a large upload is read)."""
    settings: Settings = request.app.state.settings
    check_admin_access({k.lower(): v for k, v in request.headers.items()}, settings)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """Per-identity token buckets: ``per_minute`` capacity, refilled continuously at ``per_minute/60`` a second.

    In-process: with N workers each enforces its own budget (a shared limiter belongs in the load balancer).
    The bucket table is bounded so a flood of client addresses cannot grow memory without limit."""

    def __init__(self, per_minute: int, *, max_identities: int = 50_000, clock: Callable[[], float] | None = None) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_identities = max_identities
        self._clock = clock or time.monotonic
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, identity: str) -> None:
        """Take one token or raise RateLimited with ``retry_after`` seconds."""
        if self.capacity <= 0:
            return
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(identity)
            if bucket is None:
                bucket = _Bucket(self.capacity, now)
                self._buckets[identity] = bucket
                if len(self._buckets) > self.max_identities:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(identity)
                bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            retry_after = max(1, math.ceil((1.0 - bucket.tokens) / self.rate))
        exc = RateLimited(f"Rate limit exceeded; retry in {retry_after} s.", details={"retry_after": retry_after})
        exc.retry_after = retry_after  # type: ignore[attr-defined]
        raise exc
