"""The article store over the real raw/ index (session fixture ``raw_index``): counts per law against the
reviewed manifest, zh/en alignment, versions and effective ranges, citation edges, law-name resolution,
structure; and the integrity checks that refuse a damaged store."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kb.errors import AmbiguousLaw, IndexCorrupt, LawNotFound
from kb.numerals import parse_key
from kb.store import ArticleStore

pytestmark = pytest.mark.slow


def test_article_counts_per_law_match_the_manifest(raw_index: Any) -> None:
    from ingest.manifest import load_manifest

    store = raw_index.store
    counts = {vid: n for _law, vid, n in store.articles_per_version()}
    checked = 0
    for e in load_manifest(raw_index.settings.manifest_path).indexable():
        if e.role == "primary" and e.articles is not None:
            assert counts[e.version_id] == e.articles + (e.articles_suffixed or 0), e.version_id
            checked += 1
    assert checked >= 20
    assert counts["civil-code@2021-01-01"] == 1260
    assert counts["criminal-law@2021-03-01"] == 505
    stats = store.stats()
    assert stats["layers"]["raw"]["laws"] == len(store.laws())
    assert stats["total"]["articles"] == sum(counts.values())
    assert stats["files"] == {"ok": len(load_manifest(raw_index.settings.manifest_path).indexable())}


def test_civil_code_1019_zh_and_en_aligned(raw_index: Any) -> None:
    a = raw_index.store.article("民法典", "1019")
    assert a is not None and a.article_id == "civil-code@2021-01-01#1019"
    assert a.label_zh == "第一千零一十九条" and a.label_en == "Article 1019"
    assert a.text_zh.startswith("任何组织或者个人不得以丑化、污损")
    assert "rights to likeness" in a.text_en
    assert len(a.paragraphs_zh) == len(a.paragraphs_en) == 2
    assert a.path == ("第四编\u3000人格权", "第四章\u3000肖像权")
    # neighbours stay aligned too (an off-by-one would pair 1019 with 1018's English)
    b = raw_index.store.article("civil-code", "1018")
    assert "right to likeness" in b.text_en.lower() or "likeness" in b.text_en.lower()
    assert b.text_en != a.text_en


def test_suffixed_articles_and_english_letters(raw_index: Any) -> None:
    a = raw_index.store.article("刑法", parse_key("第二百五十三条之一"))
    assert a is not None and a.key == "253之一" and a.label_en == "Article 253a"
    assert "公民个人信息" in a.text_zh and "personal information" in a.text_en


def test_aucl_versions_and_effective_ranges(raw_index: Any) -> None:
    store = raw_index.store
    vs = store.versions("反不正当竞争法")
    assert [v.version_id for v in vs] == ["anti-unfair-competition-law@2019-04-23", "anti-unfair-competition-law@2025-10-15"]
    assert vs[0].effective_to == date(2025, 10, 14) and vs[0].status == "superseded"
    assert vs[1].effective_from == date(2025, 10, 15) and vs[1].effective_to is None
    assert store.version_in_force("anti-unfair-competition-law", date(2025, 10, 14)).version_id == vs[0].version_id
    assert store.version_in_force("anti-unfair-competition-law", date(2025, 10, 15)).version_id == vs[1].version_id
    assert store.version_in_force("anti-unfair-competition-law", date(2019, 1, 1)) is None
    # numbering changed: confusion is 2019 Art. 6, 2025 Art. 7
    old = store.article("anti-unfair-competition-law", "6", as_of=date(2020, 1, 1))
    new = store.article("anti-unfair-competition-law", "7", as_of=date(2026, 1, 1))
    assert old.version_id == vs[0].version_id and "混淆" in old.text_zh
    assert new.version_id == vs[1].version_id and "混淆" in new.text_zh
    assert old.effective_to == date(2025, 10, 14)


def test_psapl_versions(raw_index: Any) -> None:
    store = raw_index.store
    vs = store.versions("治安管理处罚法")
    assert [(v.effective_from, v.effective_to) for v in vs] == [
        (date(2013, 1, 1), date(2025, 12, 31)), (date(2026, 1, 1), None)]
    assert len(store.articles(vs[0].version_id)) == 119 and len(store.articles(vs[1].version_id)) == 144
    a2012 = store.article("public-security-admin-punishments-law", "42", as_of=date(2025, 6, 1))
    a2025 = store.article("public-security-admin-punishments-law", "50", as_of=date(2026, 6, 1))
    assert "偷窥" in a2012.text_zh and "偷窥" in a2025.text_zh
    assert [x.version_id for x in store.article_versions("public-security-admin-punishments-law", "42")] == [v.version_id for v in vs]


def test_same_law_reference_is_an_edge_both_ways(raw_index: Any) -> None:
    store = raw_index.store
    src = store.article("pipl", "30")
    refs = store.references(src.article_id)
    assert any(e.kind == "same-law" and e.dst_article_id == "pipl@2021-11-01#17" for e in refs), refs
    assert any(e.src_article_id == src.article_id for e in store.cited_by("pipl@2021-11-01#17"))
    # 前款 points back into the citing article
    crim = store.references("criminal-law@2021-03-01#253之一")
    assert any(e.kind == "preceding-paragraph" and e.dst_article_id == "criminal-law@2021-03-01#253之一" for e in crim)


def test_other_law_reference_resolves_in_the_version_in_force(raw_index: Any) -> None:
    store = raw_index.store
    refs = store.references("consumer-protection-regulations@2024-07-01#8")
    assert any(e.kind == "other-law" and e.dst_article_id == "consumer-protection-law@2014-03-15#19" for e in refs), refs
    # the 2022 SPC interpretation cites the AUCL as numbered in 2019 → resolved to the 2019 version
    spc = [e for a in store.articles("spc-aucl-interpretation@2022-03-20") for e in store.references(a.article_id)]
    aucl = [e for e in spc if e.dst_law_id == "anti-unfair-competition-law" and e.dst_article_id]
    assert aucl and all(e.dst_article_id.startswith("anti-unfair-competition-law@2019-04-23#") for e in aucl)


@pytest.mark.parametrize("name,law_id", [
    ("civil-code", "civil-code"), ("民法典", "civil-code"), ("中华人民共和国民法典", "civil-code"),
    ("《中华人民共和国刑法》", "criminal-law"), ("刑法", "criminal-law"), ("深度合成", "deep-synthesis-provisions"),
    ("反不正当竞争法", "anti-unfair-competition-law"), ("Civil Code of the People's Republic of China", "civil-code"),
    ("人脸识别", "spc-face-recognition-interpretation"),
])
def test_resolve_law(raw_index: Any, name: str, law_id: str) -> None:
    assert raw_index.store.resolve_law(name).law_id == law_id


def test_resolve_law_ambiguous_and_unknown(raw_index: Any) -> None:
    with pytest.raises(AmbiguousLaw) as exc:
        raw_index.store.resolve_law("最高人民法院")
    assert len(exc.value.details["candidates"]) >= 4
    with pytest.raises(LawNotFound):
        raw_index.store.resolve_law("著作权法")


@pytest.mark.parametrize("text,key", [
    ("1019", "1019"), ("第一千零一十九条", "1019"), ("253之一", "253之一"), ("第二百五十三条之一", "253之一"),
    ("Article 253a", "253之一"), ("287b", "287之二"), ("第253条之一", "253之一"), ("Art. 9", "9"),
])
def test_parse_key(text: str, key: str) -> None:
    assert parse_key(text) == key


def test_parse_key_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse_key("hello")


def test_structure_nests_headings_with_article_keys(raw_index: Any) -> None:
    tree = raw_index.store.structure("civil-code@2021-01-01")
    book4 = next(n for n in tree if n["label"] == "第四编")
    assert book4["title"] == "人格权"
    ch4 = next(n for n in book4["children"] if n["label"] == "第四章")
    assert ch4["title"] == "肖像权" and ch4["articles"] == [str(n) for n in range(1018, 1024)]
    assert sum(_count(n) for n in tree) == 1260


def _count(node: dict) -> int:
    return len(node["articles"]) + sum(_count(c) for c in node["children"])


def test_chunks_stay_inside_articles_and_carry_metadata(raw_index: Any) -> None:
    store = raw_index.store
    rows = store._q("SELECT c.article_id, c.text, a.text_zh, a.text_en, c.lang, c.header, c.effective_from, c.effective_to,"
                    " l.title_zh, l.title_en FROM chunks c JOIN articles a USING (article_id) JOIN laws l ON l.law_id = c.law_id")
    assert len(rows) == store.stats()["total"]["chunks"]
    for aid, text, zh, en, lang, header, eff_from, eff_to, title_zh, title_en in rows:
        body = zh if lang == "zh" else en
        for piece in text.split("\n"):
            assert piece in body, aid  # every chunk line comes from its own article
        assert header.startswith(title_zh if lang == "zh" else (title_en or title_zh)), header
        assert eff_from <= eff_to
    pieces = [r for r in rows if r[0] == "civil-code@2021-01-01#1165"]
    assert len({r[4] for r in pieces}) == 2
    assert store.allowed_docs("zh", law_ids=["gdpr"]) == set()
    assert store.allowed_docs("en", law_ids=["gdpr"])


@pytest.mark.parametrize("filters", [
    {}, {"day": 20200101}, {"day": 20260101, "layers": ["raw"]}, {"law_ids": ["anti-unfair-competition-law", "civil-code"]},
    {"day": 20240601, "jurisdictions": ["cn"], "instruments": ["law"]}, {"law_ids": []},
])
def test_chunk_table_masks_match_the_store(raw_index: Any, filters: dict[str, Any]) -> None:
    """The in-memory filter masks retrieval uses give exactly the documents the store's SQL selects."""
    from datetime import date

    from kb.chunk_table import ChunkTable

    table = ChunkTable.load(raw_index.store)
    day = filters.get("day")
    as_of = date(day // 10000, day // 100 % 100, day % 100) if day else None
    for lang in ("zh", "en"):
        mask = table.mask(lang, day=day, law_ids=filters.get("law_ids"), jurisdictions=filters.get("jurisdictions"),
                          instruments=filters.get("instruments"), layers=filters.get("layers"))
        want = raw_index.store.allowed_docs(lang, as_of=as_of, law_ids=filters.get("law_ids"), jurisdictions=filters.get("jurisdictions"),
                                            instruments=filters.get("instruments"), layers=filters.get("layers"))
        if filters.get("law_ids") == []:
            want = set()
        assert set(map(int, mask.nonzero()[0])) == want
    row = raw_index.store.chunk_rows("zh", [0])[0]
    ref = table.ref("zh", 0)
    assert ref is not None and (ref.article_id, ref.law_id, ref.chunk_id) == (row["article_id"], row["law_id"], row["chunk_id"])
    assert table.best_of_docs("zh", np.array([0, 0]), np.array([2.0, 1.0], dtype=np.float32)) == {row["article_id"]: (2.0, row["law_id"])}


def test_store_refuses_damaged_files(raw_index: Any, tmp_path: Path) -> None:
    src = raw_index.path / "store.sqlite"
    edited = tmp_path / "edited.sqlite"
    shutil.copyfile(src, edited)
    db = sqlite3.connect(edited)
    db.execute("UPDATE articles SET text_zh = text_zh || '（篡改）' WHERE article_id = 'civil-code@2021-01-01#1019'")
    db.commit()
    db.close()
    with pytest.raises(IndexCorrupt, match="checksum"):
        ArticleStore(edited)

    deleted = tmp_path / "deleted.sqlite"
    shutil.copyfile(src, deleted)
    db = sqlite3.connect(deleted)
    db.execute("DELETE FROM chunks WHERE rowid = 1")
    db.commit()
    db.close()
    with pytest.raises(IndexCorrupt, match="row counts"):
        ArticleStore(deleted)

    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    with pytest.raises(IndexCorrupt):
        ArticleStore(truncated)

    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(IndexCorrupt):
        ArticleStore(garbage)
    with pytest.raises(IndexCorrupt):
        ArticleStore(tmp_path / "missing.sqlite")


def test_repeated_reads_are_served_alike_and_cannot_be_changed_by_a_caller(raw_index: Any) -> None:
    """The store keeps what it read (its file is immutable): a second read is the same record, and a caller that
    changes the list it got does not change the next answer."""
    store = raw_index.store
    first = store.versions("反不正当竞争法")
    first.append(first[0])
    assert [v.version_id for v in store.versions("反不正当竞争法")] == [
        "anti-unfair-competition-law@2019-04-23", "anti-unfair-competition-law@2025-10-15"]
    a = store.article("anti-unfair-competition-law", "6", as_of=date(2020, 1, 1))
    assert store.article("anti-unfair-competition-law", "6", as_of=date(2020, 1, 1)) == a == store.article_by_id(a.article_id)
    assert store.article("anti-unfair-competition-law", "9999", as_of=date(2020, 1, 1)) is None
    assert store.article("anti-unfair-competition-law", "9999", as_of=date(2020, 1, 1)) is None
    assert store.version(a.version_id) == store.versions("anti-unfair-competition-law")[0]
