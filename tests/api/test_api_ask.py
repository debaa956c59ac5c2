"""/v1/ask and /v1/ask/stream over the real raw/ index: grounded citations, verbatim quotes, as_of, refusals."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from kb.answer.text import occurs_verbatim
from tests.api.conftest import assert_envelope

PORTRAIT_EN = "Can I make and sell a silicone mask that copies a famous actor's face without asking him?"
ADS_ZH = "网店在广告中使用“国家级”“最佳”等用语宣传面具，合法吗？"


def _verbatim_in_store(store: Any, c: dict) -> bool:
    art = store.article_by_id(c["article_id"])
    return art is not None and (occurs_verbatim(c["quote"], art.text_zh) or occurs_verbatim(c["quote"], art.text_en))


def test_ask_english_portrait_question_cites_the_portrait_article(client: TestClient, qa_index: Any) -> None:
    r = client.post("/v1/ask", json={"question": PORTRAIT_EN})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["refused"] is False and body["lang"] == "en"
    assert body["as_of"] == date.today().isoformat()
    keys = {(c["law"], c["article"]) for c in body["citations"]}
    assert ("civil-code", "1019") in keys
    for c in body["citations"]:
        assert _verbatim_in_store(qa_index.store, c), c
        assert c["in_force"] is True and c["version"] and c["title_zh"] and c["article_label"]
    assert any(i["id"].startswith("portrait") for i in body["issues"]), body["issues"]  # the issue guide's ids (portrait-use)
    assert "Article 1019" in body["answer"] and "English text:" in body["answer"]
    assert all(c["text_en"] for c in body["citations"] if c["law"] == "civil-code")  # the corpus has its translation
    assert body["removed_citations"] == []


def test_ask_chinese_question_is_answered_in_chinese_with_chinese_quotes(client: TestClient, qa_index: Any) -> None:
    body = client.post("/v1/ask", json={"question": ADS_ZH}).json()
    assert body["lang"] == "zh" and body["refused"] is False
    assert "《" in body["answer"] and "Article" not in body["answer"]
    assert body["citations"] and body["issues"]
    for c in body["citations"]:
        assert _verbatim_in_store(qa_index.store, c)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in c["quote"])


def test_ask_as_of_cites_the_version_in_force_then(client: TestClient, qa_index: Any) -> None:
    versions = qa_index.store.versions("anti-unfair-competition-law")
    assert len(versions) >= 2
    old, new = versions[0], versions[-1]
    q = "经营者对商品作虚假或者引人误解的商业宣传，违反反不正当竞争法吗？"
    for day, expected, other in ((date(2020, 6, 1), old, new), (new.effective_from, new, old)):
        body = client.post("/v1/ask", json={"question": q, "as_of": day.isoformat(), "filters": {"law": ["anti-unfair-competition-law"]}}).json()
        assert body["refused"] is False, body
        aucl = [c for c in body["citations"] if c["law"] == "anti-unfair-competition-law"]
        assert aucl and all(c["version"] == expected.version_id for c in aucl)
        assert "版本说明" in body["answer"] and str(other.effective_from) in body["answer"]  # the other version is named


def test_below_threshold_refuses_and_says_what_was_searched(qa_index: Any, api_settings: Any) -> None:
    strict = api_settings.model_copy(update={"refusal_threshold": 1.01})
    with TestClient(create_app(strict, index=qa_index)) as c:
        body = c.post("/v1/ask", json={"question": PORTRAIT_EN}).json()
    assert body["refused"] is True and body["citations"] == []
    assert "below the threshold" in body["refusal_reason"]
    assert "face" in body["answer"] and body["searched"]["terms"]


def test_stream_sends_citations_then_answer_deltas_then_done(client: TestClient) -> None:
    plain = client.post("/v1/ask", json={"question": PORTRAIT_EN}).json()
    with client.stream("POST", "/v1/ask/stream", json={"question": PORTRAIT_EN}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    names = [e for e, _ in events]
    assert names[0] == "citations" and names[-1] == "done" and set(names[1:-1]) == {"answer"}
    assert events[0][1]["citations"] == plain["citations"]
    assert "".join(d["delta"] for e, d in events if e == "answer") == plain["answer"]
    assert events[-1][1]["refused"] is False


def test_stream_errors_use_the_envelope(client: TestClient) -> None:
    assert_envelope(client.post("/v1/ask/stream", json={"question": "x" * 501}), 413, "input_too_large")
