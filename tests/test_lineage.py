"""Provision lineage (kb.lineage.align) on the real statute files of raw/: the AUCL 2019 → 2025 and the
PSAPL 2012 → 2025, whose pairs were checked by reading both texts."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.parse import parse_file
from kb.lineage import KINDS, LineageEdge, Provision, align, similarity
from kb.settings import get_settings

RAW = get_settings().corpus_root / "raw" / "cn"


def _provisions(law: str, stamp: str) -> list[Provision]:
    files = sorted((RAW / law).glob(f"*_{stamp}_*.md"))
    if not files:
        pytest.skip(f"{law} {stamp} not in the corpus")
    doc = parse_file(files[0])
    return [Provision(a.key, a.text, a.path[-1].title if a.path else "") for a in doc.articles]


def _primary(edges: list[LineageEdge]) -> dict[str, str]:
    return {e.old_key: e.new_key for e in edges if e.primary and e.old_key and e.new_key}


@pytest.fixture(scope="module")
def aucl() -> tuple[list[Provision], list[Provision], list[LineageEdge]]:
    old, new = _provisions("anti-unfair-competition-law", "20190423"), _provisions("anti-unfair-competition-law", "20250627")
    return old, new, align(old, new)


@pytest.fixture(scope="module")
def psapl() -> tuple[list[Provision], list[Provision], list[LineageEdge]]:
    law = "public-security-admin-punishments-law"
    old, new = _provisions(law, "20121026"), _provisions(law, "20250627")
    return old, new, align(old, new)


def _covers_every_article(old: list[Provision], new: list[Provision], edges: list[LineageEdge]) -> None:
    assert {e.old_key for e in edges if e.old_key} == {p.key for p in old}
    assert {e.new_key for e in edges if e.new_key} == {p.key for p in new}
    assert {e.kind for e in edges} <= set(KINDS)
    primaries_in = Counter(e.new_key for e in edges if e.primary and e.new_key and e.old_key)
    primaries_out = Counter(e.old_key for e in edges if e.primary and e.new_key and e.old_key)
    assert max(primaries_in.values()) == 1 and max(primaries_out.values()) == 1  # one-to-one backbone


def test_aucl_2019_to_2025(aucl: tuple) -> None:
    old, new, edges = aucl
    _covers_every_article(old, new, edges)
    m = _primary(edges)
    # the confusion article 第六条 continues as 第七条, bribery 第七条 as 第八条 (not number for number)
    assert m["6"] == "7" and m["7"] == "8" and m["8"] == "9" and m["9"] == "10"
    assert m["1"] == "1" and m["2"] == "2"
    # penalties follow their rules: 第十八条 (混淆) → 第二十三条; 第二十四条 (网络) → 第二十九条, not the platform article
    assert m["18"] == "23" and m["24"] == "29" and m["33"] == "41"
    new_keys = {e.new_key for e in edges if e.kind == "new"}
    assert {"3", "14", "15", "30", "40"} <= new_keys  # party leadership, platform pricing, abuse of position, ...
    by_new = {e.new_key: e for e in edges if e.primary and e.new_key}
    assert by_new["7"].kind == "renumbered" and by_new["7"].text_changed is True
    assert by_new["10"].kind == "renumbered" and by_new["10"].text_changed is False  # trade secrets: same text
    assert by_new["1"].kind == "changed"
    assert not [e for e in edges if e.kind == "deleted"]


def test_psapl_2012_to_2025(psapl: tuple) -> None:
    old, new, edges = psapl
    _covers_every_article(old, new, edges)
    m = _primary(edges)
    assert m["10"] == "10" and m["43"] == "51" and m["66"] == "78" and m["118"] == "143" and m["119"] == "144"
    # 第四十九条 (theft ... or damaging property) is split into 第五十八条 (theft) and 第五十九条 (damaging property)
    split = {(e.old_key, e.new_key) for e in edges if e.kind == "split"}
    assert ("49", "58") in split and ("49", "59") in split
    # 第七十七条 and 第七十八条 (receiving reports; investigating them) merge into 第九十条
    merged = {(e.old_key, e.new_key) for e in edges if e.kind == "merged"}
    assert ("77", "90") in merged and ("78", "90") in merged
    # the border-crossing offences (偷越国（边）境) left the law
    assert {"61", "62"} <= {e.old_key for e in edges if e.kind == "deleted"}
    assert {"19", "21", "34", "46", "56"} <= {e.new_key for e in edges if e.kind == "new"}


def test_same_text_is_same_and_order_does_not_matter() -> None:
    law = "anti-unfair-competition-law"
    old = _provisions(law, "20190423")
    edges = align(old, old)
    assert all(e.kind == "same" and e.score == 1.0 and e.text_changed is False for e in edges)
    moved = [old[-1], *old[:-1]]  # the last article first: every number stays, the texts stay with them
    assert all(e.kind == "same" for e in align(old, moved))
    renumbered = [Provision(str(i + 1), p.text, p.heading) for i, p in enumerate(moved)]
    got = _primary(align(old, renumbered))
    assert got[old[-1].key] == "1" and got["1"] == "2"


def test_empty_sides_and_similarity_bounds() -> None:
    a = [Provision("1", "经营者不得实施下列混淆行为。")]
    assert [e.kind for e in align(a, [])] == ["deleted"]
    assert [e.kind for e in align([], a)] == ["new"]
    assert similarity("经营者不得实施", "经营者不得实施") == 1.0
    assert similarity("经营者不得实施", "国家鼓励支持保护") == 0.0
    assert 0 < similarity("经营者不得实施混淆行为", "经营者不得实施贿赂行为") < 1


@pytest.mark.parametrize("law", ["保安服务管理条例", "农药管理条例", "计量法实施细则"])
def test_national_amendments_that_renumber_nothing(law: str) -> None:
    """National regulations amended in place (two files, the same article count): every provision keeps its
    number, and almost all keep their text."""
    files = sorted(p for p in (get_settings().corpus_root / "national").rglob(f"{law}(*).md"))
    if len(files) < 2:
        pytest.skip(f"{law}: fewer than two versions in national/")
    old, new = ([Provision(a.key, a.text, a.path[-1].title if a.path else "") for a in parse_file(f).articles] for f in files[:2])
    edges = align(old, new)
    _covers_every_article(old, new, edges)
    assert all(e.old_key == e.new_key and e.kind in ("same", "changed") for e in edges)
    assert sum(e.kind == "same" for e in edges) >= 0.8 * len(edges)
