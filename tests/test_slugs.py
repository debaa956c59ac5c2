"""Law slugs over the real corpus: every law of raw/ + national/ gets a unique ASCII slug that depends on its title
only (same slugs in any order, on any rebuild), and every id in use today (index id, Chinese title, version id
``title@date``, curated slug) still resolves to the same law in an article store written by the real writer."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from kb.errors import NotFound
from kb.settings import get_settings
from kb.slugs import assign_slugs, is_slug, title_slug
from kb.store import ArticleStore
from kb.store_writer import StoreWriter


def test_title_slug_is_pinyin_with_prc() -> None:
    assert title_slug("中华人民共和国专利法") == "prc-zhuan-li-fa"
    assert title_slug("最高人民法院关于适用《中华人民共和国反不正当竞争法》若干问题的解释").startswith("zui-gao-ren-min-fa-yuan-guan-yu-shi-yong-prc-fan-")
    assert title_slug("中华人民共和国刑法修正案（十二）") == "prc-xing-fa-xiu-zheng-an-shi-er"
    assert title_slug("重庆市条例") == "chong-qing-shi-tiao-li"  # a polyphone read as in the phrase


def test_homophones_get_a_digest_of_their_title_whatever_the_order() -> None:
    ids = ["中华人民共和国检察官法", "中华人民共和国监察官法", "civil-code"]
    a, b = assign_slugs(ids), assign_slugs(list(reversed(ids)))
    assert a == b
    assert a["civil-code"] == "civil-code"
    assert a["中华人民共和国检察官法"] != a["中华人民共和国监察官法"]
    assert all(a[x].startswith("prc-jian-cha-guan-fa-") and len(a[x]) == len("prc-jian-cha-guan-fa-") + 6 for x in ids[:2])
    # a title that reads as a curated id does not take it
    assert assign_slugs(["civil-code", "civil-code"]) == {"civil-code": "civil-code"}


@pytest.fixture(scope="module")
def corpus_sources() -> tuple[list[Any], list[Any]]:
    """(laws, versions) of raw/ + national/ as the ingest collects them (no parsing, no embedding)."""
    from ingest.pipeline import collect_sources

    settings = get_settings()
    if not (settings.corpus_root / "national").is_dir():
        pytest.skip("corpus not available")
    sources, _skipped, _sha = collect_sources(settings, "all")
    laws = {s.law.law_id: s.law for s in sources}
    versions = {s.version.version_id: s.version for s in sources}
    return list(laws.values()), list(versions.values())


def test_every_law_of_the_corpus_has_a_unique_stable_slug(corpus_sources: tuple[list[Any], list[Any]]) -> None:
    laws, _ = corpus_sources
    assert len(laws) >= 1318
    ids = [law.law_id for law in laws]
    slugs = assign_slugs(ids)
    assert set(slugs) == set(ids)
    assert len(set(slugs.values())) == len(ids), "two laws share a slug"
    assert all(is_slug(s) and s.isascii() for s in slugs.values())
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    assert assign_slugs(shuffled) == slugs
    # pinned: a slug once published must not change with a rebuild or a library upgrade
    assert slugs["anti-unfair-competition-law"] == "anti-unfair-competition-law"
    assert slugs["中华人民共和国专利法"] == "prc-zhuan-li-fa"
    assert slugs["中华人民共和国检察官法"] == "prc-jian-cha-guan-fa-4d68e9"


@pytest.fixture(scope="module")
def corpus_store(corpus_sources: tuple[list[Any], list[Any]], tmp_path_factory: pytest.TempPathFactory) -> ArticleStore:
    """An article store of every law and version of the corpus, written by the real writer (articles left out)."""
    laws, versions = corpus_sources
    path = Path(tmp_path_factory.mktemp("slugs")) / "store.sqlite"
    w = StoreWriter(path)
    for law in laws:
        w.add_law(law)
    for v in versions:
        w.add_version(v, [v.source_path])
    w.finalize({})
    return ArticleStore(path)


def test_old_ids_and_slugs_resolve_to_the_same_law(corpus_store: ArticleStore, corpus_sources: tuple[list[Any], list[Any]]) -> None:
    store = corpus_store
    laws = store.laws()
    assert len({law.slug for law in laws}) == len(laws)
    for law in laws:
        assert store.resolve_law(law.slug).law_id == law.law_id
        assert store.resolve_law(law.law_id).law_id == law.law_id
        assert law.title_zh in law.aliases or law.title_zh == law.slug
    _, versions = corpus_sources
    for v in versions:  # "title@date" (and "curated-id@date") ids name the law and that version
        assert store.resolve_law(v.version_id).law_id == v.law_id
        assert store.version_of_ref(v.version_id) == v.version_id
    aucl = store.resolve_law("anti-unfair-competition-law")
    assert "prc-fan-bu-zheng-dang-jing-zheng-fa" in aucl.aliases  # a curated law answers to its title's pinyin too
    assert store.resolve_law("prc-fan-bu-zheng-dang-jing-zheng-fa").law_id == "anti-unfair-competition-law"
    national = [law for law in laws if law.layer == "national"]
    assert national and all(law.title_zh in law.aliases and law.slug != law.law_id for law in national)
    for law in national[:200]:  # the Chinese title resolves (unless it also names a curated law)
        assert store.resolve_law(law.title_zh).law_id == law.law_id


def test_unknown_version_of_a_known_law_is_a_clear_not_found(corpus_store: ArticleStore) -> None:
    with pytest.raises(NotFound) as err:
        corpus_store.version_of_ref("prc-zhuan-li-fa@1900-01-01")
    assert "1900-01-01" in err.value.message
    assert corpus_store.version_of_ref("prc-zhuan-li-fa") is None
