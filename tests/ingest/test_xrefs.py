from __future__ import annotations

from ingest.xrefs import find_references


def _refs(text: str, own: str | None = None) -> list[tuple]:
    return [(r.kind, r.target_title, r.article, r.paragraph, r.item, r.count) for r in find_references(text, own_title=own)]


def test_same_law_reference() -> None:
    assert _refs("依照本法第二百六十六条的规定处罚。") == [("article", None, "266", None, None, 1)]
    assert _refs("违反本条例第五条规定的") == [("article", None, "5", None, None, 1)]


def test_bare_article_is_same_law() -> None:
    assert _refs("有前款行为的，依照第二十条的规定处罚。") == [("preceding", None, None, None, None, 1), ("article", None, "20", None, None, 1)]


def test_other_law_in_brackets_with_paragraph_and_item() -> None:
    refs = _refs("依照《中华人民共和国刑法》第二百五十三条之一第一款第（三）项的规定")
    assert refs == [("article", "中华人民共和国刑法", "253之一", 1, 3, 1)]


def test_unbracketed_short_name() -> None:
    assert _refs("依照刑法第二百六十六条的规定，以诈骗罪定罪处罚。") == [("article", "刑法", "266", None, None, 1)]
    assert _refs("属于民法典第一千零一十九条规定的情形")[0][1] == "民法典"


def test_list_inherits_the_target() -> None:
    refs = _refs("违反《广告法》第九条、第十条和本法第三条")
    assert [(r[1], r[2]) for r in refs] == [("广告法", "9"), ("广告法", "10"), (None, "3")]


def test_range_is_expanded() -> None:
    assert [r[2] for r in _refs("适用本规定第五条至第八条")] == ["5", "6", "7", "8"]


def test_own_title_means_same_law() -> None:
    assert _refs("《中华人民共和国个人信息保护法》第十三条", own="中华人民共和国个人信息保护法")[0][1] is None


def test_preceding_and_own_paragraphs() -> None:
    assert _refs("适用前两款的规定；本条第一款所称") == [("preceding", None, None, None, None, 2), ("paragraph", None, None, 1, None, 1)]
    # 第Y款 right after 第X条 belongs to that article reference, not to the citing article
    assert _refs("本法第十条第二款") == [("article", None, "10", 2, None, 1)]


def test_positions_point_into_the_text() -> None:
    text = "依照本法第十条的规定"
    (ref,) = find_references(text)
    assert text[ref.start : ref.end] == "第十条"
