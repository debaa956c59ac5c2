"""Retrieval channels: small components that each turn one analysed question into scored candidate articles.

Every channel has one method, ``search(query, plan, depth) -> Found``: article_id → (raw score, law_id), the best
of the article's chunks or notes. The filters of a search are resolved once into a ``SearchPlan``, which each
backend translates its own way (the lexical indexes into an allowed-document mask from the in-memory chunk table,
Chroma into a ``where``, the notes into a per-law predicate). Fusion, reranking, focus/sub-query blending and penalty provisions are steps of the
retriever (kb.retrieval) that composes these channels; a channel switched off (``KB_RETRIEVAL_OFF``) is simply
not composed."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import numpy as np

from kb.chunk_table import ChunkRef, ChunkTable
from kb.chunking import date_int
from kb.embedder import Embedder
from kb.lexical import LexicalIndex
from kb.notes import ArticleNotes
from kb.query import QueryAnalysis
from kb.records import LawRecord
from kb.store import ArticleStore
from kb.vectors import VectorIndex, build_where

__all__ = [
    "Found", "SearchPlan", "Query", "Channel", "LexicalChannel", "DenseChannel", "NotesLexicalChannel",
    "NotesDenseChannel", "ChargeChannel", "best_per_article", "relative", "embedder_query", "prefetch_queries",
]

log = logging.getLogger(__name__)

Found = dict[str, tuple[float, str]]  # article_id → (score, law_id)
TokenGroups = list[tuple[list[str], float]]


@dataclass(frozen=True)
class SearchPlan:
    """The filters of one search, resolved once: the date, the law ids the law/topic filters allow (None = all),
    and the jurisdiction / instrument / layer sets."""

    as_of: date
    law_ids: tuple[str, ...] | None = None
    jurisdictions: tuple[str, ...] | None = None
    instruments: tuple[str, ...] | None = None
    layers: tuple[str, ...] | None = None

    @property
    def day(self) -> int:
        return date_int(self.as_of, 0)

    @property
    def narrow(self) -> bool:
        """Whether the plan filters by more than the date (laws, jurisdictions, instruments, layers)."""
        return bool(self.law_ids is not None or self.jurisdictions or self.instruments or self.layers)

    def narrowed(self, law_ids: Sequence[str]) -> SearchPlan:
        """The same plan restricted to ``law_ids`` (a question naming a law: make sure its articles are candidates)."""
        return SearchPlan(self.as_of, tuple(law_ids), self.jurisdictions, self.instruments, self.layers)

    def allows(self, law: LawRecord | None) -> bool:
        if law is None or (self.law_ids is not None and law.law_id not in self.law_ids):
            return False
        if self.jurisdictions and law.jurisdiction not in self.jurisdictions:
            return False
        if self.instruments and law.instrument not in self.instruments:
            return False
        return not (self.layers and law.layer not in self.layers)

    def where(self, langs: Sequence[str]) -> dict[str, Any]:
        """The Chroma ``where`` of this plan for chunks in ``langs``."""
        base = build_where(as_of=self.as_of, law_ids=self.law_ids, jurisdictions=self.jurisdictions,
                           instruments=self.instruments, layers=self.layers)
        lang: dict[str, Any] = {"lang": {"$in": sorted(langs)}} if len(langs) > 1 else {"lang": next(iter(langs))}
        return lang if base is None else {"$and": [*base.get("$and", [base]), lang]}


@dataclass
class Query:
    """One analysed question on its way through the channels; its vector is computed once, when first asked for."""

    qa: QueryAnalysis
    embed: Callable[[str], list[float]] | None = None
    _vector: list[float] | None = field(default=None, repr=False)
    failed: bool = False  # the model or the vector store failed for this query (reported as degraded)

    def vector(self) -> list[float] | None:
        if self._vector is None and self.embed is not None and not self.failed:
            try:
                self._vector = self.embed(self.qa.text)
            except Exception as exc:  # noqa: BLE001 - a model failure degrades to lexical, it does not fail search
                log.warning("query embedding failed: %s", exc)
                self.failed = True
        return self._vector


class Channel(Protocol):
    name: str

    def search(self, query: Query, plan: SearchPlan, depth: int) -> Found: ...


def best_per_article(found: Sequence[tuple[Any, float]], rows: dict[Any, ChunkRef]) -> Found:
    """Chunk hits → the best chunk score of each article (with its law id); chunks never cross articles."""
    out: Found = {}
    for ref, score in found:
        row = rows.get(ref)
        if row is None:
            continue
        aid = row.article_id
        got = out.get(aid)
        if got is None or got[0] < score:
            out[aid] = (float(score), row.law_id)
    return out


def relative(found: Found) -> Found:
    """Cosines → 0..1 between the weakest candidate returned (the channel's depth) and the best: a dense model's
    cosines crowd into a narrow band, and only their order within it carries information."""
    if not found:
        return {}
    top = max(s for s, _ in found.values())
    low = min(s for s, _ in found.values())
    span = top - low
    if span <= 1e-6:
        return {aid: (1.0, law) for aid, (_, law) in found.items()}
    return {aid: ((s - low) / span, law) for aid, (s, law) in found.items()}


class LexicalChannel:
    """BM25 over one language's chunks, for a query of weighted token groups; also keeps the text of its best
    chunk (the retriever scores a translated or expanded query by how much of it that chunk covers)."""

    def __init__(self, name: str, lang: str, index: LexicalIndex | None, store: ArticleStore, chunks: Callable[[], ChunkTable],
                 groups: Callable[[QueryAnalysis], TokenGroups], allowed: Callable[[str, SearchPlan], np.ndarray]) -> None:
        self.name, self.lang = name, lang
        self._index, self._store, self._chunks, self._groups, self._allowed = index, store, chunks, groups, allowed
        self.top_text = ""

    def search(self, query: Query, plan: SearchPlan, depth: int) -> Found:
        found, self.top_text, _ = self.search_also(query, plan, depth)
        return found

    def search_also(self, query: Query, plan: SearchPlan, depth: int, *, top: bool = True, narrowed: SearchPlan | None = None,
                    narrowed_depth: int = 0) -> tuple[Found, str, Found]:
        """(found, the text of the best chunk, found under ``narrowed``): one scoring of the query for both plans (a
        question naming a law is searched in the named law too). ``top``: whether the best chunk's text is wanted."""
        groups = [(list(t), w) for t, w in self._groups(query.qa) if t and w > 0]
        if self._index is None or not groups or not len(self._index):
            return {}, "", {}
        masks = [self._allowed(self.lang, p) for p in (plan, narrowed) if p is not None]
        requests = [(n, mask) for n, mask in zip((depth, narrowed_depth), masks, strict=False) if mask.any()]
        if not requests:
            return {}, "", {}
        got = iter(self._index.top_weighted_many(groups, requests))
        table = self._chunks()
        found, text, also = {}, "", {}
        if masks[0].any():
            docs, scores = next(got)
            found = table.best_of_docs(self.lang, docs, scores)
            first = int(docs[0]) if top and len(docs) else None
            row = self._store.chunk_rows(self.lang, [first]).get(first) if first is not None else None
            text = f"{row['header']}\n{row['text']}".lower() if row else ""
        if narrowed is not None and masks[1].any():
            also = table.best_of_docs(self.lang, *next(got))
        return found, text, also


class DenseChannel:
    """Nearest chunks of every language the generation's vectors hold (a question in either language meets
    articles in both). Each language is searched on its own and scaled by ``relative`` within it: a model's
    cosines run higher within one language, and an English question would otherwise meet only the few laws that
    have English text. A failing vector store marks the query degraded."""

    name = "dense"

    def __init__(self, vectors: VectorIndex, chunks: Callable[[], ChunkTable], langs: frozenset[str]) -> None:
        self._vectors, self._chunks, self._langs = vectors, chunks, langs
        self._heads = _Prefetched(128)  # (text, lang, n) → the vector index's unfiltered answer (≈ 25 kB), asked in one batch

    def embeds(self, lang: str) -> bool:
        """Whether a question in ``lang`` is embedded for this channel."""
        return lang in self._langs

    def prefetch(self, texts: Sequence[str], vectors: Sequence[list[float]], plan: SearchPlan, depth: int) -> None:
        """Ask the vector index, in one batch per language, what ``search`` will ask it for each of these texts (a long
        question's whole text, question sentences and sentences): an exact index reads its vectors once for all of
        them. A narrow plan asks with the whole filter, text by text; a failure is left to ``search`` to report."""
        if plan.narrow or len(texts) < 2:
            return
        many = getattr(self._vectors, "query_many", None)
        if many is None:
            return
        try:
            for lang in sorted(self._langs):
                for text, hits in zip(texts, many(vectors, depth * 3, {"lang": lang}), strict=True):
                    self._heads.put((text, lang, depth * 3), hits)
        except Exception:  # noqa: BLE001 - each text's own query asks again and reports it
            return

    def search(self, query: Query, plan: SearchPlan, depth: int) -> Found:
        if not self.embeds(query.qa.lang):
            return {}
        vector = query.vector()
        if vector is None:
            return {}
        # Each language on its own: a vector index partitioned by language (kb.vectors.PartitionedVectorIndex) answers
        # a language-only query from that language's collection, unfiltered (≈ 2 ms); the dates are applied here, to
        # a head fetched with room to spare. Only a head left short by them (an old as_of) or a narrow plan (a law,
        # jurisdiction, instrument or layer filter) asks the vector store with the whole filter.
        per_lang: dict[str, list[tuple[str, float]]] = {}
        rows: dict[str, ChunkRef] = {}
        table = self._chunks()
        day = plan.day

        def in_force(n: int, where: dict[str, Any], hits: list[tuple[str, float]] | None = None) -> list[tuple[str, float]]:
            if hits is None:
                hits = self._vectors.query(vector, n, where)
            rows.update(table.by_chunk_ids(cid for cid, _ in hits if cid not in rows))
            return [(cid, sc) for cid, sc in hits if (ref := rows.get(cid)) is not None and ref.effective_from <= day <= ref.effective_to]

        try:
            for lang in sorted(self._langs):
                kept = [] if plan.narrow else in_force(depth * 3, {"lang": lang}, self._heads.get((query.qa.text, lang, depth * 3)))
                if plan.narrow or len(kept) < depth // 2:
                    kept = in_force(depth, plan.where([lang]))
                per_lang[lang] = kept
        except Exception as exc:  # noqa: BLE001 - a dense outage degrades to lexical, it does not fail search
            log.warning("dense retrieval unavailable: %s", exc)
            query.failed = True
            return {}
        out: Found = {}
        for lang_hits in per_lang.values():
            for aid, (s, law) in relative(best_per_article(lang_hits[:depth], rows)).items():
                if aid not in out or out[aid][0] < s:
                    out[aid] = (s, law)
        return out


class _NotesChannel:
    def __init__(self, notes: ArticleNotes, laws: Callable[[], dict[str, LawRecord]]) -> None:
        self._notes, self._laws = notes, laws

    def _allow(self, plan: SearchPlan) -> Callable[[str], bool]:
        laws = self._laws()
        return lambda law_id: plan.allows(laws.get(law_id))


class NotesLexicalChannel(_NotesChannel):
    """Our headnotes and example questions in the question's language, BM25, scaled to the best."""

    name = "notes_lex"

    def search(self, query: Query, plan: SearchPlan, depth: int) -> Found:
        qa = query.qa
        own = qa.zh_tokens if qa.lang == "zh" else qa.en_tokens
        found = self._notes.search_lexical(qa.lang, [(own, 1.0)], depth, plan.day, self._allow(plan))
        best = max((s for s, _ in found.values()), default=0.0)
        return {aid: (s / best if best > 0 else 0.0, law) for aid, (s, law) in found.items()}


class NotesDenseChannel(_NotesChannel):
    """The same notes against the question's vector (question ↔ example question, headnote), scaled by ``relative``.
    An English question's cosines are blended with the second model's (``second``: the question → its vector by the
    model that embedded ``notes.second``; ``weight``: its share), see kb.notes."""

    name = "notes_dense"

    def __init__(self, notes: ArticleNotes, laws: Callable[[], dict[str, LawRecord]], *,
                 second: Callable[[str], list[float]] | None = None, weight: float = 0.0, centre: float = 0.0) -> None:
        super().__init__(notes, laws)
        self._centre = centre  # the share of the example questions' mean taken from the question (ArticleNotes.centred)
        self._sims = _Prefetched(64)  # text → its products with the notes' vectors (≈ 76 kB on the full index), in one batch
        self._second = second if notes.second is not None and weight > 0 else None
        self._weight = weight

    def prefetch(self, texts: Sequence[str], vectors: Sequence[list[float]]) -> None:
        """The notes' vectors × each text's vector, in one pass over them (ArticleNotes.products) for ``search``."""
        if len(texts) < 2:
            return
        sims = self._notes.products(vectors)
        if sims is not None:
            for text, row in zip(texts, sims, strict=True):
                self._sims.put(text, row)

    def search(self, query: Query, plan: SearchPlan, depth: int) -> Found:
        vector = query.vector()
        if vector is None:
            return {}
        second = None
        if self._second is not None and query.qa.lang == "en":
            try:
                second = self._second(query.qa.text)
            except Exception as exc:  # noqa: BLE001 - the second model failing leaves the first model's matches
                log.warning("notes' second model failed: %s", exc)
        sims = self._sims.get(query.qa.text)
        return relative(self._notes.search_dense(vector, depth, plan.day, self._allow(plan), sims, second, self._weight,
                                                 lang=query.qa.lang, centre=self._centre))


class _Prefetched:
    """What a channel computed in one batch for the texts a search is about to ask for one by one. Shared by the
    searches of one generation (a text's answer does not change within it), thread-safe, at most ``limit`` entries
    (a long question puts about a dozen; emptied when full)."""

    def __init__(self, limit: int) -> None:
        self._lock = threading.Lock()
        self._limit = limit
        self._got: dict[Any, Any] = {}

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            if len(self._got) >= self._limit:
                self._got.clear()
            self._got[key] = value

    def get(self, key: Any) -> Any:
        with self._lock:
            return self._got.get(key)


class ChargeChannel:
    """Official charge names (罪名) written in the question → the Criminal Law articles that define those crimes:
    "构成诈骗罪", or after a 罪名 label without the final 罪 ("罪名：盗窃"). Longest names first, so 合同诈骗罪 is
    never read as 诈骗罪. An article of another version than the one in force is replaced by the one in force."""

    name = "charge"

    def __init__(self, notes: ArticleNotes, store: ArticleStore, laws: Callable[[], dict[str, LawRecord]]) -> None:
        self._notes, self._store, self._laws = notes, store, laws
        self._names = sorted(notes.charge_names, key=lambda n: (-len(n), n))

    def names_in(self, text: str) -> list[str]:
        if "罪" not in text:
            return []
        rest = re.sub(r"\s+", "", text)
        label = re.search(r"罪名[:：]?(.*)", rest)
        tail = label.group(1) if label else ""
        hits: list[str] = []
        for name in self._names:
            if name in rest:
                hits.append(name)
                rest = rest.replace(name, "\x00")
                tail = tail.replace(name, "\x00")
            elif tail and len(name) >= 3 and name[:-1] in tail:
                hits.append(name)
                tail = tail.replace(name[:-1], "\x00")
        return hits

    def search(self, query: Query, plan: SearchPlan, depth: int) -> Found:
        laws = self._laws()
        out: Found = {}
        for name in self.names_in(query.qa.text):
            for row in self._notes.charge_rows(name):
                if not plan.allows(laws.get(row.law_id)):
                    continue
                if row.effective_from <= plan.day <= row.effective_to:
                    out[row.article_id] = (1.0, row.law_id)
                    continue
                art = self._store.article(row.law_id, row.article_id.split("#", 1)[1], as_of=plan.as_of)
                if art is not None:
                    out[art.article_id] = (1.0, row.law_id)
        return out


def prefetch_queries(embedder: Embedder, cache: dict[str, list[float]], lock: threading.Lock, texts: Sequence[str]) -> None:
    """Embed in one batch the texts a search is about to embed one by one (a long question: the whole text, its
    question sentences and each sentence), into the cache `embedder_query` reads. Only for a model whose vector of a
    text does not depend on the batch it is embedded in (``batch_exact``: the bundled engine embeds each text of a
    batch on its own, sharing one pass over the weights: ≈ 3 % less CPU for the 8 texts of a long question). A failed
    batch is left to the texts' own embedding, which reports it."""
    if not getattr(embedder, "batch_exact", False):
        return
    with lock:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
    if len(missing) < 2:
        return
    try:
        vectors = embedder.embed_queries(missing)
    except Exception:  # noqa: BLE001 - each text is embedded (and a failure handled) when its query asks for it
        return
    with lock:
        if len(cache) + len(missing) > 256:
            cache.clear()
        cache.update(zip(missing, vectors, strict=True))


def embedder_query(embedder: Embedder, cache: dict[str, list[float]], lock: threading.Lock) -> Callable[[str], list[float]]:
    """``embedder.embed_query`` with a small cache (a question's sub-queries and repeats are embedded once)."""

    def embed(text: str) -> list[float]:
        with lock:
            got = cache.get(text)
        if got is None:
            got = embedder.embed_query(text)
            with lock:
                if len(cache) > 256:
                    cache.clear()
                cache[text] = got
        return got

    return embed
