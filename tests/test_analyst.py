"""The analyst step (kb/analyst.py): the query's terms from the real tokenizer, glossary and lexical index;
coverage; the drop rule; a 0–100 relevance that orders ties by coverage."""

from __future__ import annotations

from typing import Any

from kb.analyst import (
    MIN_RELEVANCE,
    Coverage,
    TermGroup,
    analyst_rank,
    coverage,
    relevance_label,
    term_groups,
)
from kb.records import ArticleRecord, Hit


def _hit(aid: str, score: float, rank: int, zh: str, en: str | None = None) -> Hit:
    art = ArticleRecord(article_id=aid, law_id=aid.split("@")[0], version_id=aid.split("#")[0], key="1", number=1, suffix=0,
                        label_zh="第一条", label_en=None, text_zh=zh, text_en=en)
    return Hit(article=art, score=score, rank=rank)


GROUPS = [TermGroup("混淆", zh=("混淆", "混淆行为"), en=(("confus",),), weight=7.0, concept="confusion"),
          TermGroup("商业", zh=("商业",), weight=3.0), TermGroup("misled", en=(("mislead",),), weight=2.0)]


def test_coverage_weights_terms_and_applies_english_terms_only_to_english_text() -> None:
    c = coverage(GROUPS, "经营者不得实施混淆行为", None)
    assert c.share == 7.0 / 10.0 and c.matched == ("混淆",) and c.missing == ("商业",)
    both = coverage(GROUPS, "商业混淆", "confusion that may mislead")
    assert both.share == 1.0 and both.missing == ()
    assert coverage(GROUPS, "无关条文", None).share == 0.0
    assert coverage([TermGroup("misled", en=(("mislead",),))], "中文", None).share is None  # no English text: n/a


def test_hits_sharing_no_term_are_dropped_and_ties_go_to_coverage() -> None:
    hits = [
        _hit("a@1#1", 2.0, 1, "商业银行的业务"),            # only the common term
        _hit("b@1#1", 2.0, 2, "不得实施混淆行为，损害商业信誉"),  # tied score, both terms
        _hit("c@1#1", 1.9, 3, "姓名权受法律保护"),          # none of the terms
        _hit("d@1#1", 1.0, 4, "混淆"),
    ]
    out = analyst_rank(hits, GROUPS[:2], k=10)
    ids = [a.hit.article.article_id for a in out]
    assert ids[0] == "b@1#1" and out[0].relevance == 100 and out[0].label == "high"
    assert "c@1#1" not in ids  # shares none of the terms
    assert "a@1#1" not in ids  # covers 3/10 of the terms, below half
    assert all(0 <= a.relevance <= 100 for a in out) and [a.relevance for a in out] == sorted((a.relevance for a in out), reverse=True)
    # min_coverage 0 keeps partial coverage but still drops hits sharing nothing
    loose = [a.hit.article.article_id for a in analyst_rank(hits, GROUPS[:2], k=10, min_coverage=0.0)]
    assert "a@1#1" in loose and "c@1#1" not in loose


def test_a_passing_mention_far_below_the_best_is_dropped() -> None:
    hits = [_hit("a@1#1", 4.0, 1, "商业混淆"), _hit("b@1#1", 0.5, 2, "商业混淆")]
    out = analyst_rank(hits, GROUPS[:2], k=10)
    assert [a.hit.article.article_id for a in out] == ["a@1#1"] and 100 * 0.5 / 4.0 < MIN_RELEVANCE


def test_relevance_labels() -> None:
    assert [relevance_label(x) for x in (100, 70, 69, 40, 39, 0)] == ["high", "high", "medium", "medium", "low", "low"]
    assert Coverage(None).matched == ()


def test_term_groups_from_the_real_index(raw_index: Any) -> None:
    r = raw_index.retriever
    qa = r.analyze("反不正当竞争法 第七条 商业混淆 擅自使用他人姓名 引人误认")
    groups = term_groups(qa, r.glossary, raw_index.lexical, ["中华人民共和国反不正当竞争法", "反不正当竞争法"])
    labels = {g.label for g in groups}
    assert "商业" in labels and "误认" in labels
    # law names and article labels choose the law, they are no terms (nor a concept said only inside the name)
    assert not any(x in "中华人民共和国反不正当竞争法" or x == "第七条" for x in labels), labels
    assert all(len(g.label) >= 2 and g.weight > 0 for g in groups)
    confusion = next(g for g in groups if g.concept == "confusion")
    assert "混淆行为" in confusion.zh and "混淆" in confusion.zh  # the glossary's legal terms cover the concept too
    w = {g.label: g.weight for g in groups}
    assert confusion.weight > w["商业"] and w["误认"] > w["他人"]  # rarer in the index, heavier
