"""Which provisions an answer cites, and in which order (issue 12): the governing rule of the question's leading
issue first, the provision the question asks about by role (the remedy, the penalty) right after it, everything else in
the search's order; nothing from an issue the question does not raise (a face-recognition claim is no processing of
data, "最近" is no superlative), no penalty of a law off the question's issues. Questions are our own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from kb.answer import DeterministicAnswerer, Evidence, answer_question
from kb.answer.deterministic import _decisive_order, _Pick, asked_roles
from kb.answer.guide import GuideError, load_guide, parse_guide
from kb.records import SearchFilters

CLAIM_EN = "We advertise that our silicone masks pass face recognition checks. What penalty could we face?"
LIKENESS_DAMAGES_ZH = "最近有网店卖仿照我的脸做的硅胶面具，我能要求他们赔偿损失吗？"
PENALTY_ZH = "我们把一位知名歌手的脸做成硅胶面具在网上卖，会被罚款吗？"


def _pick(pos: int, group: str, role: str, named: bool) -> _Pick:
    return _Pick(hit=None, pos=pos, group=group, issue=group, role=role, sentences=[], named=named)  # type: ignore[arg-type]


def test_the_leading_issues_rule_comes_first_then_what_is_asked_then_the_search_order() -> None:
    rule = _pick(9, "a", "governing", named=True)  # the guide's rule, found deep down
    remedy = _pick(2, "a", "liability", named=True)  # what the question asks about
    other = _pick(1, "b", "governing", named=False)  # the search's first hit, another issue
    definition = _pick(3, "a", "definitions", named=True)
    later = _pick(4, "b", "liability", named=False)
    order = _decisive_order([rule, remedy, other, definition, later], {"liability"})
    # each issue in the search's top 5 opens with its lead, in the order of the issues' best ranks: "b" (best hit 1) with
    # that hit (the search's first hit states a rule), "a" (best 2) with its guide rule found at 9; then "b"'s asked-for
    # remedy, "a"'s asked-for remedy, and the definition at its own rank
    assert order == [other, rule, later, remedy, definition]
    # without the remedy asked for: "b" opens with its best hit, "a" with its rule, then the search's order
    assert _decisive_order([rule, remedy, other, definition, later]) == [other, rule, remedy, definition, later]
    # an issue whose best provision ranks below the top 5 gets no lead of its own: its rule ranks with that provision
    deep_rule = _pick(12, "c", "governing", named=True)
    deep_best = _pick(7, "c", "exceptions", named=True)
    order = _decisive_order([rule, remedy, other, deep_rule, deep_best])
    assert order[:2] == [other, rule] and order.index(deep_rule) == order.index(deep_best) - 1


def test_the_roles_a_question_asks_about() -> None:
    assert "liability" in asked_roles("我能要求他们赔偿损失吗？") and "penalties" in asked_roles("会被罚款吗？")
    assert "exceptions" in asked_roles("Is news reporting an exception?")
    assert asked_roles("Can I sell a mask of a singer's face?") == set()


def test_guide_terms_gate_an_entry_and_are_checked() -> None:
    superlatives = next(e for e in load_guide() if e.id == "superlatives")
    assert superlatives.raised_by("详情页写“全网最逼真”可以吗") and not superlatives.raised_by("最近有人卖我的脸的面具")
    portrait = next(e for e in load_guide() if e.id == "portrait-use")
    assert portrait.terms == () and portrait.raised_by("anything")  # no terms of its own: its issue decides
    base = """[[entry]]
id = "x"
issue = "portrait"
label_zh = "x"
label_en = "x"
statement_zh = "x"
statement_en = "x"
governing = [{ law = "civil-code", article = "第一千零一十九条", version = "2021-01-01" }]
"""
    assert parse_guide(base + 'terms = ["Best", "第一品牌"]\n')[0].terms == ("best", "第一品牌")
    with pytest.raises(GuideError, match="terms"):
        parse_guide(base + 'terms = "best"\n')
    with pytest.raises(GuideError, match="terms"):
        parse_guide(base + 'terms = ["", "x"]\n')


def _keys(citations: list[Any]) -> list[tuple[str, str]]:
    return [(c.law, c.article) for c in citations]


def test_a_face_recognition_claim_is_answered_without_the_face_data_rules(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, CLAIM_EN, settings=api_settings)
    assert not ans.refused
    keys = _keys(ans.citations)
    assert ("advertising-law", "28") in keys[:3]
    assert not {law for law, _ in keys} & {"spc-face-recognition-interpretation", "pipl"}
    assert not any(law == "civil-code" for law, _ in keys)  # no one's likeness is used


def test_a_likeness_damages_question_leads_with_the_rule_then_the_remedy_and_no_advertising(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, LIKENESS_DAMAGES_ZH, settings=api_settings)
    assert not ans.refused
    keys = _keys(ans.citations)
    assert keys[0] == ("civil-code", "1019")
    assert {("civil-code", "1182"), ("civil-code", "1183")} & set(keys[:3])
    assert not any(law == "advertising-law" for law, _ in keys)  # "最近" is no superlative claim


def test_a_penalty_from_a_law_off_the_questions_issues_is_not_cited(qa_index: Any) -> None:
    store = qa_index.store
    res = qa_index.retriever.search(PENALTY_ZH, k=10, filters=SearchFilters(as_of=date.today()))
    off = store.article("product-quality-law", "50", as_of=date.today())  # adulterated products: a sanction, not this question's
    assert off is not None
    hits = list(res.hits)
    hits.insert(1, replace(hits[0], article=off, title_zh="中华人民共和国产品质量法", penalty_for=None))
    ev = Evidence(question=PENALTY_ZH, lang="zh", as_of=date.today(), hits=hits, expansions=list(res.expansions), store=store)
    draft = DeterministicAnswerer().answer(ev)
    assert draft.citations and off.article_id not in {c.article_id for c in draft.citations}


def test_a_question_spotted_under_the_wrong_issue_is_answered_from_what_the_search_found(qa_index: Any) -> None:
    """The issue list is short: a question on a subject outside it is spotted under a wrong issue (a factory's data
    → product quality). When no provision found addresses the spotted issues, the search is trusted over the
    spotting instead of answering "no provision addresses the question"."""
    from kb.answer import issues as issue_data

    question = "我们工厂把客户资料放在没有访问控制的服务器上，也没人负责安全。被主管部门查到会怎么罚？"
    store = qa_index.store
    res = qa_index.retriever.search(question, k=10, filters=SearchFilters(as_of=date.today()))
    art = store.article("pipl", "9", as_of=date.today())  # the handler answers for its data's security
    assert art is not None
    hit = replace(res.hits[0], article=art, title_zh="中华人民共和国个人信息保护法", penalty_for=None, rank=1)
    spotted = issue_data.spot(question, list(res.expansions))
    assert spotted and "personal-information" not in spotted  # the precondition: spotted, but not under the hit's issue
    ev = Evidence(question=question, lang="zh", as_of=date.today(), hits=[hit], expansions=list(res.expansions), store=store)
    draft = DeterministicAnswerer().answer(ev)
    assert draft.no_basis is None
    assert [c.article_id for c in draft.citations][:1] == [art.article_id]
