"""The parsers against the real statute files: article counts from manifest.json, cross-format equality,
spot checks of the traps listed in PARSING-NOTES.md."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from ingest.structure import ARTICLE_RE, squash
from kb.numerals import article_label, english_label
from tests.ingest.corpus import find, manifest_files, normalise, parsed, require_corpus

COUNTED = [r for r in manifest_files() if r.get("articles")]
_IDS = [r["path"].rsplit("/", 1)[-1][:60] for r in COUNTED]


@pytest.mark.parametrize("rec", COUNTED or [None], ids=_IDS or ["no-corpus"])
def test_article_count_matches_manifest(rec: dict | None) -> None:
    require_corpus()
    assert rec is not None
    doc = parsed(rec["path"])
    expected = rec["articles"]
    assert doc.language == rec["language"]
    keys = [a.key for a in doc.articles]
    assert len(keys) == len(set(keys)), "duplicate article keys"
    if "numbered" in expected:
        plain = [a for a in doc.articles if not a.suffix]
        suffixed = [a for a in doc.articles if a.suffix]
        assert len(plain) == expected["numbered"]
        assert len(suffixed) == expected["suffixed_之"]
        assert [a.number for a in plain] == list(range(1, expected["numbered"] + 1))
    else:  # English: every number 1..max, in order (letter articles in between)
        plain = [a.number for a in doc.articles if not a.suffix]
        assert plain == list(range(1, expected["max_article_number"] + 1))
    assert all(a.paragraphs and all(p.strip() for p in a.paragraphs) for a in doc.articles)
    assert not [w for w in doc.warnings if "duplicate" in w or "out of order" in w]


def _copy_groups() -> list[list[str]]:
    groups: dict[tuple, list[str]] = defaultdict(list)
    for rec in manifest_files():
        if rec["language"] != "zh" or "unofficial" in rec["role"]:
            continue
        groups[(rec["law_id"], str(rec["articles"]))].append(rec["path"])
    return [paths for paths in groups.values() if len(paths) > 1]


GROUPS = _copy_groups()


@pytest.mark.parametrize("paths", GROUPS or [[]], ids=[p[0].rsplit("/", 1)[-1][:50] for p in GROUPS] or ["no-corpus"])
def test_copies_in_different_formats_agree(paths: list[str]) -> None:
    """docx / md / pdf copies of one law: same keys, labels, headings, and text modulo white space."""
    require_corpus()
    base = parsed(paths[0])
    for other_path in paths[1:]:
        other = parsed(other_path)
        assert [a.key for a in other.articles] == [a.key for a in base.articles], other_path
        assert [a.label for a in other.articles] == [a.label for a in base.articles]
        differing = [a.key for a, b in zip(base.articles, other.articles, strict=True) if normalise(a.text) != normalise(b.text)]
        assert differing == [], f"{other_path}: text differs in {differing[:5]}"
        # the same 款 split too, so that 第X条第Y款 means the same paragraph in every copy
        split = [a.key for a, b in zip(base.articles, other.articles, strict=True)
                 if [normalise(p) for p in a.paragraphs] != [normalise(p) for p in b.paragraphs]]
        assert split == [], f"{other_path}: paragraphs differ in {split[:5]}"
        assert [(h.level, normalise(h.title)) for h in other.headings] == [(h.level, normalise(h.title)) for h in base.headings]
        assert [tuple(h.label for h in a.path) for a in other.articles] == [tuple(h.label for h in a.path) for a in base.articles]


def test_lawrefbook_consolidation_differs_only_where_amendment_xii_changed() -> None:
    require_corpus()
    official = parsed(find("criminal-law", "docx", contains="刑法_2020"))
    consolidated = parsed(find("criminal-law", "md", contains="LawRefBook"))
    assert [a.key for a in consolidated.articles] == [a.key for a in official.articles]
    differing = {a.key for a, b in zip(official.articles, consolidated.articles, strict=True) if normalise(a.text) != normalise(b.text)}
    # Amendment XII rewrites Art. 165, 166, 169, 387, 390, 391, 393 (and nothing the KB needs besides)
    assert differing and differing <= {"165", "166", "169", "387", "390", "391", "393", "452"}


@pytest.mark.parametrize("fmt", ["docx", "md", "pdf"])
def test_civil_code_1019_portrait_right(fmt: str) -> None:
    require_corpus()
    doc = parsed(find("civil-code", fmt))
    art = {a.key: a for a in doc.articles}["1019"]
    assert art.label == "第一千零一十九条" == article_label(1019)
    assert squash(art.text).startswith("任何组织或者个人不得以丑化、污损，或者利用信息技术手段伪造等方式侵害他人的肖像权。")
    assert len(art.paragraphs) == 2
    assert [h.label for h in art.path] == ["第四编", "第四章"]
    assert art.path[-1].title == "肖像权"


def test_civil_code_1019_english() -> None:
    require_corpus()
    doc = parsed(find("civil-code", "md", "en"))
    art = {a.key: a for a in doc.articles}["1019"]
    assert art.label == "Article 1019"
    assert art.text.startswith("No organization or individual may infringe upon other’s rights to likeness")
    assert "Without the consent of the person holding the right to likeness" in art.paragraphs[-1]
    assert art.path[-1].label == "Chapter IV"


def test_civil_code_english_defects() -> None:
    """Fused 'Chapter II Article 1002' headings, displaced titles, and '- **Article 137** of this Code' bullets."""
    require_corpus()
    doc = parsed(find("civil-code", "md", "en"))
    arts = {a.key: a for a in doc.articles}
    for key, chapter, title in [("1002", "Chapter II", "Rights to Life"), ("246", "Chapter V", "State Ownership"), ("1229", "Chapter VII", "Liability for Environmental")]:
        assert arts[key].path[-1].label == chapter
        assert arts[key].path[-1].title.startswith(title)
        assert arts[key].paragraphs[0][0].isupper()
    assert arts["1001"].paragraphs[-1].endswith("mutatis mutandis.")  # the displaced title left Art. 1001
    assert arts["474"].text.rstrip().endswith("Article 137 of this Code.")  # the bogus bullet stayed inside 474
    assert arts["137"].text.startswith("An expression of intent made in a real-time communication")
    assert "Article 510 of this Code, the rent" in arts["721"].text
    assert arts["1002"].text.startswith("A natural person enjoys the right to life. A natural persons’ life safety and dignity are protected")


@pytest.mark.parametrize("fmt", ["docx", "md", "pdf"])
def test_criminal_law_253_1(fmt: str) -> None:
    require_corpus()
    doc = parsed(find("criminal-law", fmt, contains="" if fmt == "pdf" else "刑法_2020"))
    art = {a.key: a for a in doc.articles}["253之一"]
    assert art.label == "第二百五十三条之一" == article_label(253, 1)
    assert squash(art.text).startswith("违反国家有关规定，向他人出售或者提供公民个人信息")
    assert art.path[-1].label == "第四章"


def test_criminal_law_253a_english() -> None:
    require_corpus()
    doc = parsed(find("criminal-law", "md", "en", contains="criminal-law(2020)"))
    arts = {a.key: a for a in doc.articles}
    assert arts["253之一"].label == "Article 253a" == english_label(253, 1)
    assert arts["253之一"].text.startswith("Whoever, in violation of the relevant state regulations, sells or offers personal information")
    assert arts["287之二"].label == "Article 287b"
    zh = parsed(find("criminal-law", "docx", contains="刑法_2020"))
    assert [a.key for a in doc.articles] == [a.key for a in zh.articles]


def test_criminal_pdf_cross_references_do_not_start_articles() -> None:
    """The narrow PDF puts cross-references at line starts (514 naive hits); exactly 505 articles."""
    require_corpus()
    from tests.ingest.corpus import corpus_root, loaded

    path = find("criminal-law", "pdf")
    import pypdf

    raw = "\n".join(p.extract_text() for p in pypdf.PdfReader(corpus_root() / path).pages)
    naive = [line for line in raw.split("\n") if re.match(r"^第[零一二三四五六七八九十百千]+条", line.strip())]
    assert len(naive) > 505  # the trap exists in the file
    lines = loaded(path).lines
    starts = [line for line in lines if ARTICLE_RE.match(line)]
    assert len(starts) == 505


def test_deep_synthesis_pdf_has_no_page_furniture() -> None:
    require_corpus()
    doc = parsed(find("deep-synthesis-provisions", "pdf"))
    arts = {a.key: a for a in doc.articles}
    art14 = arts["14"].text
    assert art14.startswith("深度合成服务提供者和技术支持者应当加强训练数据管理")
    assert arts["14"].label == "第十四条"
    everything = "\n".join(a.text for a in doc.articles) + doc.preamble + " ".join(h.title for h in doc.headings)
    for bad in ("http", "gov.cn", "2024/12/11", "14:32", "中国政府网", "/8", "标  题", "发文机关", "成文日期", "主题分类"):
        assert bad not in everything, bad
    assert not re.search("[\u2e80-\u2fdf]", everything)
    assert [h.title for h in doc.headings][0] == "总则"  # doubled bold heading de-duplicated
    assert "（六）三维重建、数字仿真等生成或者编辑数字人物、虚拟场景的技术。" in arts["23"].paragraphs
    assert doc.title == "互联网信息服务深度合成管理规定"


def test_gdpr_articles_recitals_and_footnotes() -> None:
    require_corpus()
    doc = parsed(find("gdpr", "txt", "en"))
    arts = {a.key: a for a in doc.articles}
    assert arts["9"].paragraphs[0] == "Processing of special categories of personal data"
    assert arts["9"].path[-1].label.upper() == "CHAPTER II"
    assert "Whereas:" in doc.preamble and "(173)" in doc.preamble
    assert "OJ C 229" not in arts["99"].text and "Done at Brussels" not in arts["99"].text
    assert arts["99"].text.endswith("It shall apply from 25 May 2018.")


def test_amendment_items_become_articles() -> None:
    """Documented choice: an amending instrument's items 一、二、… are its articles (with a warning)."""
    require_corpus()
    zh = parsed(find("criminal-law", "docx", contains="修正案"))
    en = parsed(find("criminal-law", "md", "en", contains="amendment-xii"))
    assert [a.label for a in zh.articles][:2] == ["一、", "二、"]
    assert [a.key for a in zh.articles] == [a.key for a in en.articles] == [str(i) for i in range(1, 9)]
    assert any("numbered items" in w for w in zh.warnings)
    assert "第一百六十五条" in zh.articles[0].text


def test_claimcraft_header_becomes_metadata() -> None:
    require_corpus()
    doc = parsed(find("internet-advertising-measures", "txt"))
    assert doc.metadata["title"] == "互联网广告管理办法"
    assert doc.metadata["article_count"] == "32条"
    assert all("====" not in a.text for a in doc.articles)


def test_lawtext_front_matter_is_metadata() -> None:
    require_corpus()
    doc = parsed(find("pipl", "md"))
    assert doc.metadata["effective_date"] == "2021-11-01"
    assert doc.title == "中华人民共和国个人信息保护法"
    assert "目" not in "".join(h.title for h in doc.headings)


def test_english_civil_code_structure_mirrors_the_chinese() -> None:
    """Every zh heading has its English counterpart at the same level, in order, despite the defects."""
    require_corpus()
    en = parsed(find("civil-code", "md", "en"))
    zh = parsed(find("civil-code", "docx"))
    assert [h.level for h in en.headings] == [h.level for h in zh.headings]
    assert all(h.title for h in en.headings)
    assert [len(a.path) for a in en.articles] == [len(a.path) for a in zh.articles]


def test_every_zh_article_path_and_label_is_consistent() -> None:
    require_corpus()
    for rec in COUNTED:
        if rec["language"] != "zh":
            continue
        for a in parsed(rec["path"]).articles:
            assert a.label == article_label(a.number, a.suffix)
            assert all(h.title for h in a.path), (rec["path"], a.key)
