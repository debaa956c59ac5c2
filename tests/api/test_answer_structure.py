"""Answers a lawyer would sign (issue 12): short answer first from the issue guide, then per issue rule →
exceptions → liability → penalties quoted whole, in the question's language, each provision once, nothing off
the question's issues, English aligned to the quote. Questions here are our own, not from any evaluation set."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from kb.answer import DeterministicAnswerer, Evidence, answer_question
from kb.answer.evidence import canonical_hits, title_signature, translation_for
from kb.answer.models import Draft, Segment
from kb.answer.text import normalize, split_sentences
from kb.records import ArticleRecord, SearchFilters

ZH_PORTRAIT = "我们想把一位知名歌手的脸做成硅胶面具在网上卖，没问过他本人，会侵犯他的肖像权吗？"
EN_PORTRAIT = "We sculpt silicone masks from photos of a well-known singer's face. Do we need his permission to sell them?"
ZH_PLATFORM = "网店卖家未经同意卖印有别人肖像的面具，权利人通知平台后平台一直不删除链接，平台要承担什么责任？"


def _key(c: Any) -> tuple[str, str]:
    return (c.law, c.article)


def test_chinese_question_gets_a_chinese_answer_whatever_the_ui_language(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, ZH_PORTRAIT, lang="en", settings=api_settings)
    assert ans.refused is False and ans.lang == "zh"
    assert ans.answer.startswith("简要回答")
    assert "Short answer" not in ans.answer and "Issues raised" not in ans.answer
    assert ("civil-code", "1019") in [_key(c) for c in ans.citations[:3]]
    # the short answer is the guide's statement, before any quotation, and names its governing article
    first_quote = ans.answer.index("“")
    assert ans.answer.index("未经肖像权人同意，不得制作、使用、公开其肖像") < first_quote
    assert "依据：《中华人民共和国民法典》第一千零一十九条" in ans.answer


def test_english_question_leads_with_the_rule_and_aligns_the_english(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, EN_PORTRAIT, settings=api_settings)
    assert ans.refused is False and ans.lang == "en"
    assert ans.answer.startswith("Short answer")
    assert ans.citations[0].law == "civil-code" and ans.citations[0].article == "1019"
    store = qa_index.store
    for c in ans.citations:
        if c.text_en and c.text_en_source == "translation":
            art = store.article_by_id(c.article_id)
            if len(art.paragraphs_en) > 1:  # never the whole article beside one quote
                assert normalize(c.text_en) != normalize(art.text_en)
                assert any(normalize(c.text_en) in normalize(p) for p in art.paragraphs_en)
    assert "also touches on" not in ans.answer


def test_quotes_are_whole_sentences_not_cut_at_semicolons(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, ZH_PLATFORM, settings=api_settings)
    assert ans.refused is False
    joint = [c for c in ans.citations if "连带责任" in c.quote]
    assert joint, [c.quote for c in ans.citations]
    for c in ans.citations:
        art = qa_index.store.article_by_id(c.article_id)
        whole = [normalize(s) for s in split_sentences(art.text_zh)]
        assert normalize(c.quote) in whole  # a sentence or item of the article, as the article has it
        if "未及时采取必要措施的" in c.quote:
            assert "连带责任" in c.quote  # the clause after "；" that answers the question stays with it


def test_each_provision_is_quoted_once_and_sections_run_rule_to_penalty(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, "网店在广告中宣传我们的面具“戴上能通过人脸识别验证”，实际做不到，这是虚假广告吗？会被怎么处罚？", settings=api_settings)
    assert ans.refused is False
    quotes = [(c.article_id, normalize(c.quote)) for c in ans.citations]
    assert len(quotes) == len(set(quotes))
    quote_lines = [ln for ln in ans.answer.splitlines() if "：“" in ln]
    assert quote_lines and len(quote_lines) == len(set(quote_lines))
    for c in ans.citations:  # each quote is shown, once
        assert sum(ln.count(c.quote) for ln in quote_lines) == 1, c.quote
    for block in re.split(r"\n\n", ans.answer):
        heads = [ln for ln in block.splitlines() if ln in ("规则：", "例外：", "责任与救济：", "处罚：")]
        order = ["规则：", "定义：", "例外：", "责任与救济：", "处罚："]
        assert heads == sorted(heads, key=order.index)
    assert ("advertising-law", "28") in [_key(c) for c in ans.citations]
    if any(c.law == "advertising-law" and c.article == "55" for c in ans.citations):
        assert "行政处罚" not in ans.answer.split("本回答未涵盖")[-1] or "本回答未涵盖" not in ans.answer


def test_the_statement_needs_its_governing_article_in_the_evidence(qa_index: Any, api_settings: Any) -> None:
    res = qa_index.retriever.search(ZH_PORTRAIT, k=10, filters=SearchFilters(as_of=date.today()))
    ev = Evidence(question=ZH_PORTRAIT, lang="zh", as_of=date.today(), hits=res.hits, expansions=list(res.expansions), store=qa_index.store)
    with_1019 = DeterministicAnswerer().answer(ev)
    assert "未经肖像权人同意，不得制作、使用、公开其肖像" in with_1019.text
    ev.hits = [h for h in res.hits if h.article.key != "1019" or h.article.law_id != "civil-code"]
    without = DeterministicAnswerer().answer(ev)
    assert "未经肖像权人同意，不得制作、使用、公开其肖像，法律另有规定的除外。肖像包括" not in without.text


def test_an_article_off_the_questions_issues_is_not_cited(qa_index: Any) -> None:
    store = qa_index.store
    res = qa_index.retriever.search(ZH_PORTRAIT, k=10, filters=SearchFilters(as_of=date.today()))
    off = store.article("civil-code", "603", as_of=date.today())  # where goods are delivered: no issue of this question
    assert off is not None
    hits = list(res.hits)
    hits.insert(1, replace(hits[0], article=off, title_zh="中华人民共和国民法典"))
    ev = Evidence(question=ZH_PORTRAIT, lang="zh", as_of=date.today(), hits=hits, expansions=list(res.expansions), store=store)
    draft = DeterministicAnswerer().answer(ev)
    assert off.article_id not in {c.article_id for c in draft.citations}


def test_a_line_whose_citation_the_gate_removed_goes_with_it() -> None:
    d = Draft(text="", citations=[], segments=[Segment("Heading"), Segment("rests on a", ("a",)), Segment("rests on b", ("b",))])
    assert d.text_after_gate({"a"}) == "Heading\nrests on a"


def test_english_is_aligned_to_the_quoted_sentence_or_paragraph() -> None:
    zh = ("第一句。第二句。", "第二款。")
    en = ("First sentence. Second sentence.", "Second paragraph.")
    art = ArticleRecord("x@1#1", "x", "x@1", "1", 1, 0, "第一条", "Article 1", "\n".join(zh), "\n".join(en), paragraphs_zh=zh, paragraphs_en=en)
    assert translation_for(art, "第二句。") == "Second sentence."
    assert translation_for(art, "第二款。") == "Second paragraph."
    uneven = replace(art, paragraphs_en=("All of it.",), text_en="All of it.")
    assert translation_for(uneven, "第二款。") is None  # paragraphs do not align: no guess


def test_title_forms_of_one_law_share_a_signature() -> None:
    long = "最高人民法院关于审理使用人脸识别技术处理个人信息相关民事案件适用法律若干问题的规定"
    assert title_signature(long) == title_signature(long.removeprefix("最高人民法院"))
    assert title_signature("中华人民共和国刑法") != title_signature("中华人民共和国刑法修正案（十二）")


def test_the_national_copy_of_a_raw_law_is_recognised_whatever_its_title(tmp_path: Path) -> None:
    """A real build with raw/ and a national/ copy titled without 最高人民法院: each provision is evidence once."""
    from ingest.pipeline import run_ingest
    from kb.index import open_index
    from kb.settings import get_settings
    from tests.conftest import make_small_corpus

    settings = make_small_corpus(tmp_path, ["spc-face-recognition-interpretation"])
    src = get_settings().corpus_root / "national" / "司法解释" / "关于审理使用人脸识别技术处理个人信息相关民事案件适用法律若干问题的规定.md"
    dst = settings.corpus_root / "national" / "司法解释" / src.name
    dst.parent.mkdir(parents=True)
    shutil.copyfile(src, dst)
    assert run_ingest(settings, layer="all").status == "built"
    index = open_index(settings)
    try:
        layers = {law.layer for law in index.store.laws()}
        assert layers == {"raw", "national"}  # the copy is in the index as a law of its own
        q = "商场用人脸识别验证顾客身份，没有取得顾客的单独同意，算不算侵权？"
        res = index.retriever.search(q, k=10, filters=SearchFilters(as_of=date.today()))
        assert {h.article.law_id for h in res.hits} - {"spc-face-recognition-interpretation"}  # both copies retrieved
        kept = canonical_hits(res.hits, index.store, date.today())
        assert {h.article.law_id for h in kept} == {"spc-face-recognition-interpretation"}
        ans = answer_question(index, q, settings=settings.model_copy(update={"refusal_threshold": 0.0, "llm_base_url": ""}))
        quotes = [normalize(c.quote) for c in ans.citations]
        assert quotes and len(quotes) == len(set(quotes))
        assert {c.law for c in ans.citations} == {"spc-face-recognition-interpretation"}
    finally:
        index.close()


def test_a_question_that_asks_nothing_of_the_law_is_refused_saying_what_was_searched(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, "硅胶面具上的假发用哪种胶水粘得最牢、最不容易脱落？", settings=api_settings)
    assert ans.refused is True and ans.citations == []
    assert "没有回答该问题的法律依据" in ans.answer and "检索范围" in ans.answer and "最接近的法律" in ans.answer
    legal = answer_question(qa_index, "硅胶面具上印了明星的脸，卖这种面具违法吗？", settings=api_settings)
    assert legal.refused is False


def test_a_question_under_a_foreign_law_is_refused_unless_it_also_asks_about_china() -> None:
    from kb.answer.issues import asks_the_law
    from kb.answer.scope import foreign_jurisdiction as foreign_law

    assert foreign_law("Under German law, may I sell a mask of a footballer's face?") == "german law"
    assert foreign_law("根据美国法，卖名人面具需要授权吗？") == "美国法"
    assert foreign_law("Compared with US law, what does Chinese law require before selling a celebrity mask?") is None
    assert foreign_law("Do I need consent to sell a celebrity mask?") is None
    assert asks_the_law("Do I need consent to sell a celebrity mask?")
    assert not asks_the_law("Which pigment gives silicone the most natural skin tone?")


def test_guide_pinpoints_quote_the_deciding_paragraph_or_item_whole() -> None:
    from kb.answer.deterministic import guide_sentences, sentence_role

    paras = ("广告以虚假内容欺骗消费者的，构成虚假广告。", "广告有下列情形之一的，为虚假广告：", "（一）商品不存在的；", "（二）功能与实际情况不符的；")
    art = ArticleRecord("x@1#28", "x", "x@1", "28", 28, 0, "第二十八条", None, "\n".join(paras), None, paragraphs_zh=paras)
    assert guide_sentences(art, 2, 2) == ["广告有下列情形之一的，为虚假广告：", "（二）功能与实际情况不符的；"]
    assert guide_sentences(art, 2, None) == list(paras[1:])  # the whole paragraph with its items
    assert guide_sentences(art, 3, None) == [] and guide_sentences(art, 2, 5) == []
    assert sentence_role("违反本法规定的，处二十万元以上一百万元以下的罚款。") == "penalties"
    assert sentence_role("未及时采取必要措施的，与该网络用户承担连带责任。") == "liability"
    assert sentence_role("合理实施下列行为的，可以不经肖像权人同意：") == "exceptions"
    assert sentence_role("未经肖像权人同意，不得制作肖像。") == "governing"


def test_a_criminal_fact_pattern_quotes_the_paragraph_that_defines_its_circumstance(qa_index: Any, api_settings: Any) -> None:
    # our own indictment-style facts: a joint fraud, one defendant surrenders. The defendant's procedural name is in
    # every sentence of such a text; it must not pull the answer to 刑法第六十七条第二款 (suspects in custody), and the
    # joint crime is the definition in 第二十五条第一款, not the negligence rule of its second paragraph.
    text = ("公诉机关指控：2025年4月，被告人孙某与被告人周某共谋，由周某戴着仿制他人面容的硅胶面具出面，孙某在网上联系买家，"
            "二人以预售名义骗取多名被害人货款共计人民币六万元。案发后被告人孙某主动投案，如实供述了犯罪事实。被告人孙某、周某犯诈骗罪。")
    ans = answer_question(qa_index, text, settings=api_settings)
    assert ans.refused is False
    pins = {(c.article, c.paragraph) for c in ans.citations if c.law == "criminal-law"}
    assert any(a == "266" for a, _ in pins)
    assert ("25", 1) in pins and ("25", 2) not in pins
    assert ("67", 1) in pins and ("67", 2) not in pins
