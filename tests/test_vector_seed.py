"""The vector seed shipped in corpus/vectors/: a fresh machine's first build takes the curated layer's and our notes'
vectors from it instead of embedding them; a text it lacks is embedded; it is never consulted for another model."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from kb.embedder import Embedder, get_embedder
from kb.settings import Settings, get_settings
from kb.vector_cache import VectorCache, embed_cached, open_vector_cache, text_key
from kb.vector_seed import open_seed, seed_paths, verify_seed, write_seed

MODEL = "bundled:multilingual-e5-small"
FP16_TOL = 2e-3  # |fp16(x) − x| for |x| ≤ 1 is at most 2^-11 ≈ 4.9e-4; a little room for the model's own jitter


class CountingEmbedder:
    """The real embedder, recording every text it is asked to embed (implements the Embedder protocol)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.languages = inner.languages
        self.passages: list[str] = []
        self.queries: list[str] = []

    def warm(self) -> None:
        self.inner.warm()

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.passages += list(texts)
        return self.inner.embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        self.queries += list(texts)
        return self.inner.embed_queries(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def shipped() -> Settings:
    settings = get_settings()
    if open_seed(settings.vector_seed_dir, MODEL) is None or settings.embedding_model != MODEL:
        pytest.skip("no vector seed of the bundled model shipped under corpus/vectors")
    return settings


def _unit(rng: np.random.Generator, n: int, dim: int = 8) -> np.ndarray:
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# ---------------------------------------------------------------------------------------------- the format


def test_seed_is_deterministic_and_answers_only_its_own_keys(tmp_path: Path) -> None:
    vecs = _unit(np.random.default_rng(7), 5)
    items = [(text_key(f"text {i}"), vecs[i]) for i in range(5)]
    a = write_seed(tmp_path / "a", "m:one", items)
    b = write_seed(tmp_path / "b", "m:one", list(reversed(items)))
    assert a.sha256 == b.sha256 and a.count == 5  # same content, any order → same bytes
    seed = open_seed(tmp_path / "a", "m:one")
    assert seed is not None and len(seed) == 5
    got = seed.get_many([text_key("text 3"), text_key("text 3 "), "not-a-key"])
    assert list(got) == [text_key("text 3")]
    assert np.allclose(got[text_key("text 3")], vecs[3], atol=FP16_TOL)
    assert open_seed(tmp_path / "a", "m:other") is None  # another model: never opened


def test_a_seed_that_does_not_check_out_is_ignored_and_reported(tmp_path: Path) -> None:
    vecs = _unit(np.random.default_rng(1), 3)
    info = write_seed(tmp_path, "m:one", [(text_key(str(i)), vecs[i]) for i in range(3)])
    lines, problems = verify_seed(tmp_path)
    assert problems == [] and "3 vectors" in lines[0]
    # a manifest claiming another model under this model's file name
    npy, meta = seed_paths(tmp_path, "m:one")
    manifest = json.loads(meta.read_text(encoding="utf-8"))
    meta.write_text(json.dumps({**manifest, "model": "m:two"}), encoding="utf-8")
    assert open_seed(tmp_path, "m:one") is None
    meta.write_text(json.dumps(manifest), encoding="utf-8")
    # damaged bytes
    raw = bytearray(info.path.read_bytes())
    raw[-1] ^= 0xFF
    info.path.write_bytes(bytes(raw))
    assert open_seed(tmp_path, "m:one") is None
    assert any("sha256" in p for p in verify_seed(tmp_path)[1])


def test_a_seed_in_parts_answers_from_every_part_and_a_bad_part_is_left_out(tmp_path: Path) -> None:
    vecs = _unit(np.random.default_rng(3), 6)
    write_seed(tmp_path, "m:one", [(text_key(f"raw {i}"), vecs[i]) for i in range(3)])
    part = write_seed(tmp_path, "m:one", [(text_key(f"national {i}"), vecs[3 + i]) for i in range(3)], part="national")
    assert part.path.name == "m_one.national.seed.npy"
    write_seed(tmp_path, "m:one.x", [(text_key("raw 0"), -vecs[0])])  # another model whose file name starts alike
    seed = open_seed(tmp_path, "m:one")
    assert seed is not None and len(seed) == 6
    got = seed.get_many([text_key("raw 1"), text_key("national 2"), text_key("raw 0")])
    assert set(got) == {text_key("raw 1"), text_key("national 2"), text_key("raw 0")}
    assert np.allclose(got[text_key("national 2")], vecs[5], atol=FP16_TOL)
    assert np.allclose(got[text_key("raw 0")], vecs[0], atol=FP16_TOL)  # not the other model's vector
    lines, problems = verify_seed(tmp_path)
    assert problems == [] and len(lines) == 3
    # a damaged part is ignored and reported; the other part still answers
    raw = bytearray(part.path.read_bytes())
    raw[-1] ^= 0xFF
    part.path.write_bytes(bytes(raw))
    seed = open_seed(tmp_path, "m:one")
    assert seed is not None and len(seed) == 3
    assert seed.get_many([text_key("national 0"), text_key("raw 2")]).keys() == {text_key("raw 2")}
    assert any("national" in p and "sha256" in p for p in verify_seed(tmp_path)[1])
    # a part file whose manifest names another part is not opened
    _npy, meta = seed_paths(tmp_path, "m:one", "national")
    part = write_seed(tmp_path, "m:one", [(text_key("national 0"), vecs[3])], part="national")
    meta.write_text(json.dumps({**json.loads(meta.read_text(encoding="utf-8")), "part": "other"}), encoding="utf-8")
    seed = open_seed(tmp_path, "m:one")
    assert seed is not None and not seed.get_many([text_key("national 0")])
    with pytest.raises(ValueError):
        seed_paths(tmp_path, "m:one", "../x")


def test_the_setting_switches_the_seed_off(tmp_path: Path, shipped: Settings) -> None:
    on = open_vector_cache(shipped.model_copy(update={"vector_cache_dir": tmp_path / "on"}), MODEL)
    off = open_vector_cache(shipped.model_copy(update={"vector_cache_dir": tmp_path / "off", "vector_seed": False}), MODEL)
    try:
        assert on.seed is not None and off.seed is None
        assert open_vector_cache(shipped.model_copy(update={"vector_cache_dir": tmp_path / "x"}), "hash:64").seed is None
    finally:
        on.close()
        off.close()


# ---------------------------------------------------------------------------------------------- with the real model


def _seeded_texts(settings: Settings) -> dict[str, list[str]]:
    from ingest.pipeline import embedded_texts

    return embedded_texts(settings, "raw")


def test_the_seed_agrees_with_the_model_and_a_text_it_lacks_is_embedded(tmp_path: Path, shipped: Settings) -> None:
    texts = _seeded_texts(shipped)
    seed = open_seed(shipped.vector_seed_dir, MODEL)
    assert seed is not None
    held = [t for t in texts["chunks"][::997] if seed.get_many([text_key(t)])][:4]
    assert held, "the seed holds none of today's raw/ chunks: regenerate it (scripts/build_vector_seed.py)"
    novel = "本测试句子不在任何法律文本中：一只硅胶面具在周二被寄往仓库。"
    counting = CountingEmbedder(get_embedder(shipped))
    cache = VectorCache(tmp_path / "cache", MODEL, seed)
    try:
        got, embedded = embed_cached([*held, novel], counting.embed, cache)
    finally:
        cache.close()
    assert counting.passages == [novel] and embedded == 1
    fresh = counting.inner.embed(held)  # the model today gives the seed's vectors (within fp16)
    for t, v in zip(held, fresh, strict=True):
        assert np.max(np.abs(np.asarray(got[text_key(t)]) - np.asarray(v))) < FP16_TOL
    plain = VectorCache(tmp_path / "cache", MODEL)  # the seed's vectors are not copied into the cache
    try:
        assert plain.get_many([text_key(novel), text_key(held[0])]).keys() == {text_key(novel)}
    finally:
        plain.close()


def test_the_shipped_seed_holds_the_national_layer(shipped: Settings) -> None:
    """A full build on a fresh machine embeds (nearly) nothing: the national layer's chunks are in the seed's part."""
    from ingest.pipeline import embedded_texts

    seed = open_seed(shipped.vector_seed_dir, MODEL)
    assert seed is not None
    raw = set(embedded_texts(shipped, "raw")["chunks"])
    national = [t for t in dict.fromkeys(embedded_texts(shipped, "all")["chunks"]) if t not in raw]
    assert len(national) > 50_000
    held = seed.get_many([text_key(t) for t in national])
    assert len(held) >= 0.99 * len(national), "regenerate the seed: scripts/build_vector_seed.py --layer all"


@pytest.mark.slow
def test_a_fresh_cache_ingest_of_raw_embeds_nothing_the_seed_holds(tmp_path: Path, shipped: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import kb.embedder
    from ingest.pipeline import run_ingest
    from kb.generations import generation_dir
    from kb.index import open_index
    from kb.store_writer import STORE_FILE

    settings = shipped.model_copy(update={"data_dir": tmp_path / "data", "vector_cache_dir": tmp_path / "empty-cache",
                                          "chroma_url": ""})
    counting = CountingEmbedder(get_embedder(settings))
    monkeypatch.setattr(kb.embedder, "get_embedder", lambda _s: counting)
    seed = open_seed(settings.vector_seed_dir, MODEL)
    assert seed is not None
    texts = _seeded_texts(settings)
    lacking = {t for t in texts["chunks"] + texts["notes"] if not seed.get_many([text_key(t)])}

    report = run_ingest(settings, layer="raw")
    assert report.status == "built", report.message
    # what the model was asked, in every form the cache keys it by (a chunk's text; a note after its kind's prefix)
    asked = {*counting.passages, *("passage: " + p for p in counting.passages), *("query: " + q for q in counting.queries)}
    assert not seed.get_many([text_key(t) for t in asked])  # nothing the seed holds was embedded
    assert {t for t in texts["chunks"] if t in lacking} <= asked  # what it lacks was
    assert report.reused["embedded"] == len({t for t in texts["chunks"] if t in lacking})
    assert report.counts["vectors_missing"] == 0 and report.counts["notes_vectors_missing"] == 0

    gen = generation_dir(settings, report.generation)
    db = sqlite3.connect(gen / STORE_FILE)
    rows = db.execute("SELECT chunk_id, header || char(10) || text FROM chunks ORDER BY idx").fetchall()
    db.close()
    sample = rows[:: max(1, len(rows) // 200)]
    want = seed.get_many([text_key(t) for _, t in sample])
    index = open_index(settings)
    try:
        stored = index.vectors.get_vectors([cid for cid, _ in sample])
    finally:
        index.close()
    checked = 0
    for cid, t in sample:
        if text_key(t) in want:
            assert np.max(np.abs(np.asarray(stored[cid]) - np.asarray(want[text_key(t)]))) < FP16_TOL
            checked += 1
    assert checked >= len(sample) * 0.9
    note_rows = [json.loads(x) for x in (gen / "notes" / "notes.jsonl").read_text(encoding="utf-8").splitlines()]
    note_vecs = np.load(gen / "notes" / "vectors.npy")
    from kb.notes import note_cache_text

    keyed = [text_key(note_cache_text(r["kind"], r["text"])) for r in note_rows]
    seeded = seed.get_many(keyed)
    assert len(seeded) >= len(keyed) * 0.9
    for i, k in enumerate(keyed):
        if k in seeded:
            assert np.max(np.abs(note_vecs[i] - np.asarray(seeded[k]))) < FP16_TOL


def test_kb_corpus_verify_checks_the_seed(tmp_path: Path, shipped: Settings) -> None:
    lines, problems = verify_seed(shipped.vector_seed_dir)
    assert problems == [] and any("sha256 ok" in x for x in lines)
    copy = tmp_path / "vectors"
    shutil.copytree(shipped.vector_seed_dir, copy)
    npy, _meta = seed_paths(copy, MODEL)
    npy.write_bytes(npy.read_bytes()[:-768])  # a truncated file
    assert verify_seed(copy)[1]
