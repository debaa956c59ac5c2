"""The LLM answerer through LangChain with fake chat models (BaseChatModel): whatever the model writes, the
citation gate removes invented articles and misquotes; timeouts and failures fall back to the default."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kb.answer import DeterministicAnswerer, LLMAnswerer, answer_question
from kb.answer.text import split_sentences
from tests.api.fake_llm import BrokenChatModel, ProseChatModel, SlowChatModel, scripted

Q = "Can I sell a silicone mask copying a celebrity's face without consent?"


def _sentence(store: Any, law: str, key: str) -> str:
    art = store.article(law, key)
    return split_sentences(art.text_zh)[0]


def _llm(model: Any, timeout: float = 5.0) -> LLMAnswerer:
    return LLMAnswerer(model, fallback=DeterministicAnswerer(), timeout=timeout)


def test_gate_removes_invented_article_and_misquote(qa_index: Any, api_settings: Any) -> None:
    store = qa_index.store
    real = _sentence(store, "civil-code", "1019")
    model = scripted(
        "Making a mask of someone's face needs their consent.",
        [
            {"law": "civil-code", "article": "1019", "quote": real},
            {"law": "civil-code", "article": "1019之三", "quote": real},  # invented article number
            {"law": "中华人民共和国民法典", "article": "第一千零一十八条", "quote": "自然人可以随意使用任何人的肖像。"},  # misquote
            {"law": "made-up-law", "article": "1", "quote": real},
        ],
    )
    ans = answer_question(qa_index, Q, answerer=_llm(model), settings=api_settings)
    assert ans.refused is False and ans.answerer == "llm"
    assert [(c.law, c.article) for c in ans.citations] == [("civil-code", "1019")]
    kept = ans.citations[0]
    assert kept.title_zh == "中华人民共和国民法典" and kept.article_label == "第一千零一十九条" and kept.version
    reasons = {(r.article, r.reason) for r in ans.removed_citations}
    assert reasons == {("1019之三", "article_not_found"), ("第一千零一十八条", "quote_not_verbatim"), ("1", "law_not_found")}
    assert "removed 3" in ans.answer


def test_gate_accepts_names_and_labels_and_whitespace(qa_index: Any, api_settings: Any) -> None:
    real = _sentence(qa_index.store, "civil-code", "1019")
    spaced = " ".join(real[i : i + 5] for i in range(0, len(real), 5))  # line breaks/blanks in a quote are not a misquote
    model = scripted("答案。", [{"law": "民法典", "article": "第一千零一十九条", "quote": spaced}])
    ans = answer_question(qa_index, "未经同意制作他人肖像面具是否侵权？", answerer=_llm(model), settings=api_settings)
    assert [(c.law, c.article) for c in ans.citations] == [("civil-code", "1019")] and not ans.removed_citations


def test_superseded_version_is_marked_with_the_version_in_force(qa_index: Any, api_settings: Any) -> None:
    store = qa_index.store
    old, new = store.versions("anti-unfair-competition-law")[0], store.versions("anti-unfair-competition-law")[-1]
    art = store.article("anti-unfair-competition-law", "2", version_id=old.version_id)
    model = scripted("x", [{"law": "anti-unfair-competition-law", "article": "2", "version": old.version_id, "quote": split_sentences(art.text_zh)[0]}])
    ans = answer_question(qa_index, "经营者在生产经营活动中应当遵循什么原则？", as_of=new.effective_from, answerer=_llm(model), settings=api_settings)
    assert len(ans.citations) == 1
    c = ans.citations[0]
    assert c.version == old.version_id and c.in_force is False and c.in_force_version == new.version_id


def test_all_citations_invalid_is_a_refusal(qa_index: Any, api_settings: Any) -> None:
    model = scripted("Trust me.", [{"law": "civil-code", "article": "1019", "quote": "任何人都可以自由使用明星肖像。"}])
    ans = answer_question(qa_index, Q, answerer=_llm(model), settings=api_settings)
    assert ans.refused is True and ans.citations == [] and "gate" in (ans.refusal_reason or "")
    assert ans.removed_citations[0].reason == "quote_not_verbatim"


@pytest.fixture
def release() -> Iterator[threading.Event]:
    ev = threading.Event()
    yield ev
    ev.set()  # let the abandoned model call finish


def test_timeout_falls_back_to_the_deterministic_answer(qa_index: Any, api_settings: Any, release: threading.Event) -> None:
    ans = answer_question(qa_index, Q, answerer=_llm(SlowChatModel(release=release), timeout=0.2), settings=api_settings)
    assert ans.refused is False and "fallback: timeout" in ans.answerer
    assert any(c.article == "1019" for c in ans.citations)


@pytest.mark.parametrize("model", [BrokenChatModel(), ProseChatModel()], ids=["error", "unparseable"])
def test_failures_fall_back(qa_index: Any, api_settings: Any, model: Any) -> None:
    ans = answer_question(qa_index, Q, answerer=_llm(model), settings=api_settings)
    assert ans.refused is False and "fallback" in ans.answerer and ans.citations


def test_api_reports_removed_citations(qa_index: Any, api_settings: Any) -> None:
    real = _sentence(qa_index.store, "civil-code", "1019")
    model = scripted("x", [{"law": "civil-code", "article": "1019", "quote": real}, {"law": "civil-code", "article": "99999", "quote": real}])
    with TestClient(create_app(api_settings, index=qa_index, answerer=_llm(model))) as c:
        body = c.post("/v1/ask", json={"question": Q, "as_of": date.today().isoformat()}).json()
    assert body["answerer"] == "llm"
    assert [x["article"] for x in body["citations"]] == ["1019"]
    assert body["removed_citations"] == [{"law": "civil-code", "article": "99999", "quote": real, "reason": "article_not_found", "detail": "civil-code has no article 99999"}]


def test_settings_build_a_chat_openai_answerer(api_settings: Any) -> None:
    from langchain_openai import ChatOpenAI

    from kb.answer.service import default_answerer

    s = api_settings.model_copy(update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m", "llm_timeout": 3.0})
    a = default_answerer(s)
    assert isinstance(a, LLMAnswerer) and isinstance(a.model, ChatOpenAI) and a.timeout == 3.0
    assert isinstance(default_answerer(api_settings), DeterministicAnswerer)


def test_llm_gets_the_answer_structure_and_the_guide_and_its_lines_pass_the_gate(qa_index: Any, api_settings: Any) -> None:
    import json

    from tests.api.fake_llm import RecordingChatModel

    real = _sentence(qa_index.store, "civil-code", "1019")
    reply = {
        "answer": "unused when segments are given",
        "segments": [
            {"text": "简要回答", "cites": []},
            {"text": "未经同意不得制作他人肖像。", "cites": [0]},
            {"text": "民法典第一千零一十九条之三另有规定。", "cites": [1]},
        ],
        "citations": [
            {"law": "civil-code", "article": "1019", "quote": real},
            {"law": "civil-code", "article": "1019之三", "quote": real},
        ],
    }
    model = RecordingChatModel(reply=json.dumps(reply, ensure_ascii=False))
    ans = answer_question(qa_index, "未经同意把别人的脸做成面具卖，合法吗？", lang="en", answerer=_llm(model), settings=api_settings)
    system, human = model.seen[0][0].content, model.seen[0][1].content
    assert "Short answer first" in system and "governing rule, its exceptions, liability and remedies, penalties" in system
    assert "in Chinese, the language of the question" in system  # the question's language, not the UI's "en"
    assert "Issue guide (written by this project, not law)" in human and "civil-code 1019" in human
    assert ans.answerer == "llm" and [c.article for c in ans.citations] == ["1019"]
    assert "未经同意不得制作他人肖像。" in ans.answer and "之三" not in ans.answer  # the line resting on the invented article is gone


def test_llm_is_told_a_follow_up_and_its_earlier_question(qa_index: Any, api_settings: Any) -> None:
    import json

    from tests.api.fake_llm import RecordingChatModel

    real = _sentence(qa_index.store, "civil-code", "1023")
    reply = {"answer": "unused", "segments": [{"text": "声音参照肖像权保护。", "cites": [0]}],
             "citations": [{"law": "civil-code", "article": "1023", "quote": real}]}
    model = RecordingChatModel(reply=json.dumps(reply, ensure_ascii=False))
    ans = answer_question(qa_index, "如果只是模仿他的声音呢？", answerer=_llm(model), settings=api_settings,
                          history=[{"role": "user", "content": Q}, {"role": "assistant", "content": "…"}])
    human = model.seen[0][1].content
    assert "Question (as of" in human and "如果只是模仿他的声音呢？\n" in human  # the follow-up as asked, not the resolved query
    assert f"It follows up the earlier question: {Q}" in human
    assert ans.lang == "zh" and ans.followup.is_followup and [c.article for c in ans.citations] == ["1023"]
