"""The Chinese structure parser on small hand-written inputs (each trap of PARSING-NOTES.md)."""

from __future__ import annotations

from ingest.loaders.base import LoadedText
from ingest.structure import parse_chinese


def _doc(*lines: str):  # noqa: ANN202
    return parse_chinese(LoadedText(lines=list(lines)))


def test_toc_is_skipped_and_headings_form_paths() -> None:
    doc = _doc(
        "中华人民共和国示例法", "（2020年1月1日通过）", "目　　录",
        "第一编　总　　则", "第一章　一般规定", "第二章　自然人", "　第一节　监护", "附　　则",
        "第一编　总　　则", "第一章　一般规定",
        "第一条　为了示例，制定本法。",
        "第二章　自然人", "第一节　监护",
        "第二条　父母是未成年子女的监护人。", "前款规定的监护人，依照本法第一条的规定确定。",
        "附　　则",
        "第三条　本法自公布之日起施行。",
    )
    assert [a.key for a in doc.articles] == ["1", "2", "3"]
    assert doc.title == "中华人民共和国示例法"
    assert [h.display() for h in doc.articles[1].path] == ["第一编\u3000总则", "第二章\u3000自然人", "第一节\u3000监护"]
    assert doc.articles[2].path[0].title == "附则" and doc.articles[2].path[0].level == "编"
    assert doc.articles[1].paragraphs == ["父母是未成年子女的监护人。", "前款规定的监护人，依照本法第一条的规定确定。"]
    assert len(doc.headings) == 5  # TOC entries not counted
    assert "（2020年1月1日通过）" in doc.preamble


def test_article_needs_separator_after_label() -> None:
    doc = _doc(
        "第一条　依照本法",
        "第二百六十六条的规定处罚。",  # a cross-reference at a line start: no separator
        "第二条 用 ASCII 空格分隔。",
        "第三条",
        "标签独占一行，正文在下一行。",
        "第四条之一　插入的条文。",
    )
    assert [(a.key, a.label) for a in doc.articles] == [("1", "第一条"), ("2", "第二条"), ("3", "第三条"), ("4之一", "第四条之一")]
    assert doc.articles[0].paragraphs == ["依照本法", "第二百六十六条的规定处罚。"]
    assert doc.articles[2].text == "标签独占一行，正文在下一行。"


def test_items_stay_in_their_article() -> None:
    doc = _doc("第一条　有下列情形之一的：", "（一）甲；", "（二）乙。", "第二条　其他。")
    assert doc.articles[0].paragraphs == ["有下列情形之一的：", "（一）甲；", "（二）乙。"]


def test_amending_instrument_items() -> None:
    doc = _doc(
        "中华人民共和国刑法修正案（十二）", "（2023年12月29日通过）",
        "一、在刑法第一百六十五条中增加一款作为第二款：", "“其他公司、企业的董事……”",
        "二、将刑法第一百六十六条修改为：", "“一、……”", "三、本修正案自2024年3月1日起施行。",
    )
    assert [(a.key, a.label) for a in doc.articles] == [("1", "一、"), ("2", "二、"), ("3", "三、")]
    assert doc.articles[1].paragraphs == ["将刑法第一百六十六条修改为：", "“一、……”"]
    assert any("numbered items" in w for w in doc.warnings)


def test_quoted_article_does_not_open_an_article() -> None:
    doc = _doc("第一条　将第十条修改为：", "“第十条　新的文字。”", "第二条　施行。")
    assert [a.key for a in doc.articles] == ["1", "2"]


def test_out_of_order_is_warned() -> None:
    doc = _doc("第二条　乙。", "第一条　甲。")
    assert any("out of order" in w for w in doc.warnings)


def test_interpretation_enumerated_headings() -> None:
    doc = _doc("最高人民法院关于适用《某法》的解释", "一、管辖", "第一条　甲。", "第二条　乙。", "二、回避", "第三条　丙。")
    assert [a.key for a in doc.articles] == ["1", "2", "3"]
    assert [(h.label, h.title) for h in doc.articles[2].path] == [("二、", "回避")]
    assert doc.articles[1].paragraphs == ["乙。"]  # the heading did not end up inside Art. 2


def test_wide_spaces_and_book_title_headings() -> None:
    loaded = LoadedText(lines=["中华人民共和国民法典", "人格权编", "第四章\u2002\u2002肖 像 权", "第一千零一十九条 文字。"],
                        kinds=["heading", "heading", "heading", "text"])
    doc = parse_chinese(loaded)
    assert [(h.label, h.title) for h in doc.articles[0].path] == [("", "人格权编"), ("第四章", "肖像权")]
