"""The answer does not lose what the search found (issue 12, 1(a)-(b)): the search's first hits that hold the question's
own words are cited although the issue spotter read the question under another issue (a name mentioned in passing); an
article the issue guide names speaks to its entry's issue; the search's first three hits are cited among the issues'
leads, in their rank; a penalty or administrative offence among the search's first hits stays only when it matches the
conduct asked, not merely the word "fine"; a rule whose last paragraph defines its term is no frame. Questions and hit lists are our own; the articles are the real raw/ corpus."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from kb.answer import DeterministicAnswerer, Evidence
from kb.answer import issues as issue_data
from kb.answer.deterministic import SEARCH_LEAD, _decisive_order, _Pick, on_point
from kb.records import SearchFilters

TODAY = date.today()
# a name in passing, a question about keeping trade records (no issue of the spotter's list is about keeping records)
RECORDS_ZH = "以我的名字注册的网店，交易信息要保存多久？"
DAMAGES_ZH = "有人用我的照片做面具卖，我能要求赔偿多少？"


def _pick(pos: int, group: str, role: str, named: bool) -> _Pick:
    return _Pick(hit=None, pos=pos, group=group, issue=group, role=role, sentences=[], named=named)  # type: ignore[arg-type]


def test_the_searchs_first_hits_are_cited_among_the_issues_leads() -> None:
    a_rule = _pick(1, "a", "governing", named=True)
    a_second = _pick(2, "a", "governing", named=False)  # the search's second hit, no rule the guide names
    b_rule = _pick(9, "b", "governing", named=True)  # issue b's rule, found deep down; b's best provision ranks 4
    b_best = _pick(4, "b", "exceptions", named=True)
    c_rule = _pick(11, "c", "governing", named=True)  # issue c: best provision at 5
    c_best = _pick(5, "c", "liability", named=False)
    order = _decisive_order([a_rule, a_second, b_rule, b_best, c_rule, c_best])
    # the search's second hit is not pushed behind two other issues' rules found further down
    assert order[:4] == [a_rule, a_second, b_rule, c_rule]
    # a remedy the guide names for issue a, ranked second, stays behind the issues' rules (the guide orders it after)
    a_remedy = _pick(2, "a", "liability", named=True)
    order = _decisive_order([a_rule, a_remedy, b_rule, b_best, c_rule, c_best])
    assert order.index(a_remedy) > order.index(c_rule)
    # ... unless the search puts it first: then it is the search's first hit and leads
    first_remedy = _pick(1, "a", "liability", named=True)
    later_rule = _pick(3, "a", "governing", named=True)
    assert _decisive_order([first_remedy, later_rule, b_rule, b_best])[:2] == [later_rule, first_remedy]


def test_on_point_needs_the_questions_words_in_the_first_hits() -> None:
    sentence = ["网络交易平台经营者对商品或者服务信息、交易信息的保存时间自交易完成之日起不少于三年。"]
    assert on_point(1, sentence, ["交易信息", "保存", "交易完成"])  # 1.5 + 1.0 + 1.5 >= ON_POINT
    assert not on_point(1, sentence, ["保存"])  # one short word is not the question's point
    assert not on_point(SEARCH_LEAD + 1, sentence, ["交易信息", "保存", "网络交易平台经营者"])  # beyond the first hits


def _evidence(qa_index: Any, question: str, arts: list[Any], lang: str = "zh") -> Evidence:
    res = qa_index.retriever.search(question, k=5, filters=SearchFilters(as_of=TODAY))
    template = res.hits[0]
    hits = [replace(template, article=a, title_zh=qa_index.store.law(a.law_id).title_zh, penalty_for=None, rank=i)
            for i, a in enumerate(arts, 1)]
    return Evidence(question=question, lang=lang, as_of=TODAY, hits=hits, expansions=list(res.expansions), store=qa_index.store)


def test_the_first_hit_on_the_questions_words_is_cited_under_an_issue_spotted_in_passing(qa_index: Any) -> None:
    store = qa_index.store
    records = store.article("online-trading-measures", "31", as_of=TODAY)  # how long trade records are kept
    name_rule = store.article("civil-code", "1014", as_of=TODAY)  # nobody may misuse another's name
    assert records is not None and name_rule is not None
    spotted = issue_data.spot(RECORDS_ZH)
    assert "name" in spotted and "platform" not in spotted  # the precondition: spotted under the name, not the records
    draft = DeterministicAnswerer().answer(_evidence(qa_index, RECORDS_ZH, [records, name_rule]))
    assert [c.article_id for c in draft.citations][:1] == [records.article_id]


def test_a_first_hit_without_the_questions_words_is_still_not_cited(qa_index: Any) -> None:
    store = qa_index.store
    off = store.article("product-quality-law", "35", as_of=TODAY)  # selling obsolete products: not what is asked
    name_rule = store.article("civil-code", "1014", as_of=TODAY)
    assert off is not None and name_rule is not None
    draft = DeterministicAnswerer().answer(_evidence(qa_index, RECORDS_ZH, [off, name_rule]))
    ids = [c.article_id for c in draft.citations]
    assert name_rule.article_id in ids and off.article_id not in ids


def test_an_english_questions_first_hit_is_cited_though_no_issue_spotted_covers_it(qa_index: Any) -> None:
    """An English question's words are not in the Chinese text, so the spotter's issues and the quote's words cannot
    confirm the search's first hits; they are quoted all the same (KEEP_FIRST): the rule on correcting an inaccurate
    media report, first for a question about a newspaper's wrong story."""
    store = qa_index.store
    correct = store.article("civil-code", "1028", as_of=TODAY)  # a media report that is untrue: correction, deletion
    robbery = store.article("criminal-law", "269", as_of=TODAY)
    truth = store.article("civil-code", "1024", as_of=TODAY)
    assert correct and robbery and truth
    q = "A newspaper wrongly reported that our shop sold masks to robbers; can we make it correct the story?"
    draft = DeterministicAnswerer().answer(_evidence(qa_index, q, [correct, robbery, truth], lang="en"))
    assert [c.article_id for c in draft.citations][:1] == [correct.article_id]


def test_a_remedy_the_guide_names_is_cited_when_the_search_misses_the_rule(qa_index: Any) -> None:
    """The guide names 民法典第一千一百八十二条 as the remedy of the likeness entry: it speaks to the likeness issue even
    where the search did not find that entry's rule (第一千零一十九条), instead of being dropped as off the issues."""
    store = qa_index.store
    joint = store.article("civil-code", "1168", as_of=TODAY)  # joint tortfeasors: a civil-liability rule
    fault = store.article("civil-code", "1165", as_of=TODAY)
    death = store.article("civil-code", "1181", as_of=TODAY)
    damages = store.article("civil-code", "1182", as_of=TODAY)  # property loss from infringing personal rights
    assert joint and fault and death and damages
    assert {"portrait", "civil-liability"} <= set(issue_data.spot(DAMAGES_ZH))
    assert not issue_data.article_affinity(damages, store.law("civil-code"), topics=False)  # its words name no issue
    draft = DeterministicAnswerer().answer(_evidence(qa_index, DAMAGES_ZH, [joint, fault, death, damages]))
    assert damages.article_id in {c.article_id for c in draft.citations}


def test_a_penalty_ranked_first_on_the_word_fine_alone_is_not_cited(qa_index: Any) -> None:
    """A penalty article of a law off the question's issues, ranked first because it says "罚款", is not the penalty
    asked about; the same article is cited when the question names the conduct it punishes."""
    store = qa_index.store
    adulterate = store.article("product-quality-law", "50", as_of=TODAY)  # fines for adulterated products
    claim = store.article("advertising-law", "28", as_of=TODAY)
    assert adulterate is not None and claim is not None
    q_fine = "我们在广告里写面具“能骗过人脸识别”，会被罚款吗？"
    draft = DeterministicAnswerer().answer(_evidence(qa_index, q_fine, [adulterate, claim]))
    assert adulterate.article_id not in {c.article_id for c in draft.citations}
    q_conduct = "我们的面具以次充好、以不合格产品冒充合格产品销售，会被罚款吗？"
    draft = DeterministicAnswerer().answer(_evidence(qa_index, q_conduct, [adulterate, claim]))
    assert adulterate.article_id in {c.article_id for c in draft.citations}


def test_a_labelling_question_gets_the_labelling_rule_and_a_childs_data_question_the_guardians_consent(qa_index: Any) -> None:
    """Guide entries written from 深度合成管理规定第十七条 and 个人信息保护法第三十一条: their statement leads the short
    answer when the search finds the article, ahead of the likeness rules the question also touches."""
    from kb.answer.guide import load_guide

    store = qa_index.store
    guide = {e.id: e for e in load_guide()}
    likeness = [store.article("civil-code", n, as_of=TODAY) for n in ("1019", "1018")]
    label = store.article("deep-synthesis-provisions", "17", as_of=TODAY)
    editing = store.article("deep-synthesis-provisions", "14", as_of=TODAY)
    assert label and editing and all(likeness)
    q = "我们的换脸小程序生成的视频，需要加上标识让观众知道是合成的吗？"
    draft = DeterministicAnswerer().answer(_evidence(qa_index, q, [likeness[0], label, likeness[1], editing]))
    assert guide["deep-synthesis-labelling"].statement_zh in draft.text
    assert label.article_id in [c.article_id for c in draft.citations][:3]

    child = store.article("pipl", "31", as_of=TODAY)
    assert child is not None
    q = "我们的面具定制App让用户上传自拍，有些用户只有十二岁，我们要多做什么？"
    draft = DeterministicAnswerer().answer(_evidence(qa_index, q, [likeness[0], likeness[1], child]))
    assert guide["minors-personal-information"].statement_zh in draft.text
    assert child.article_id in [c.article_id for c in draft.citations][:3]


def test_a_name_in_passing_does_not_raise_name_rights() -> None:
    """Name rights are raised by a person's or an organisation's name used by another, not by any name the facts
    mention (the shop name on a receipt, the name field of a form)."""
    assert "name" not in issue_data.spot("The shop name on my receipt is gone and the seller vanished. Who must tell me who sold it?")
    assert "name" not in issue_data.spot("收据上的店铺名称查不到了，卖家是谁谁来告诉我？")
    assert "name" in issue_data.spot("Can we print a famous singer's name on our mask boxes?")
    assert "name" in issue_data.spot("网店用他的名字做店名卖面具，侵权吗？")


def _guide_answer(qa_index: Any, entry_id: str, refs: list[tuple[str, str]], question: str) -> tuple[Any, list[Any], Any]:
    """The issue guide's entry ``entry_id``, the articles ``refs`` (law id, key) in force today, and the answer to
    ``question`` when the search finds those articles in that order."""
    from kb.answer.guide import load_guide

    entry = next(e for e in load_guide() if e.id == entry_id)
    arts = [qa_index.store.article(*ref, as_of=TODAY) for ref in refs]
    assert all(arts)
    return entry, arts, DeterministicAnswerer().answer(_evidence(qa_index, question, arts))


def test_a_transfer_abroad_gets_the_conditions_for_sending_personal_information_out_of_china(qa_index: Any) -> None:
    entry, arts, draft = _guide_answer(qa_index, "cross-border-transfer", [("pipl", "28"), ("civil-code", "1019"), ("pipl", "38"), ("pipl", "39")],
                                       "我们打算把客户上传的人脸照片发给国外的雕刻工作室建模，需要满足什么条件？")
    ids = [c.article_id for c in draft.citations]
    assert entry.statement_zh in draft.text
    assert arts[2].article_id in ids and arts[3].article_id in ids  # the conditions, and the notice and separate consent


def test_a_leak_gets_the_duty_to_remedy_and_notify(qa_index: Any) -> None:
    entry, arts, draft = _guide_answer(
        qa_index, "data-breach", [("pipl", "28"), ("consumer-protection-law", "29"), ("civil-code", "1038"), ("pipl", "57")],
        "我们面具网店存客户人脸照片的服务器被黑客攻破，照片可能已经泄露，我们现在必须做什么？")
    assert entry.statement_zh in draft.text
    assert arts[3].article_id in [c.article_id for c in draft.citations]


def test_an_article_the_guide_names_as_one_issues_rule_and_anothers_remedy_is_quoted_as_the_rule(qa_index: Any) -> None:
    """民法典第一千一百八十三条 is the rule of the emotional-harm entry and a remedy of the likeness entry: a question
    raising both gets it as the emotional-harm rule, with that entry's statement, among the first citations."""
    entry, arts, draft = _guide_answer(
        qa_index, "mental-damages",
        [("civil-code", "996"), ("spc-mental-damages-interpretation", "5"), ("civil-code", "1183"), ("civil-code", "1019")],
        "网上有人卖照着我的脸做的面具，我被嘲笑得精神痛苦，能要求精神损害赔偿吗？")
    rule = next(c for c in draft.citations if c.article_id == arts[2].article_id)
    assert rule.issue == "mental-damages" and entry.statement_zh in draft.text
    assert arts[2].article_id in [c.article_id for c in draft.citations][:3]


def test_a_rule_whose_last_paragraph_defines_its_term_is_no_frame(qa_index: Any) -> None:
    """Scope, commencement and "本法所称" articles are quoted only where they decide; a rule that forbids conduct and
    then defines its term in a later paragraph (the trade-secret article) is the rule, not a frame."""
    from kb.answer.deterministic import is_frame_article

    store = qa_index.store
    secrets = next(a for a in store.articles(store.version_in_force("anti-unfair-competition-law", TODAY).version_id)
                   if "侵犯商业秘密的行为" in (a.text_zh or ""))
    assert "本法所称的商业秘密" in (secrets.text_zh or "") and not is_frame_article(secrets)
    scope = store.article("pipl", "3", as_of=TODAY)  # where the law applies
    assert scope is not None and is_frame_article(scope)


def test_an_offence_the_search_ranks_high_is_cited_though_the_spotter_reads_other_issues(qa_index: Any) -> None:
    """An administrative offence (rule and sanction in one article) the search ranks among its first hits, holding the
    conduct the question describes, is quoted although the question is spotted under other issues and asks no "fine"."""
    store = qa_index.store
    threats = store.article("public-security-admin-punishments-law", "50", as_of=TODAY)  # threatening letters: detention, fine
    reputation = store.article("civil-code", "1024", as_of=TODAY)
    assert threats is not None and "恐吓信" in (threats.text_zh or "") and reputation is not None
    q = "隔壁网店老板连着往我们店里寄恐吓信，还在群里说我们卖假货，警察那边能管吗？"
    draft = DeterministicAnswerer().answer(_evidence(qa_index, q, [reputation, threats]))
    assert threats.article_id in {c.article_id for c in draft.citations}
