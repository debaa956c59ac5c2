"""Follow-up questions through the API: /v1/ask with `history`, /v1/chat/completions over several turns
(TestClient over the session's raw/ index; the real `openai` client is in test_server_openai.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import assert_envelope

FIRST = "Could a shop sell lifelike silicone masks copying a well-known TV host's face without his consent?"
FIRST_ZH = "淘宝店未经许可出售仿照某知名主持人面部制作的硅胶面具，合法吗？"
VOICE_EN = "and if I only copy his voice?"
NAME_ZH = "那如果只是用他的名字呢？"


def cited(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["law"], c["article"]) for c in body["citations"]}


def ask(client: TestClient, question: str, history: list[dict[str, str]] | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"question": question}
    if history is not None:
        payload["history"] = history
    r = client.post("/v1/ask", json=payload)
    assert r.status_code == 200, r.text
    return r.json()


def turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [t for q, a in pairs for t in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]


def test_followup_with_history_is_answered_with_the_earlier_question(client: TestClient) -> None:
    first = ask(client, FIRST)
    assert not first["refused"] and first["followup"]["is_followup"] is False and first["context_from_history"] is None

    alone = ask(client, VOICE_EN)  # without history the bare follow-up has nothing to stand on
    fu = ask(client, VOICE_EN, turns((FIRST, first["answer"])))
    assert fu["followup"]["is_followup"] and fu["context_from_history"] == FIRST
    assert fu["resolved_question"].startswith(VOICE_EN) and "face" in fu["resolved_question"]
    assert fu["question"] == VOICE_EN and fu["lang"] == "en"
    assert not fu["refused"]
    assert ("civil-code", "1023") in cited(fu)  # the voice is protected by analogy with the portrait right
    assert fu["answer"].startswith("(Follow-up:") and FIRST[:30] in fu["answer"].split("\n")[0]
    assert fu["answer"].startswith(fu["followup"]["frame"]) and FIRST[:30] in fu["followup"]["frame"]  # the UI shows it once
    assert alone["followup"]["is_followup"] is False and alone["resolved_question"] == VOICE_EN
    assert alone["followup"]["frame"] == "" and not alone["answer"].startswith("(Follow-up:")


def test_chinese_followup_is_answered_in_chinese_with_name_rights(client: TestClient) -> None:
    first = ask(client, FIRST_ZH)
    fu = ask(client, NAME_ZH, turns((FIRST_ZH, first["answer"])))
    assert fu["lang"] == "zh" and fu["context_from_history"] == FIRST_ZH and not fu["refused"]
    assert fu["answer"].startswith("（追问")
    assert {("civil-code", "1012"), ("civil-code", "1014")} & cited(fu)  # name rights
    for c in fu["citations"]:
        assert c["quote"]  # every citation passed the gate with its verbatim quote


def test_self_contained_question_ignores_the_history(client: TestClient) -> None:
    q = "Which article of the Advertising Law forbids false or misleading content in an advertisement?"
    plain = ask(client, q)
    with_history = ask(client, q, turns((FIRST, "…")))
    assert with_history["followup"]["is_followup"] is False and with_history["context_from_history"] is None
    assert with_history["resolved_question"] == q
    assert cited(with_history) == cited(plain)


def test_history_bounds_and_shape_are_errors_in_the_envelope(client: TestClient, api_settings: Any) -> None:
    many = [{"role": "user", "content": "x"}] * (api_settings.max_history_turns + 1)
    err = assert_envelope(client.post("/v1/ask", json={"question": VOICE_EN, "history": many}), 413, "input_too_large")
    assert err["details"]["limit"] == api_settings.max_history_turns
    long = [{"role": "assistant", "content": "y" * (api_settings.max_history_turn_chars + 1)}]
    err = assert_envelope(client.post("/v1/ask", json={"question": VOICE_EN, "history": long}), 413, "input_too_large")
    assert err["details"]["index"] == 0
    assert_envelope(client.post("/v1/ask", json={"question": VOICE_EN, "history": [{"role": "system", "content": "x"}]}), 422)
    assert_envelope(client.post("/v1/ask", json={"question": VOICE_EN, "history": "not a list"}), 422)


def test_chat_completions_reads_the_conversation(client: TestClient) -> None:
    messages: list[dict[str, Any]] = [{"role": "system", "content": "answer from the statutes"}, {"role": "user", "content": FIRST}]
    first = client.post("/v1/chat/completions", json={"model": "likeness-kb", "messages": messages}).json()
    messages += [first["choices"][0]["message"], {"role": "user", "content": VOICE_EN}]
    body = client.post("/v1/chat/completions", json={"model": "likeness-kb", "messages": messages}).json()
    assert body["followup"]["is_followup"] and body["followup"]["context_from_history"] == FIRST
    assert any(c["law"] == "civil-code" and c["article"] == "1023" for c in body["citations"])
    assert body["choices"][0]["message"]["content"].startswith("(Follow-up:")
    too_many = [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}] * 30 + [{"role": "user", "content": VOICE_EN}]
    assert_envelope(client.post("/v1/chat/completions", json={"model": "likeness-kb", "messages": too_many}), 413, "input_too_large")


def test_memo_of_a_followup_names_the_earlier_question(client: TestClient) -> None:
    r = client.post("/v1/ask", params={"format": "md"}, json={"question": VOICE_EN, "history": turns((FIRST, "…"))})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    text = r.text
    assert f"> {VOICE_EN}" in text and f"- Read with the earlier question: {FIRST}" in text
    assert "1023" in text
    import io

    import docx

    word = client.post("/v1/ask", params={"format": "docx"}, json={"question": VOICE_EN, "history": turns((FIRST, "…"))})
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert VOICE_EN in paragraphs and f"Read with the earlier question: {FIRST}" in paragraphs


def test_chinese_followup_to_an_english_question_is_answered_in_chinese(client: TestClient) -> None:
    fu = ask(client, NAME_ZH, turns((FIRST, "…")))
    assert fu["lang"] == "zh" and fu["context_from_history"] == FIRST and not fu["refused"]
    assert fu["answer"].startswith("（追问：") and "简要回答" in fu["answer"]
    assert {("civil-code", "1012"), ("civil-code", "1014")} & cited(fu)


def test_stream_names_the_followup_before_the_answer(client: TestClient) -> None:
    """The chat page learns that an answer is a follow-up (and its opening line) with the citations, before the text."""
    import json

    body = {"question": VOICE_EN, "history": [{"role": "user", "content": FIRST}]}
    with client.stream("POST", "/v1/ask/stream", json=body) as r:
        assert r.status_code == 200
        text = "".join(r.iter_text())
    events = [(b.split("\n")[0].removeprefix("event: "), json.loads(b.split("data: ", 1)[1])) for b in text.strip().split("\n\n")]
    name, first = events[0]
    assert name == "citations" and first["followup"]["is_followup"] is True
    answer = "".join(d["delta"] for n, d in events if n == "answer")
    assert answer.startswith(first["followup"]["frame"]) and first["followup"]["frame"]
