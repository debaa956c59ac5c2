"""Limits and the one error envelope: bad input gets a clear 4xx, never a stack trace."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import assert_envelope


def test_question_too_long_is_413(client: TestClient) -> None:
    err = assert_envelope(client.post("/v1/ask", json={"question": "肖像" * 251}), 413, "input_too_large")
    assert err["details"]["limit"] == 500


def test_k_above_max_is_400(client: TestClient) -> None:
    err = assert_envelope(client.post("/v1/ask", json={"question": "肖像权", "k": 21}), 400, "bad_request")
    assert err["details"]["max_k"] == 20
    assert_envelope(client.post("/v1/search", json={"query": "肖像权", "k": 999}), 400, "bad_request")


def test_invalid_bodies_are_422_validation_errors(client: TestClient) -> None:
    assert_envelope(client.post("/v1/ask", json={"question": ""}), 422, "validation_error")
    assert_envelope(client.post("/v1/ask", json={"question": "q", "k": 0}), 422, "validation_error")
    assert_envelope(client.post("/v1/ask", json={"question": "q", "as_of": "yesterday"}), 422, "validation_error")
    assert_envelope(client.post("/v1/ask", json={"question": "q", "surprise": 1}), 422, "validation_error")
    assert_envelope(client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"}), 422, "validation_error")
    assert_envelope(client.post("/v1/ask", json={"question": "   "}), 400, "bad_request")


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_envelope(client.get("/v1/nothing-here"), 404)
    assert_envelope(client.get("/v1/ask"), 405)


def test_openapi_lists_every_endpoint_with_schemas(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/ask", "/v1/ask/stream", "/v1/search", "/v1/laws", "/v1/laws/{law_id}", "/v1/laws/{law_id}/articles/{article}",
                 "/v1/graph", "/v1/models", "/v1/chat/completions"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    for name in ("AskRequest", "AskResponse", "AnswerCitationOut", "SearchRequest", "SearchResponse", "ArticleOut", "GraphOut",
                 "ChatCompletionRequest", "ChatCompletionResponse", "ErrorResponse"):
        assert name in schemas, name
    assert "quote" in schemas["AnswerCitationOut"]["required"]
