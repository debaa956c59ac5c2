"""kb.generation_builder writes a generation through the backend interfaces, not through Chroma: here its vectors go
to an in-memory ``VectorIndex`` (the Protocol of kb/vectors.py) while Chroma is made unreachable, and the store,
lexical indexes, notes, manifest, the switch of CURRENT and the cleanup of a failed build are checked on disk.
The articles are a real statute file parsed by the real parser; the embedder is the real bundled model."""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kb.chunking import NO_START, OPEN_END, Chunk, chunk_article, date_int
from kb.embedder import get_embedder
from kb.generation_builder import GenerationBuilder, StoreContent
from kb.generations import current_generation, generation_dir, read_generation_manifest
from kb.lexical import LEXICAL_DIR, load_lexical
from kb.notes import NoteRow, load_notes_index
from kb.records import LawRecord, VersionRecord
from kb.settings import Settings, get_settings
from kb.store import ArticleStore
from kb.store_writer import ArticleRow, FileRow
from kb.tokenize import tokenize
from kb.vectors import VectorBackend, VectorIndex

LAW = "spc-mental-damages-interpretation"


class MemoryIndex:
    """A VectorIndex held in a dict (cosine on unit vectors); ``where`` filters on equality of metadata fields."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: dict[str, tuple[list[float], dict[str, Any]]] = {}
        self.dropped = False

    def count(self) -> int:
        return len(self.rows)

    def add(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], metadatas: Sequence[dict[str, Any]]) -> None:
        for cid, vec, meta in zip(ids, vectors, metadatas, strict=True):
            self.rows[cid] = ([float(x) for x in vec], dict(meta))

    def get_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        return {cid: self.rows[cid][0] for cid in ids if cid in self.rows}

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        hits = [(cid, sum(a * b for a, b in zip(vec, vector, strict=True))) for cid, (vec, meta) in self.rows.items()
                if not where or all(meta.get(f) == v for f, v in where.items())]
        return sorted(hits, key=lambda h: -h[1])[:k]

    def query_many(self, vectors: Sequence[Sequence[float]], k: int, where: dict[str, Any] | None = None) -> list[list[tuple[str, float]]]:
        return [self.query(v, k, where) for v in vectors]

    def drop(self) -> None:
        self.rows.clear()
        self.dropped = True


class MemoryBackend:
    location = "memory"

    def __init__(self) -> None:
        self.indexes: dict[str, MemoryIndex] = {}
        self.dropped: list[str] = []

    def create_index(self, generation: str, partitions: Sequence[str]) -> MemoryIndex:
        self.indexes[generation] = MemoryIndex(f"mem_{generation}")
        return self.indexes[generation]

    def drop_generation(self, generation: str) -> None:
        self.dropped.append(generation)
        if generation in self.indexes:
            self.indexes[generation].drop()


@pytest.fixture
def no_chroma(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any use of Chroma fails the test."""
    import kb.vectors

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("the generation builder reached for Chroma")

    monkeypatch.setattr(kb.vectors, "chroma_client", refuse)


def _content(settings: Settings) -> tuple[StoreContent, list[NoteRow]]:
    """The real SPC mental-damages interpretation as store content (articles, chunks, tokens) and one note."""
    from ingest.manifest import load_manifest
    from ingest.parse import parse_file

    base = get_settings()
    entry = next(e for e in load_manifest(base.manifest_path).indexable() if e.law_id == LAW)
    doc = parse_file(base.corpus_root / entry.path, language="zh")
    law = LawRecord(LAW, doc.title or "最高人民法院关于确定民事侵权精神损害赔偿责任若干问题的解释", None, "cn",
                    "judicial-interpretation", "最高人民法院", "raw")
    ver = VersionRecord(f"{LAW}@2021-01-01", LAW, "2020 amendment", None, date(2021, 1, 1), None, "in-force", "raw", entry.path, None)
    meta = {"law_id": LAW, "version_id": ver.version_id, "effective_from": date_int(ver.effective_from, NO_START),
            "effective_to": date_int(ver.effective_to, OPEN_END), "jurisdiction": "cn", "instrument": law.instrument,
            "layer": "raw"}
    rows: list[ArticleRow] = []
    chunks: list[Chunk] = []
    for i, a in enumerate(doc.articles):
        aid = f"{ver.version_id}#{a.key}"
        rows.append(ArticleRow(aid, LAW, ver.version_id, a.key, a.number, a.suffix, i, a.label, None, list(a.paragraphs), [], []))
        chunks += chunk_article(article_id=aid, lang="zh", header=f"{law.title_zh} {a.label}", paragraphs=list(a.paragraphs),
                                metadata={**meta, "article_id": aid, "key": a.key})
    content = StoreContent(
        files=[FileRow(entry.path, "0" * 64, 1, "ok", articles=len(rows), law_id=LAW, version_id=ver.version_id, language="zh")],
        laws=[law], versions=[(ver, [entry.path])], articles=rows, chunks=chunks,
        tokens=[tokenize(c.full_text, c.lang) for c in chunks], edges=[], lineage=[],
    )
    note = NoteRow(rows[0].article_id, LAW, "headnote", "en", "Mental damages for harm to personal rights (our summary).",
                   meta["effective_from"], meta["effective_to"], "cn", law.instrument, "raw")
    return content, [note]


def _write(builder: GenerationBuilder, content: StoreContent, notes: list[NoteRow]) -> None:
    builder.write_store(content, {"generation": builder.generation, "fingerprint": "test", "layer": "raw",
                                  "embedding_model": builder.embedder.name})
    builder.write_lexical(content.chunks, content.tokens)
    builder.write_vectors(content.chunks)
    builder.write_notes(notes)


def test_builder_publishes_and_abandons_through_the_vector_protocol(tmp_path: Path, no_chroma: None) -> None:
    if not (get_settings().corpus_root / "raw").is_dir():
        pytest.skip("corpus not available")
    settings = get_settings().model_copy(update={"data_dir": tmp_path / "data"})
    embedder = get_embedder(settings)
    backend = MemoryBackend()
    assert isinstance(backend, VectorBackend)
    content, notes = _content(settings)
    stages: list[str] = []

    with GenerationBuilder(settings, embedder, vectors=backend, hook=stages.append) as first:
        _write(first, content, notes)
        first.publish({"layer": "raw", "counts": {"articles": len(content.articles)}})
    assert stages[:2] == ["stored", "lexical"] and stages[-1] == "before-switch" and "embedding" in stages
    assert current_generation(settings) == first.generation
    index = backend.indexes[first.generation]
    assert isinstance(index, VectorIndex) and index.count() == len(content.chunks) > 0
    # the vectors are the model's, with the chunk's filter metadata: a chunk's own text finds it first
    probe = content.chunks[len(content.chunks) // 2]
    assert math.isclose(sum(x * x for x in index.rows[probe.chunk_id][0]), 1.0, rel_tol=1e-3)
    assert index.query(embedder.embed([probe.full_text])[0], 1, {"law_id": LAW})[0][0] == probe.chunk_id
    gpath = generation_dir(settings, first.generation)
    manifest = read_generation_manifest(gpath)
    assert manifest["collection"] == index.name and manifest["chroma"] == "memory"
    assert manifest["vector_partitions"] == sorted(embedder.languages) and manifest["vectors_complete"] is True
    assert manifest["counts"] == {"articles": len(content.articles)} and "store.sqlite" in manifest["files"]
    store = ArticleStore(gpath / "store.sqlite")
    try:
        assert store.article(LAW, content.articles[0].key).text_zh == "\n".join(content.articles[0].paragraphs_zh)
    finally:
        store.close()
    assert len(load_lexical(gpath / LEXICAL_DIR / "zh")) == len(content.chunks)
    loaded = load_notes_index(gpath)
    assert loaded is not None and len(loaded) == 1 and np.asarray(loaded.vectors).shape == (1, embedder.dim)

    # a build that fails after writing its store and vectors leaves nothing behind and CURRENT where it was
    with pytest.raises(RuntimeError, match="disk full"):
        with GenerationBuilder(settings, embedder, vectors=backend) as failed:
            _write(failed, content, notes)
            raise RuntimeError("disk full")
    assert failed.abandoned and not failed.path.exists() and backend.indexes[failed.generation].dropped
    assert current_generation(settings) == first.generation

    # the next published generation keeps the ones named, collects the others with their vectors
    with GenerationBuilder(settings, embedder, vectors=backend) as second:
        _write(second, content, notes)
        second.publish({"layer": "raw"}, keep={first.generation})
    third = GenerationBuilder(settings, embedder, vectors=backend)
    _write(third, content, notes)
    third.publish({"layer": "raw"}, keep={second.generation})
    third.abandon()  # after publishing: nothing to undo
    assert current_generation(settings) == third.generation and third.path.is_dir()
    assert sorted(d.name for d in settings.generations_dir.iterdir()) == sorted([second.generation, third.generation])
    assert first.generation in backend.dropped and backend.indexes[first.generation].dropped
    assert backend.indexes[third.generation].count() == len(content.chunks)


def test_generation_builder_does_not_import_chroma() -> None:
    """The builder's module names the backends' interfaces only; Chroma comes in through kb.vectors."""
    source = Path(__file__).resolve().parent.parent / "kb" / "generation_builder.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert "kb.vectors" in imported
    assert not {m for m in imported if m.split(".")[0] in {"chromadb", "ingest", "api", "cli"}}
