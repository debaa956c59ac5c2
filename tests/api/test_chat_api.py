"""OpenAI-compatible /v1/models and /v1/chat/completions through the TestClient."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.api.conftest import assert_envelope

Q = "Can I make a mask of a famous actor's face and sell it?"


def test_models(client: TestClient) -> None:
    ids = [m["id"] for m in client.get("/v1/models").json()["data"]]
    assert ids == ["likeness-kb", "likeness-kb-deterministic"]


def test_completion_uses_the_last_user_message(client: TestClient) -> None:
    body = client.post("/v1/chat/completions", json={
        "model": "likeness-kb",
        "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "什么是广告法？"},
                     {"role": "assistant", "content": "…"}, {"role": "user", "content": [{"type": "text", "text": Q}]}],
    }).json()
    assert body["object"] == "chat.completion" and body["choices"][0]["message"]["role"] == "assistant"
    text = body["choices"][0]["message"]["content"]
    assert "Citations:" in text and "Article 1019" in text
    assert any(c["article"] == "1019" for c in body["citations"])


def test_streamed_completion(client: TestClient) -> None:
    with client.stream("POST", "/v1/chat/completions", json={"model": "likeness-kb-deterministic", "stream": True,
                                                             "messages": [{"role": "user", "content": Q}]}) as r:
        lines = [x for x in "".join(r.iter_text()).split("\n\n") if x]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(x[len("data: "):]) for x in lines[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]
    assert "Citations:" in "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)


def test_chat_errors(client: TestClient) -> None:
    assert_envelope(client.post("/v1/chat/completions", json={"model": "gpt-9", "messages": [{"role": "user", "content": Q}]}), 404)
    assert_envelope(client.post("/v1/chat/completions", json={"model": "likeness-kb", "messages": [{"role": "system", "content": "x"}]}), 400)
    assert_envelope(client.post("/v1/chat/completions", json={"model": "likeness-kb", "messages": []}), 422, "validation_error")
    assert_envelope(client.post("/v1/chat/completions", json={"model": "likeness-kb", "as_of": "soon", "messages": [{"role": "user", "content": Q}]}), 400)
