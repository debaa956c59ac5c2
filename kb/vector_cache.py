"""Vectors cached by (model, content hash), across index generations.

Embedding the national layer takes most of an hour on two cores; a rebuild after a parser, glossary or
notes change must not pay it again, and an embedding run that is killed keeps what it finished (every
batch is committed). One SQLite file per model under ``data_dir/vector-cache/``; the key is the sha256 of
the exact text embedded, so a changed chunk is embedded anew and an unchanged one never is. On a miss the cache
consults the seed shipped in the repository (``kb.vector_seed``, read-only) before anything is embedded."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from kb.settings import Settings
from kb.vector_seed import VectorSeed, open_seed

__all__ = ["VectorCache", "text_key", "embed_cached", "open_vector_cache"]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


class VectorCache:
    """``seed``: read-only vectors of the same model consulted for the keys the cache lacks (never written to it)."""

    def __init__(self, root: Path, model: str, seed: VectorSeed | None = None) -> None:
        if seed is not None and seed.model != model:
            raise ValueError(f"a seed of {seed.model!r} cannot serve {model!r}")
        self.seed = seed
        self.seed_hits = 0  # keys answered by the seed so far
        root.mkdir(parents=True, exist_ok=True)
        self.path = root / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', model)}.sqlite"
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
        self._db.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = list(keys[i : i + 500])
                q = f"SELECT k, v FROM vec WHERE k IN ({','.join('?' * len(part))})"
                for k, v in self._db.execute(q, part):
                    out[k] = np.frombuffer(v, dtype=np.float32).tolist()
        if self.seed is not None:
            rest = [k for k in keys if k not in out]
            if rest:
                seeded = self.seed.get_many(rest)
                self.seed_hits += len(seeded)
                out.update(seeded)
        return out

    def put_many(self, items: Sequence[tuple[str, Sequence[float]]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vec (k, v) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items],
            )
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM vec").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_vector_cache(settings: Settings, model: str) -> VectorCache:
    """``model``'s cache under ``settings.vector_cache_path``, backed by the repository's seed unless
    ``settings.vector_seed`` is off (or no seed of that model is shipped)."""
    seed = open_seed(settings.vector_seed_dir, model) if settings.vector_seed else None
    return VectorCache(settings.vector_cache_path, model, seed)


def embed_cached(
    texts: Sequence[str], embed: Callable[[list[str]], list[list[float]]], cache: VectorCache, *,
    batch: int = 32, progress: Callable[[int, int], None] | None = None, limit: int | None = None,
) -> tuple[dict[str, list[float]], int]:
    """Vectors of ``texts`` by text key: cached ones read, missing ones embedded batch by batch and committed
    as they come (``progress(done, missing)`` after each batch). ``limit`` embeds at most that many missing
    texts (the rest stay missing from the result: a deferred build). Returns (vectors by key, how many were embedded)."""
    keys = [text_key(t) for t in texts]
    have = cache.get_many(list(dict.fromkeys(keys)))
    missing: dict[str, str] = {}
    for k, t in zip(keys, texts, strict=True):
        if k not in have and k not in missing:
            missing[k] = t
    todo = list(missing.items())
    if limit is not None:
        todo = todo[:limit]
    done = 0
    for i in range(0, len(todo), batch):
        part = todo[i : i + batch]
        vecs = embed([t for _, t in part])
        cache.put_many([(k, v) for (k, _), v in zip(part, vecs, strict=True)])
        have.update({k: list(v) for (k, _), v in zip(part, vecs, strict=True)})
        done += len(part)
        if progress is not None:
            progress(done, len(todo))
    return have, done
