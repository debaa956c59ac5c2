"""Writes one index generation: the article store, the lexical indexes, the vectors, our notes, then the switch.

Ingest decides what goes in (parsed files, articles, chunks and their tokens, edges, lineage, note rows); this
module decides how a generation is laid out and made visible. It depends on the backends' interfaces only:
``kb.vectors.VectorBackend`` / ``VectorIndex`` for vectors (Chroma is the default implementation, handed in by
``ChromaVectorBackend``), ``kb.embedder.Embedder`` for the model, ``kb.vector_cache.VectorCache`` for vectors
already computed, the store writer and the lexical index builder as factories.

Steps, in order: ``write_store`` → ``write_lexical`` → ``write_vectors`` → ``write_notes`` → ``publish``. Until
``publish`` switches ``CURRENT`` nothing reads the generation; on any failure ``abandon`` removes its directory and
drops its vectors, so the previous generation keeps serving. Used as a context manager, a builder left by an
exception before it published abandons itself.

``hook(stage)`` is called after ``stored``, ``lexical``, during ``embedding`` and ``before-switch`` (fault tests
stop or kill a build there)."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from kb.chunking import Chunk
from kb.embedder import Embedder, embedder_for
from kb.generations import (
    collect_garbage,
    file_checksums,
    generation_dir,
    new_generation_id,
    switch_current,
    write_generation_manifest,
    write_vector_progress,
)
from kb.lexical import LEXICAL_DIR, LexicalIndex, build_lexical
from kb.lineage import LineageEdge
from kb.notes import NoteRow, note_cache_text, write_notes
from kb.records import Edge, LawRecord, VersionRecord
from kb.settings import Settings
from kb.store_writer import STORE_FILE, ArticleRow, Counts, FileRow, StoreWriter
from kb.tokenize import tokenize
from kb.vector_cache import VectorCache, embed_cached, open_vector_cache, text_key
from kb.vectors import VectorBackend, VectorIndex

__all__ = ["GenerationBuilder", "StoreContent", "VectorCounts"]

log = logging.getLogger(__name__)

_ADD_STEP = 512  # vectors added to the index per call (a hook call after each: a kill lands between batches)


@dataclass
class StoreContent:
    """What the article store of a generation holds, in the order it is written."""

    files: Sequence[FileRow]
    laws: Sequence[LawRecord]
    versions: Sequence[tuple[VersionRecord, Sequence[str]]]  # (version, every file merged into it)
    articles: Sequence[ArticleRow]
    chunks: Sequence[Chunk]
    tokens: Sequence[list[str] | None]  # lexical tokens per chunk (kept for the next build's reuse)
    edges: Sequence[Edge]
    lineage: Sequence[tuple[str, str, str, Sequence[LineageEdge]]]  # (law_id, older version, next version, edges)


@dataclass
class VectorCounts:
    present: int  # chunks with a vector in the index
    missing: int  # chunks left without one (a deferred build)
    embedded: int  # vectors computed by this build (the rest came from the cache)


class GenerationBuilder:
    """One new generation under ``settings.generations_dir`` (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        *,
        vectors: VectorBackend | None = None,
        vector_cache: Callable[[], VectorCache] | None = None,
        store_writer: Callable[[Path], StoreWriter] = StoreWriter,
        lexical: Callable[[str, Sequence[Sequence[str]]], LexicalIndex] = build_lexical,
        hook: Callable[[str], None] | None = None,
        say: Callable[[str], None] | None = None,
        generation: str | None = None,
        second_embedder: Embedder | None = None,
    ) -> None:
        if vectors is None:
            from kb.vectors import ChromaVectorBackend

            vectors = ChromaVectorBackend(settings)
        self.settings = settings
        self.embedder = embedder
        self._second_embedder = second_embedder  # the notes' second model (default: settings.notes_model's)
        self.vectors = vectors
        self._cache = vector_cache or (lambda: open_vector_cache(settings, embedder.name))
        self._store_writer = store_writer
        self._lexical = lexical
        self._hook = hook or (lambda _stage: None)
        self._say = say or (lambda _msg: None)
        self.generation = generation or new_generation_id()
        self.path = generation_dir(settings, self.generation)
        self.partitions = sorted(set(embedder.languages))
        self.index: VectorIndex | None = None
        self.counts: Counts | None = None
        self.vector_counts: VectorCounts | None = None
        self.notes: tuple[int, int] = (0, 0)  # (notes written, notes lacking a vector)
        self.published = False
        self.abandoned = False
        self.path.mkdir(parents=True, exist_ok=False)

    # --- context --------------------------------------------------------------------------------------
    def __enter__(self) -> GenerationBuilder:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is not None and not self.published:
            self.abandon()

    # --- steps ----------------------------------------------------------------------------------------
    def write_store(self, content: StoreContent, meta: dict[str, str]) -> Counts:
        """The SQLite article store; ``meta`` goes into its ``meta`` table beside the counts and checksum."""
        writer = self._store_writer(self.path / STORE_FILE)
        try:
            for row in content.files:
                writer.add_file(row)
            for law in content.laws:
                writer.add_law(law)
            for version, sources in content.versions:
                writer.add_version(version, sources)
            writer.add_articles(content.articles)
            writer.add_chunks(content.chunks, content.tokens)
            writer.add_edges(content.edges)
            for law_id, old_vid, new_vid, pair_edges in content.lineage:
                writer.add_lineage(law_id, old_vid, new_vid, pair_edges)
            self.counts = writer.finalize(meta)
        except BaseException:
            writer.abort()
            raise
        self._hook("stored")
        return self.counts

    def write_lexical(self, chunks: Sequence[Chunk], tokens: Sequence[list[str] | None]) -> None:
        """One BM25 index per language; a chunk's row is its position among that language's chunks (the store's
        ``doc_idx``)."""
        for lang in ("zh", "en"):
            docs = [tok or [] for c, tok in zip(chunks, tokens, strict=True) if c.lang == lang]
            self._lexical(lang, docs).save(self.path / LEXICAL_DIR / lang)
        self._hook("lexical")

    def write_vectors(self, chunks: Sequence[Chunk], *, defer: bool = False) -> VectorCounts:
        """Vectors of the chunks in the model's languages: read from the (model, content hash) cache, the missing
        ones embedded (committed to the cache batch by batch, so a killed run keeps its progress). ``defer``
        embeds only the curated layer now and takes the bulk (national) layer's vectors only from the cache; a
        later build without the deferral (which `kb serve` starts in the background) embeds the rest."""
        self.index = self.vectors.create_index(self.generation, self.partitions)
        to_embed = [c for c in chunks if c.lang in self.embedder.languages]
        first = [c for c in to_embed if c.metadata.get("layer") != "national"] if defer else to_embed
        later = [c for c in to_embed if c.metadata.get("layer") == "national"] if defer else []
        cache = self._cache()
        try:
            self._say(f"vectors for {len(to_embed)} chunks with {self.embedder.name} ({len(cache)} cached in all)")
            last = [0.0]

            def progress(done: int, total: int) -> None:
                now = time.perf_counter()
                if now - last[0] > 15 or done == total:
                    last[0] = now
                    self._say(f"embedded {done}/{total}")
                    write_vector_progress(self.settings, done, total)
                self._hook("embedding")

            vecs, embedded = embed_cached([c.full_text for c in first], self.embedder.embed, cache, progress=progress)
            if later:  # only what the cache already holds
                vecs.update(cache.get_many(list({text_key(c.full_text) for c in later})))
            present = [c for c in to_embed if text_key(c.full_text) in vecs]
            for i in range(0, len(present), _ADD_STEP):
                part = present[i : i + _ADD_STEP]
                self.index.add([c.chunk_id for c in part], [vecs[text_key(c.full_text)] for c in part], [c.metadata for c in part])
                self._hook("embedding")
            if not present:
                self._hook("embedding")
        finally:
            cache.close()
        self.vector_counts = VectorCounts(present=len(present), missing=len(to_embed) - len(present), embedded=embedded)
        return self.vector_counts

    def write_notes(self, rows: Sequence[NoteRow], *, defer: bool = False) -> tuple[int, int]:
        """Our notes (headnotes, example questions, charge names) resolved to this generation's articles: their
        lexical indexes, and vectors through the cache when the model embeds both languages. ``defer``: vectors
        only if the cache holds every one (else the notes are searched lexically until the background build
        embeds them). Returns (notes written, notes lacking a vector)."""
        if not rows:
            self.notes = (0, 0)
            return self.notes
        tokens = [tokenize(r.text, r.lang) for r in rows]
        second = self._second_vectors(rows)
        vectors = None
        missing = 0
        if {"zh", "en"} <= set(self.embedder.languages):
            cache = self._cache()
            try:
                # Example questions are embedded as queries, the rest as passages; the cache key carries the kind
                # ("query: " / "passage: " before the text), so a question's query vector never stands in for a
                # passage vector.
                keyed = [note_cache_text(r.kind, r.text) for r in rows]
                if defer:
                    have = cache.get_many(list({text_key(x) for x in keyed}))
                    missing = sum(1 for x in keyed if text_key(x) not in have)
                    if missing:
                        self._say(f"notes: {missing} of {len(rows)} lack a cached vector; deferred with the bulk vectors")
                        write_notes(self.path, rows, tokens, None, second)
                        self.notes = (len(rows), missing)
                        return self.notes
                got: dict[str, list[float]] = {}
                for prefix, embed in (("query: ", self.embedder.embed_queries), ("passage: ", self.embedder.embed)):
                    texts = [x for x in keyed if x.startswith(prefix)]
                    got.update(embed_cached(texts, _stripped(prefix, embed), cache)[0])
                vectors = np.asarray([got[text_key(x)] for x in keyed], dtype=np.float32)
            finally:
                cache.close()
        write_notes(self.path, rows, tokens, vectors, second)
        self.notes = (len(rows), missing)
        return self.notes

    def _second_vectors(self, rows: Sequence[NoteRow]) -> tuple[str, np.ndarray] | None:
        """The notes by the second model (``settings.notes_model``, kb.notes), through its own vector cache and seed.
        It is cheap (≈ 400 notes/s here), so it is never deferred."""
        model = self.settings.notes_model
        if not model:
            return None
        embedder = self._second_embedder or embedder_for(self.settings, model)
        cache = open_vector_cache(self.settings, embedder.name)
        try:
            texts = [r.text for r in rows]
            got = embed_cached(texts, embedder.embed, cache)[0]  # (it embeds each distinct text once)
        finally:
            cache.close()
        self._say(f"notes: {len(rows)} embedded by {embedder.name} (second model)")
        return embedder.name, np.asarray([got[text_key(t)] for t in texts], dtype=np.float32)

    @property
    def vectors_complete(self) -> bool:
        """Every chunk and every note has its vector (false after a deferred build that left some)."""
        missing = self.vector_counts.missing if self.vector_counts else 0
        return missing == 0 and self.notes[1] == 0

    def manifest(self, extra: dict[str, Any]) -> dict[str, Any]:
        """The generation manifest: what this builder wrote (model, vector index, checksums of every file) and
        ``extra`` (what the caller knows: fingerprint, layer, parent, counts, timings …)."""
        return {
            **extra,
            "generation": self.generation, "embedding_model": self.embedder.name,
            "embedding_languages": sorted(self.embedder.languages),
            "collection": self.index.name if self.index is not None else None,
            "vector_partitions": list(self.partitions), "vectors_complete": self.vectors_complete,
            "chroma": self.vectors.location, "files": file_checksums(self.path),
        }

    def publish(self, extra: dict[str, Any], *, keep: set[str] | frozenset[str] = frozenset()) -> None:
        """Write the manifest, switch ``CURRENT`` to this generation (atomic), then collect the generations not
        in ``keep`` (and not this one) with their vectors."""
        write_generation_manifest(self.path, self.manifest(extra))
        self._hook("before-switch")
        switch_current(self.settings, self.generation)
        self.published = True
        collect_garbage(self.settings, {self.generation, *keep}, drop_collection=self.vectors.drop_generation)

    def abandon(self) -> None:
        """Undo an unpublished generation: remove its directory and drop its vectors (a failed or interrupted build
        leaves the previous generation serving and nothing of its own behind)."""
        if self.published or self.abandoned:
            return
        self.abandoned = True
        shutil.rmtree(self.path, ignore_errors=True)
        if self.index is not None:
            try:
                self.index.drop()
            except Exception:  # noqa: BLE001 - cleanup must not hide the failure that caused it
                log.warning("could not drop the vectors of failed generation %s", self.generation)


def _stripped(prefix: str, embed: Callable[[list[str]], list[list[float]]]) -> Callable[[list[str]], list[list[float]]]:
    return lambda batch: embed([x.removeprefix(prefix) for x in batch])
