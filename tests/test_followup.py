"""Follow-up detection and query composition (kb/answer/followup.py): from the question's shape, zh and en,
positive and negative; history bounds. No index needed."""

from __future__ import annotations

import pytest

from kb.answer.followup import Turn, anchor, frame_line, is_followup, resolve, salient_terms, validate_history
from kb.errors import BadRequest, InputTooLarge
from kb.settings import Settings

FIRST_EN = "Is it lawful to sell hyper-realistic latex masks that reproduce a well-known singer's face without permission?"
FIRST_ZH = "直播间出售按照某位知名歌手的脸翻模制作的硅胶头套，事先没有征得歌手同意，合法吗？"


def hist(*questions: str) -> list[Turn]:
    out: list[Turn] = []
    for q in questions:
        out += [Turn("user", q), Turn("assistant", "…an answer with citations…")]
    return out


@pytest.mark.parametrize("question", [
    "and if I only copy his voice?",
    "What about her signature catchphrase?",
    "But if he is already dead?",
    "Only the voice?",
    "那如果只是用他的名字呢？",
    "如果只是模仿她的嗓音呢？",
    "换成已经去世的人呢？",
    "她的签名呢？",
    "What are the penalties?",  # nothing but a consequence of a subject it does not name
    "会被罚多少钱？",
    "要赔多少？",
    "会被判几年？",
    "who can sue us then?",
    "what if it took the listing down as soon as it was notified?",  # a continuing opening needs more to stand alone
])
def test_elliptical_questions_are_followups(question: str) -> None:
    found, signals = is_followup(question)
    assert found, signals


@pytest.mark.parametrize("question", [
    FIRST_EN,
    FIRST_ZH,
    "What penalties does the Advertising Law impose on an ad that misstates what a product can do?",
    "Even if I credit the actor in the listing, can I sell a mask of his face on an online marketplace?",
    "Is it legal to collect customers' facial images in a shop without telling them?",
    "电商平台明知店铺销售侵权面具而不采取措施，要承担什么责任？",
    "如果网店在商品标题里写明星的真实姓名来引流，是否侵犯姓名权？",
    "哪些行为属于侵害他人名誉权？",
    "什么是肖像权？",  # short, but its subject is its own
    "What is the penalty under the Advertising Law?",  # a consequence, of a law it names
    "什么是行政处罚？",
    "物业与业主签了服务合同，后来他们一直不履行，可以解除吗？",  # the pronoun refers into the question's own first clause
])
def test_self_contained_questions_are_not_followups(question: str) -> None:
    found, signals = is_followup(question)
    assert not found, signals


def test_composition_adds_the_earlier_subject_in_either_language() -> None:
    fu = resolve("and if I only copy his voice?", hist(FIRST_EN))
    assert fu.is_followup and fu.context == FIRST_EN
    assert fu.resolved.startswith("and if I only copy his voice?")
    assert {"face", "masks"} <= set(fu.added_terms) or {"face", "mask"} <= set(fu.added_terms), fu.added_terms
    assert "voice" not in fu.added_terms  # terms the follow-up already has are not repeated
    assert not {"without", "his", "lawful"} & set(fu.added_terms)  # no function words or generic predicates

    zh = resolve("那如果只是用他的名字呢？", hist(FIRST_ZH))
    assert zh.is_followup and zh.context == FIRST_ZH
    assert "歌手" in zh.added_terms and any("头套" in t or "硅胶" in t for t in zh.added_terms), zh.added_terms
    assert not {"如果", "只是", "合法"} & set(zh.added_terms)


def test_self_contained_question_in_a_conversation_is_not_contaminated() -> None:
    q = "What penalties does the Advertising Law impose on an ad that misstates what a product can do?"
    fu = resolve(q, hist(FIRST_EN))
    assert not fu.is_followup and fu.resolved == q and fu.context is None and fu.added_terms == []
    # and a follow-up with no earlier user question is read alone
    alone = resolve("and if I only copy his voice?", [Turn("assistant", "Hello")])
    assert not alone.is_followup and alone.resolved == "and if I only copy his voice?"


def test_a_chain_of_followups_keeps_the_first_subject() -> None:
    h = hist(FIRST_EN, "and if I only copy his voice?")
    assert anchor(h) == FIRST_EN
    fu = resolve("那如果只是用他的名字呢？", h)
    assert fu.context == FIRST_EN and "face" in fu.added_terms
    # a new self-contained question becomes the anchor of what follows it
    new = "电商平台明知店铺销售侵权面具而不采取措施，要承担什么责任？"
    assert anchor(hist(FIRST_EN, new)) == new


def test_salient_terms_and_frame_line() -> None:
    assert salient_terms(FIRST_EN, "and the voice?")[:1] == ["sell"]
    fu = resolve("What about her signature catchphrase?", hist(FIRST_EN))
    assert "previous one" in frame_line(fu, "en") and FIRST_EN[:40] in frame_line(fu, "en")
    assert frame_line(fu, "zh").startswith("（追问")


def test_history_is_bounded_and_checked() -> None:
    s = Settings(max_history_turns=4, max_history_turn_chars=50)
    assert validate_history(None, s) == []
    assert validate_history([{"role": "user", "content": "x"}], s) == [Turn("user", "x")]
    with pytest.raises(InputTooLarge) as many:
        validate_history([{"role": "user", "content": "x"}] * 5, s)
    assert many.value.details == {"turns": 5, "limit": 4}
    with pytest.raises(InputTooLarge) as long:
        validate_history([{"role": "assistant", "content": "y" * 51}], s)
    assert long.value.details["index"] == 0 and long.value.details["limit"] == 50
    with pytest.raises(BadRequest):
        validate_history([{"role": "system", "content": "be brief"}], s)
    with pytest.raises(BadRequest):
        validate_history([{"role": "user", "content": None}], s)
