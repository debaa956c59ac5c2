"""Lexical (BM25) index behind a small protocol, so it can later move into Chroma's sparse vectors
(see DESIGN.md "Past one machine") by configuration, not by rewriting callers.

Two indexes per generation: ``zh`` (jieba tokens of the Chinese chunks) and ``en`` (stemmed English
chunks). A document is addressed by ``doc_idx``: its row in the index, which the article store maps back
to a chunk (``chunks.doc_idx`` of the same language). Tokens come from ``kb.tokenize`` — the same
functions tokenise queries."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from kb.errors import IndexCorrupt

__all__ = ["Allowed", "LexicalIndex", "BM25Index", "build_lexical", "load_lexical", "LEXICAL_DIR"]

_META = "lexical.json"

Allowed = np.ndarray | AbstractSet[int]  # a boolean mask over doc_idx, or the allowed doc_idx


def _as_mask(allowed: Allowed, n: int) -> np.ndarray:
    if isinstance(allowed, np.ndarray) and allowed.dtype == bool:
        if len(allowed) == n:
            return allowed
        out = np.zeros(n, dtype=bool)
        m = min(n, len(allowed))
        out[:m] = allowed[:m]
        return out
    mask = np.zeros(n, dtype=bool)
    idx = np.fromiter((i for i in allowed if 0 <= i < n), dtype=np.int64)
    mask[idx] = True
    return mask


@runtime_checkable
class LexicalIndex(Protocol):
    """What retrieval needs from a lexical index."""

    lang: str

    def __len__(self) -> int: ...

    def search(self, tokens: Sequence[str], k: int, allowed: Allowed | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (doc_idx, score) for the query tokens, best first, score > 0 only; ``allowed``
        restricts results to those doc_idx (filters: as_of, law, jurisdiction…): a boolean mask over doc_idx
        (what retrieval passes, see kb.chunk_table) or a set of doc_idx."""
        ...

    def search_weighted(
        self, groups: Sequence[tuple[Sequence[str], float]], k: int, allowed: Allowed | None = None
    ) -> list[tuple[int, float]]:
        """`search` for a query of token groups, each group's scores multiplied by its weight."""
        ...

    def top_weighted(
        self, groups: Sequence[tuple[Sequence[str], float]], k: int, allowed: Allowed | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """`search_weighted` as two arrays: the documents, best first, and their scores."""
        ...

    def top_weighted_many(
        self, groups: Sequence[tuple[Sequence[str], float]], requests: Sequence[tuple[int, Allowed | None]]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """`top_weighted` of one query for each (k, allowed)."""
        ...

    def doc_freq(self, token: str) -> int:
        """Number of documents holding ``token`` (0 when the index never saw it): the rarity of a query term."""
        ...

    def save(self, path: Path) -> None: ...


class BM25Index:
    """bm25s (Lucene BM25) over pre-tokenised documents; scores every document, then masks."""

    def __init__(self, lang: str, retriever: object | None, n_docs: int) -> None:
        self.lang = lang
        self._bm25 = retriever
        self._n = n_docs

    @classmethod
    def build(cls, lang: str, docs: Sequence[Sequence[str]]) -> BM25Index:
        if not docs:
            return cls(lang, None, 0)
        import bm25s

        retriever = bm25s.BM25()
        retriever.index([list(d) for d in docs], show_progress=False)
        return cls(lang, retriever, len(docs))

    def __len__(self) -> int:
        return self._n

    def search(self, tokens: Sequence[str], k: int, allowed: Allowed | None = None) -> list[tuple[int, float]]:
        return self.search_weighted([(tokens, 1.0)], k, allowed)

    def search_weighted(
        self, groups: Sequence[tuple[Sequence[str], float]], k: int, allowed: Allowed | None = None
    ) -> list[tuple[int, float]]:
        """Like `search` for a query made of token groups, each group's BM25 scores multiplied by its weight
        and summed per document (weighted query expansion: the question's own words at 1.0, bridge terms less)."""
        docs, scores = self.top_weighted(groups, k, allowed)
        return list(zip(docs.tolist(), scores.tolist(), strict=True))

    def top_weighted(
        self, groups: Sequence[tuple[Sequence[str], float]], k: int, allowed: Allowed | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """`search_weighted` as two arrays: the documents, best first, and their scores (float32)."""
        return self.top_weighted_many(groups, [(k, allowed)])[0]

    def top_weighted_many(
        self, groups: Sequence[tuple[Sequence[str], float]], requests: Sequence[tuple[int, Allowed | None]]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """`top_weighted` of one query for several (k, allowed) pairs: the documents' scores are computed once (a
        question naming a law is searched in every law and in the named one)."""
        groups = [(list(t), wt) for t, wt in groups if t and wt > 0]
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if self._bm25 is None or not groups:
            return [empty for _ in requests]
        scores = np.zeros(self._n, dtype=np.float32)
        for tokens, wt in groups:
            scores += wt * np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)  # type: ignore[attr-defined]
        out = []
        for k, allowed in requests:
            if k <= 0:
                out.append(empty)
                continue
            got = scores if allowed is None else np.where(_as_mask(allowed, self._n), scores, 0.0)
            k = min(k, self._n)
            top = np.argpartition(-got, k - 1)[:k]
            top = top[np.argsort(-got[top], kind="stable")]
            top = top[got[top] > 0]
            out.append((top, got[top]))
        return out

    def doc_freq(self, token: str) -> int:
        """From bm25s's sparse score matrix: one column per vocabulary token, one stored value per document
        holding it."""
        if self._bm25 is None:
            return 0
        vocab = self._bm25.vocab_dict  # type: ignore[attr-defined]
        i = vocab.get(token)
        if i is None:
            return 0
        indptr = self._bm25.scores["indptr"]  # type: ignore[attr-defined]
        end = int(indptr[i + 1]) if i + 1 < len(indptr) else len(self._bm25.scores["data"])  # type: ignore[attr-defined]
        return max(0, end - int(indptr[i]))

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(path), show_progress=False)  # type: ignore[attr-defined]
        files = {p.name: p.stat().st_size for p in sorted(path.iterdir()) if p.name != _META}
        (path / _META).write_text(json.dumps({"kind": "bm25s", "lang": self.lang, "n_docs": self._n, "files": files}))

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        try:
            meta = json.loads((path / _META).read_text())
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"lexical index {path} is missing or unreadable: {exc}") from exc
        for name, size in meta["files"].items():
            f = path / name
            if not f.is_file() or f.stat().st_size != size:
                raise IndexCorrupt(f"lexical index {path}: {name} is missing or truncated")
        if meta["n_docs"] == 0:
            return cls(meta["lang"], None, 0)
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        try:
            retriever = bm25s.BM25.load(str(path), mmap=False, show_progress=False)
        except Exception as exc:  # noqa: BLE001 - any load failure means the files are unusable
            raise IndexCorrupt(f"lexical index {path} cannot be loaded: {exc}") from exc
        return cls(meta["lang"], retriever, meta["n_docs"])


LEXICAL_DIR = "lexical"  # a generation's lexical indexes: <generation>/lexical/<lang>/


def build_lexical(lang: str, docs: Sequence[Sequence[str]]) -> LexicalIndex:
    return BM25Index.build(lang, docs)


def load_lexical(path: Path) -> LexicalIndex:
    return BM25Index.load(path)
