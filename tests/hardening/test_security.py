"""Keys, rate limits, size limits, timeouts, CORS, request ids, JSON logs, metrics, and no leaks in errors.

These run against the real app factory with the real middleware; routes that need no index (/v1/models)
or small routes added to the app here (a slow one, a failing one) stand in where an index is beside the point."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import TokenBucketLimiter, scrub_paths
from kb.errors import IndexCorrupt, RateLimited
from kb.settings import Settings


def make_client(tmp_path, **overrides) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", **overrides)
    return TestClient(create_app(settings), raise_server_exceptions=False)


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    return body["error"]


# ------------------------------------------------------------------------------------------------- keys
def test_read_endpoints_open_without_configured_keys(tmp_path):
    client = make_client(tmp_path)
    assert client.get("/v1/models").status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}, {"Authorization": "Basic k1"}])
def test_read_endpoints_need_a_valid_key_when_configured(tmp_path, headers):
    client = make_client(tmp_path, api_keys="k1,k2")
    response = client.get("/v1/models", headers=headers)
    assert_envelope(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer k2"}, {"X-API-Key": "k1"}, {"authorization": "bearer k1"}])
def test_read_endpoints_accept_bearer_or_header_key(tmp_path, headers):
    client = make_client(tmp_path, api_keys="k1,k2")
    assert client.get("/v1/models", headers=headers).status_code == 200


def test_operations_endpoints_stay_open_with_keys(tmp_path):
    client = make_client(tmp_path, api_keys="k1")
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/readyz").status_code == 503  # no index yet: not ready, but not 401 either


def test_admin_disabled_without_admin_keys(tmp_path):
    client = make_client(tmp_path, api_keys="k1")
    for headers in ({}, {"X-API-Key": "k1"}):
        assert_envelope(client.post("/v1/admin/reload", headers=headers), 403, "forbidden")
        assert_envelope(client.get("/v1/admin/generations", headers=headers), 403, "forbidden")


def test_admin_needs_an_admin_key(tmp_path):
    client = make_client(tmp_path, api_keys="k1", admin_keys="root-key")
    assert_envelope(client.get("/v1/admin/generations"), 401, "unauthorized")
    assert_envelope(client.get("/v1/admin/generations", headers={"X-API-Key": "k1"}), 403, "forbidden")
    ok = client.get("/v1/admin/generations", headers={"Authorization": "Bearer root-key"})
    assert ok.status_code == 200
    assert ok.json() == {"current": None, "generations": []}


def test_admin_key_is_checked_before_a_large_upload_is_read(tmp_path):
    client = make_client(tmp_path, admin_keys="root-key")
    response = client.post("/v1/admin/laws", files={"file": ("x.md", b"x" * 100_000)}, data={"title_zh": "x"})
    assert_envelope(response, 401, "unauthorized")
    assert not (tmp_path / "data" / "uploads").exists()


def test_openapi_declares_the_key_schemes(tmp_path):
    schema = make_client(tmp_path).get("/openapi.json").json()
    assert {"HTTPBearer", "APIKeyHeader"} <= set(schema["components"]["securitySchemes"])


# ------------------------------------------------------------------------------------------ rate limit
def test_rate_limit_per_key_with_retry_after(tmp_path):
    client = make_client(tmp_path, api_keys="k1,k2", rate_limit_per_minute=3)
    statuses = [client.get("/v1/models", headers={"X-API-Key": "k1"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get("/v1/models", headers={"X-API-Key": "k1"})
    error = assert_envelope(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1
    assert error["details"]["retry_after"] == int(limited.headers["retry-after"])
    # another key has its own bucket
    assert client.get("/v1/models", headers={"X-API-Key": "k2"}).status_code == 200


def test_unknown_keys_share_the_address_bucket(tmp_path):
    """Made-up keys must not mint fresh buckets (that would bypass the limit)."""
    client = make_client(tmp_path, rate_limit_per_minute=2)
    codes = [client.get("/v1/models", headers={"X-API-Key": f"random-{i}"}).status_code for i in range(4)]
    assert codes == [200, 200, 429, 429]


def test_rate_limit_zero_means_unlimited(tmp_path):
    client = make_client(tmp_path, rate_limit_per_minute=0)
    assert {client.get("/v1/models").status_code for _ in range(30)} == {200}


def test_token_bucket_refills_with_time():
    now = [1000.0]
    limiter = TokenBucketLimiter(60, clock=lambda: now[0])  # one token a second
    for _ in range(60):
        limiter.acquire("a")
    with pytest.raises(RateLimited) as info:
        limiter.acquire("a")
    assert info.value.retry_after == 1  # type: ignore[attr-defined]
    now[0] += 2.0
    limiter.acquire("a")
    limiter.acquire("a")
    with pytest.raises(RateLimited):
        limiter.acquire("a")


def test_token_bucket_table_is_bounded():
    limiter = TokenBucketLimiter(10, max_identities=100)
    for i in range(1000):
        limiter.acquire(f"addr:{i}")
    assert len(limiter._buckets) <= 100


# ------------------------------------------------------------------------------------------ size limits
def test_body_limit_on_content_length(tmp_path):
    client = make_client(tmp_path, max_body_bytes=1000)
    response = client.post("/v1/search", content=b"{" + b" " * 5000 + b"}", headers={"Content-Type": "application/json"})
    assert_envelope(response, 413, "input_too_large")


def test_body_limit_while_streaming_without_content_length(tmp_path):
    client = make_client(tmp_path, max_body_bytes=1000)

    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b" " * 100

    response = client.post("/v1/search", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_envelope(response, 413, "input_too_large")


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("post", "/v1/ask", {"question": "肖像" * 60}),
        ("post", "/v1/search", {"query": "x" * 101}),
        ("post", "/v1/chat/completions", {"model": "kb-deterministic", "messages": [{"role": "user", "content": "y" * 500}]}),
    ],
)
def test_question_size_limit(tmp_path, method, path, payload):
    client = make_client(tmp_path, max_question_chars=100)
    error = assert_envelope(getattr(client, method)(path, json=payload), 413, "input_too_large")
    assert "100" in error["message"]


def test_question_size_limit_on_query_string(tmp_path):
    client = make_client(tmp_path, max_question_chars=10)
    assert_envelope(client.get("/v1/models", params={"q": "z" * 11}), 413, "input_too_large")
    assert client.get("/v1/models", params={"q": "z" * 10}).status_code == 200


# ---------------------------------------------------------------------------------- timeouts and errors
def _app_with_test_routes(tmp_path, **overrides) -> FastAPI:
    app = create_app(Settings(data_dir=tmp_path / "data", **overrides))

    async def slow() -> dict:
        await asyncio.sleep(30)
        return {"done": True}

    def crash() -> dict:
        raise RuntimeError("boom in /home/someone/secret/module.py line 3")

    def corrupt() -> dict:
        raise IndexCorrupt("generation g1: /work/main/.data/generations/g1/store.sqlite has the wrong size")

    async def slow_admin() -> dict:
        await asyncio.sleep(0.5)
        return {"done": True}

    app.add_api_route("/v1/test-slow", slow)
    app.add_api_route("/v1/admin/test-slow", slow_admin)
    app.add_api_route("/v1/test-crash", crash)
    app.add_api_route("/v1/test-corrupt", corrupt)
    return app


def test_request_timeout_gives_504_envelope(tmp_path):
    client = TestClient(_app_with_test_routes(tmp_path, request_timeout=0.2), raise_server_exceptions=False)
    error = assert_envelope(client.get("/v1/test-slow"), 504, "timeout")
    assert "0.2" in error["message"]


def test_admin_routes_are_exempt_from_the_request_timeout(tmp_path):
    """A synchronous upload runs a whole index build; it must not be cut off at request_timeout."""
    app = _app_with_test_routes(tmp_path, request_timeout=0.2, admin_keys="adm")
    response = TestClient(app, raise_server_exceptions=False).get("/v1/admin/test-slow", headers={"X-API-Key": "adm"})
    assert response.status_code == 200 and response.json() == {"done": True}


def test_unhandled_error_leaks_no_trace_or_path(tmp_path):
    client = TestClient(_app_with_test_routes(tmp_path), raise_server_exceptions=False)
    response = client.get("/v1/test-crash")
    assert_envelope(response, 500, "internal_error")
    for leak in ("Traceback", "/home/", "secret", "module.py", "RuntimeError"):
        assert leak not in response.text


def test_kb_error_messages_lose_their_paths(tmp_path):
    client = TestClient(_app_with_test_routes(tmp_path), raise_server_exceptions=False)
    response = client.get("/v1/test-corrupt")
    error = assert_envelope(response, 503, "index_corrupt")
    assert "/work/" not in response.text and ".data" not in response.text
    assert "store.sqlite" in error["message"]


def test_scrub_paths_keeps_urls_and_routes():
    text = "see /v1/laws/civil-code and http://127.0.0.1:8000/api/v2 ratio 1/2/3"
    assert scrub_paths(text) == text
    assert scrub_paths("open /tmp/x/y/z.db failed") == "open z.db failed"


def test_validation_errors_use_the_envelope(tmp_path):
    client = make_client(tmp_path)
    assert_envelope(client.post("/v1/search", content=b"{not json", headers={"Content-Type": "application/json"}), 422, "validation_error")


# ------------------------------------------------------------------------------------------------ CORS
def test_cors_allows_only_configured_origins(tmp_path):
    client = make_client(tmp_path, cors_origins="https://app.example.org")
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    ok = client.options("/v1/ask", headers={"Origin": "https://app.example.org", **preflight})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://app.example.org"
    bad = client.options("/v1/ask", headers={"Origin": "https://evil.example.com", **preflight})
    assert "access-control-allow-origin" not in bad.headers
    simple = client.get("/v1/models", headers={"Origin": "https://app.example.org"})
    assert simple.headers["access-control-allow-origin"] == "https://app.example.org"


def test_no_cors_headers_by_default(tmp_path):
    response = make_client(tmp_path).get("/v1/models", headers={"Origin": "https://app.example.org"})
    assert "access-control-allow-origin" not in response.headers


def test_refusals_carry_cors_headers(tmp_path):
    """A browser must be able to read a 401/429 from an allowed origin (CORS sits outside the limits)."""
    client = make_client(tmp_path, cors_origins="https://app.example.org", api_keys="k1")
    response = client.get("/v1/models", headers={"Origin": "https://app.example.org"})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == "https://app.example.org"


# ------------------------------------------------------------------------------- request id, logs, metrics
def test_request_id_is_echoed_or_generated(tmp_path):
    client = make_client(tmp_path)
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    hostile = client.get("/healthz", headers={"X-Request-ID": "a b\"<script>" + "x" * 300}).headers["x-request-id"]
    assert hostile != "a b\"<script>" and len(hostile) == 32


def test_json_access_log_carries_request_id(tmp_path, capsys):
    client = make_client(tmp_path, api_keys="sekret-key")
    client.get("/v1/models", headers={"X-Request-ID": "trace-42", "X-API-Key": "sekret-key"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    mine = [entry for entry in lines if entry.get("request_id") == "trace-42"]
    assert mine and mine[-1]["status"] == 200 and mine[-1]["route"] == "/v1/models"
    assert mine[-1]["identity"].startswith("key:")
    assert all("sekret-key" not in json.dumps(entry) for entry in lines)


def test_metrics_count_by_route_template_and_status(tmp_path):
    client = make_client(tmp_path)
    client.get("/v1/laws/some-law-that-is-not-there/articles/1019")
    client.get("/v1/models")
    text = client.get("/metrics").text
    assert 'kb_http_requests_total{method="GET",route="/v1/models",status="200"}' in text
    assert 'route="/v1/laws/{law_id}/articles/{article}"' in text
    assert "some-law-that-is-not-there" not in text
    assert "kb_http_request_duration_seconds_bucket" in text
    assert "kb_index_ready 0.0" in text
