"""Pure pieces of answering: verbatim matching, sentence splitting, article keys, LLM reply parsing, issues."""

from __future__ import annotations

import pytest

from kb.answer import issues
from kb.answer.keys import normalize_key
from kb.answer.llm import parse_reply
from kb.answer.text import occurs_verbatim, paragraph_of, query_terms, split_sentences


def test_verbatim_ignores_whitespace_but_not_words() -> None:
    text = "任何组织或者个人不得以丑化、污损，\n或者利用信息技术手段伪造等方式侵害他人的肖像权。"
    assert occurs_verbatim("任何组织或者个人不得以丑化、污损， 或者利用信息技术手段伪造等方式", text)
    assert not occurs_verbatim("任何组织不得以丑化、污损", text)
    assert not occurs_verbatim("", text)


def test_sentences_split_on_chinese_stops_and_lines_never_on_semicolons() -> None:
    s = split_sentences("第一句话。第二句话；未及时处理的，承担连带责任。第三句\n（一）项目一；")
    assert s == ["第一句话。", "第二句话；未及时处理的，承担连带责任。", "第三句", "（一）项目一；"]


def test_paragraph_of_only_when_unique() -> None:
    paras = ("甲应当做某事。", "乙不得做某事。")
    assert paragraph_of("乙不得做某事", paras) == 2
    assert paragraph_of("做某事", paras) is None


@pytest.mark.parametrize(
    ("ref", "key"),
    [("第一千零一十九条", "1019"), ("Article 1019", "1019"), ("1019", "1019"), ("253a", "253之一"), ("第二百五十三条之一", "253之一"), ("foo", None)],
)
def test_article_keys(ref: str, key: str | None) -> None:
    assert normalize_key(ref) == key


def test_parse_reply_tolerates_fences_and_rejects_garbage() -> None:
    text, cites = parse_reply('```json\n{"answer": "A", "citations": [{"law": "civil-code", "article": "1019", "quote": "q", "paragraph": 1}]}\n```')
    assert text == "A" and cites[0].law == "civil-code" and cites[0].paragraph == 1
    with pytest.raises(ValueError):
        parse_reply("I think the answer is yes.")


def test_issue_spotting_reads_the_vocabulary_file() -> None:
    spotted = issues.spot("Can I advertise a mask of a celebrity's face and collect customers' photos?")
    assert {"portrait", "advertising", "personal-information"} <= set(spotted)
    assert "criminal" not in spotted
    # a face-recognition *claim* raises advertising, not personal information: nobody's data is collected or processed
    assert "advertising" in issues.spot("网店宣传面具可以通过人脸识别") and "personal-information" not in issues.spot("网店宣传面具可以通过人脸识别")
    assert "personal-information" in issues.spot("网店收集顾客的人脸信息用来定制面具")
    assert "personal-information" not in issues.spot("We advertise that our masks pass face recognition checks")
    assert "personal-information" in issues.spot("We store customers' face scans in a database to make masks")
    # "最近" (recently) and article numbers (第一千…) are no superlative claims; a face alone is no one's likeness
    assert "advertising" not in issues.spot("最近有人卖仿照我的脸做的面具")
    assert "portrait" in issues.spot("最近有人卖仿照我的脸做的面具")
    assert "portrait" not in issues.spot("Is a mask sold as a plain white face blank a regulated product?")


def test_an_item_is_quoted_with_its_lead_in_and_pinpointed() -> None:
    from kb.answer.deterministic import decisive_sentences
    from kb.answer.text import pinpoint
    from kb.records import ArticleRecord

    paras = ("广告不得有下列情形：", "（一）使用国旗；", "（二）使用“国家级”、“最佳”等用语；", "广告主应当对广告内容的真实性负责。")
    art = ArticleRecord("x@1#9", "x", "x@1", "9", 9, 0, "第九条", None, "\n".join(paras), None, paragraphs_zh=paras)
    quotes = decisive_sentences(art, ["国家级", "最佳", "用语"])
    assert quotes[:2] == ["广告不得有下列情形：", "（二）使用“国家级”、“最佳”等用语；"]
    assert pinpoint(quotes[1], paras) == (1, 2)  # 第一款第（二）项, not a third paragraph
    assert pinpoint("广告主应当对广告内容的真实性负责。", paras) == (2, None)


def test_a_fact_patterns_procedural_names_are_not_terms_a_quote_should_match() -> None:
    # our own wording: in a long criminal narrative 被告人 names the party in every sentence; in a short question about
    # the law it may be what is asked
    facts = ("经审理查明：2024年6月，被告人吴某在网上出售仿真人脸面具，谎称可通过银行刷脸验证，骗取被害人钱款共计人民币三万元。"
             "被告人吴某到案后如实供述了自己的罪行。")
    terms = query_terms(facts)
    assert "被告人" not in terms and "供述" in terms
    assert "被告人" in query_terms("被告人在羁押期间如实供述其他罪行算自首吗？")
