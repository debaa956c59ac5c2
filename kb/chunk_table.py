"""The chunks' filter metadata held in memory, once per open generation: per language, columns indexed by the
lexical ``doc_idx`` (article, law, effective range, jurisdiction, instrument, layer), and chunk id → (language,
doc_idx). Retrieval resolves a search plan into a boolean document mask here with numpy, and maps the channels'
hits (lexical doc_idx, vector chunk ids) to their articles, without a store query per search. Only the text of
a chunk is read from the store, when asked for.

Profiled on the full index (61,368 chunks), the per-search SQL this replaces (up to 1,000 chunk rows with their
text per lexical channel, the allowed-document set as a Python set turned into a mask) was about a fifth of the
CPU of a search. The table costs ≈ 20 MB and ≈ 0.3 s to load."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["ChunkTable", "ChunkRef"]

_COLS = "lang, doc_idx, chunk_id, article_id, law_id, effective_from, effective_to, jurisdiction, instrument, layer"


@dataclass(frozen=True, slots=True)
class ChunkRef:
    """What retrieval needs of a chunk hit: its article and law, its language and effective range."""

    chunk_id: str
    article_id: str
    law_id: str
    lang: str
    doc_idx: int
    effective_from: int
    effective_to: int

    def __getitem__(self, name: str) -> Any:  # rows read like the store's dict rows (row["article_id"])
        return getattr(self, name)


class _Lang:
    """One language's columns, indexed by doc_idx."""

    def __init__(self, rows: list[tuple]) -> None:
        n = 1 + max((r[1] for r in rows), default=-1)
        self.n = n
        self.chunk_id: list[str] = [""] * n
        self.article_id: list[str] = [""] * n
        self.law_id: list[str] = [""] * n
        self.eff_from = np.zeros(n, dtype=np.int64)
        self.eff_to = np.zeros(n, dtype=np.int64)
        self.present = np.zeros(n, dtype=bool)
        codes: dict[str, dict[str, int]] = {"law_id": {}, "jurisdiction": {}, "instrument": {}, "layer": {}}
        self.codes = codes
        self.col = {name: np.zeros(n, dtype=np.int32) for name in codes}
        for _, d, cid, aid, law, ef, et, jur, inst, layer in rows:
            self.chunk_id[d], self.article_id[d], self.law_id[d] = cid, aid, law
            self.eff_from[d], self.eff_to[d], self.present[d] = ef, et, True
            for name, value in (("law_id", law), ("jurisdiction", jur), ("instrument", inst), ("layer", layer)):
                self.col[name][d] = codes[name].setdefault(value, len(codes[name]))
        # each document's article as a number (-1: no chunk), for `ChunkTable.best_of_docs`
        article_codes: dict[str, int] = {}
        self.article_code = np.array([article_codes.setdefault(a, len(article_codes)) if a else -1 for a in self.article_id],
                                     dtype=np.int64)
        # the same columns as Python lists, for the per-hit lookups of `ChunkTable.ref` (a numpy scalar read is slower)
        self.eff_from_list: list[int] = self.eff_from.tolist()
        self.eff_to_list: list[int] = self.eff_to.tolist()
        self.present_list: list[bool] = self.present.tolist()

    def isin(self, name: str, values: Iterable[str]) -> np.ndarray:
        wanted = [self.codes[name][v] for v in values if v in self.codes[name]]
        return np.isin(self.col[name], np.asarray(wanted, dtype=np.int32))


class ChunkTable:
    def __init__(self, rows: Sequence[tuple]) -> None:
        by_lang: dict[str, list[tuple]] = {}
        for r in rows:
            by_lang.setdefault(r[0], []).append(r)
        self._langs = {lang: _Lang(rs) for lang, rs in by_lang.items()}
        self._by_id: dict[str, tuple[str, int]] = {r[2]: (r[0], r[1]) for r in rows}
        self._masks: dict[tuple, np.ndarray] = {}
        self._refs: dict[str, ChunkRef] = {}  # chunk id → ref (by_chunk_ids); at most one per chunk
        self._lock = threading.Lock()

    @classmethod
    def load(cls, store: Any) -> ChunkTable:
        return cls(store._q(f"SELECT {_COLS} FROM chunks"))  # noqa: SLF001 - the store's own read path

    def __len__(self) -> int:
        return len(self._by_id)

    def size(self, lang: str) -> int:
        got = self._langs.get(lang)
        return got.n if got else 0

    def ref(self, lang: str, doc_idx: int) -> ChunkRef | None:
        col = self._langs.get(lang)
        if col is None or not (0 <= doc_idx < col.n) or not col.present_list[doc_idx]:
            return None
        return ChunkRef(col.chunk_id[doc_idx], col.article_id[doc_idx], col.law_id[doc_idx], lang, doc_idx,
                        col.eff_from_list[doc_idx], col.eff_to_list[doc_idx])

    def best_of_docs(self, lang: str, docs: np.ndarray, scores: np.ndarray) -> dict[str, tuple[float, str]]:
        """Lexical hits given as arrays, best first (BM25Index.top_weighted) → article_id → (best chunk score, law_id),
        what a channel returns: an article's best chunk is its first, so the articles are those of the documents where
        each first occurs, in that order."""
        col = self._langs.get(lang)
        if col is None or not len(docs):
            return {}
        inside = (docs >= 0) & (docs < col.n)
        docs, scores = docs[inside], scores[inside]
        codes = col.article_code[docs]
        kept = codes >= 0
        docs, scores, codes = docs[kept], scores[kept], codes[kept]
        _, first = np.unique(codes, return_index=True)
        first.sort()
        at = docs[first].tolist()
        aids, laws = col.article_id, col.law_id
        return dict(zip([aids[d] for d in at], zip(scores[first].tolist(), [laws[d] for d in at], strict=True), strict=True))

    def by_chunk_ids(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRef]:
        """The refs of the vector hits (≈600 a question): each made once per generation and then looked up."""
        out: dict[str, ChunkRef] = {}
        refs = self._refs
        for cid in chunk_ids:
            ref = refs.get(cid)
            if ref is None:
                at = self._by_id.get(cid)
                if at is None or (ref := self.ref(*at)) is None:
                    continue
                refs[cid] = ref
            out[cid] = ref
        return out

    def mask(
        self,
        lang: str,
        *,
        day: int | None = None,
        law_ids: Sequence[str] | None = None,
        jurisdictions: Sequence[str] | None = None,
        instruments: Sequence[str] | None = None,
        layers: Sequence[str] | None = None,
    ) -> np.ndarray:
        """doc_idx of ``lang`` passing the filters, as a boolean mask (cached per filter set; read-only)."""
        key = (lang, day, tuple(law_ids) if law_ids is not None else None, tuple(jurisdictions or ()), tuple(instruments or ()),
               tuple(layers or ()))
        with self._lock:
            got = self._masks.get(key)
        if got is not None:
            return got
        col = self._langs.get(lang)
        if col is None:
            out = np.zeros(0, dtype=bool)
        else:
            out = col.present.copy()
            if day is not None:
                out &= (col.eff_from <= day) & (col.eff_to >= day)
            if law_ids is not None:
                out &= col.isin("law_id", law_ids)
            for name, values in (("jurisdiction", jurisdictions), ("instrument", instruments), ("layer", layers)):
                if values:
                    out &= col.isin(name, values)
        out.setflags(write=False)
        with self._lock:
            if len(self._masks) > 64:
                self._masks.clear()
            self._masks[key] = out
        return out
