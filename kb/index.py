"""The served index: the CURRENT generation's article store, lexical indexes, vector collection and
embedder, opened and verified together, plus the retriever over them. Everything that answers questions
goes through ``open_index(settings)``."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.embedder import Embedder, get_embedder
from kb.errors import IndexCorrupt
from kb.generations import read_generation_manifest, require_current, verify_sizes
from kb.lexical import LEXICAL_DIR, LexicalIndex, load_lexical
from kb.notes import ArticleNotes, load_notes_index
from kb.records import SearchFilters, SearchResult
from kb.settings import Settings
from kb.store import ArticleStore
from kb.store_writer import STORE_FILE
from kb.vectors import VectorIndex, chroma_client, open_vector_index

__all__ = ["Index", "open_index", "open_generation"]

LANGS = ("zh", "en")


@dataclass
class Index:
    settings: Settings
    generation: str
    path: Path
    manifest: dict[str, Any]
    store: ArticleStore
    lexical: dict[str, LexicalIndex]
    vectors: VectorIndex
    notes: ArticleNotes | None = None
    _retriever: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def embedder(self) -> Embedder:
        """The model the vectors were built with (same name as recorded in the generation)."""
        return get_embedder(self.settings)

    @property
    def embedding_languages(self) -> frozenset[str]:
        return frozenset(self.manifest.get("embedding_languages", ()))

    @property
    def retriever(self) -> Any:
        with self._lock:
            if self._retriever is None:
                from kb.retrieval import Retriever

                self._retriever = Retriever(self)
            return self._retriever

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None) -> SearchResult:
        return self.retriever.search(query, k or self.settings.default_k, filters or SearchFilters())

    def warm(self) -> None:
        """Load what the first question would otherwise wait for: the embedding model, the lexical and notes
        indexes and the vector collection (one short search per language). Servers call it when a worker starts."""
        for text in ("肖像权", "portrait rights"):
            self.search(text, k=1)

    def close(self) -> None:
        self.store.close()


_blas_limited: int | None = None


def limit_blas_threads(threads: int) -> None:
    """numpy's BLAS (OpenBLAS) with ``threads`` threads in this process (0 = leave the library's default). A search's
    matrix products are matrix × one vector: split over threads that spin while they wait, one cost ten times the CPU
    of a single thread (the notes' vectors against a question: 7.6 ms against 0.74 ms), and a server's workers
    already use every core. Applied once per process, when it opens an index."""
    global _blas_limited
    if threads <= 0 or _blas_limited == threads:
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")
    _blas_limited = threads


def open_generation(settings: Settings, generation: str, path: Path) -> Index:
    """Open and verify one generation: file sizes against its manifest, the store's counts and checksum,
    the lexical files, and the vector collection's size. Any mismatch → ``IndexCorrupt``."""
    limit_blas_threads(settings.blas_threads)
    manifest = read_generation_manifest(path)
    verify_sizes(path, manifest)
    store = ArticleStore(path / STORE_FILE)
    try:
        lexical = {lang: load_lexical(path / LEXICAL_DIR / lang) for lang in LANGS}
        vectors = open_vector_index(chroma_client(settings), manifest, exact=settings.exact_vector_search)
        expected = int(manifest.get("counts", {}).get("vectors", -1))
        if expected >= 0 and vectors.count() != expected:
            raise IndexCorrupt(f"vector collection {manifest['collection']} holds {vectors.count()} vectors, expected {expected}")
        model = get_embedder(settings).name
        if manifest.get("embedding_model") != model:
            raise IndexCorrupt(
                f"generation {generation} was embedded with {manifest.get('embedding_model')!r}, settings name {model!r}: re-run `kb ingest`"
            )
        notes = load_notes_index(path)
    except BaseException:
        store.close()
        raise
    return Index(settings, generation, path, manifest, store, lexical, vectors, notes)


def open_index(settings: Settings) -> Index:
    """The CURRENT generation (``IndexUnavailable`` before the first ingest, ``IndexCorrupt`` if broken)."""
    generation, path = require_current(settings)
    return open_generation(settings, generation, path)

