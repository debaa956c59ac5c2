"""Hybrid retrieval: the channels of kb.channels (Chinese lexical, glossary-expanded lexical, English lexical,
multilingual dense, our notes lexical and dense, charge names) fused by a weighted sum of per-channel scores each
scaled to the query's best (0..1, which keeps the size of a lexical win, unlike RRF), with the priors of the nearest
known questions (kb.qmemory) and the laws the question names; then, as steps of one pipeline: the learned reranker
(kb.rerank), the focus and sub-query orders of a long question blended by reciprocal rank, and the penalty provisions
of a penalty question. Filters (jurisdiction, law, instrument, topic, layer, as_of) are resolved once into a
SearchPlan that each channel applies. Results are cached per normalised question (bounded; one retriever per index
generation, so a generation switch starts a fresh cache)."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from operator import attrgetter
from typing import Any

import numpy as np

from kb.channels import (
    Channel,
    ChargeChannel,
    DenseChannel,
    Found,
    LexicalChannel,
    NotesDenseChannel,
    NotesLexicalChannel,
    Query,
    SearchPlan,
    embedder_query,
    prefetch_queries,
)
from kb.chunk_table import ChunkTable
from kb.circumstances import is_fact_pattern, load_circumstances
from kb.confidence import EvidenceFeatures, evidence_score
from kb.embedder import embedder_for
from kb.errors import BadRequest
from kb.notes import ArticleNotes
from kb.qmemory import QuestionMemory, law_key, load_memory
from kb.query import LawNames, QueryAnalysis, analyze, load_glossary
from kb.records import ArticleRecord, Hit, LawRecord, SearchFilters, SearchResult
from kb.settings import Settings, get_settings
from kb.temporal import conduct_date
from kb.translation import load_lexicon

__all__ = ["Retriever", "FusionWeights"]

log = logging.getLogger(__name__)

# Glossary concepts that make a question ask for the penalty of the conduct it describes.
CRIMINAL_LAW = "刑法"  # the law key (kb.qmemory.law_key) of the Criminal Law, whose general part kb.circumstances names
PENALTY_CONCEPTS = frozenset({"fines", "confiscation", "admin-penalty", "public-security-penalty"})
PENALTY_HEAD = 5  # top hits whose citing penalty articles are brought up
PENALTY_PER_HIT = 2
FOCUS_DEPTH = 200  # candidates of each order blended for a multi-sentence question
_SENTENCE_END = re.compile(r"(?<=[。？！?!])|(?<=\.)(?=\s)")
_NOT_NOTES_TOPICS = frozenset({"general", "damages"})  # glossary topics outside our notes' subject
_PENALTY_TEXT = re.compile(r"罚款|罚金|没收|吊销|拘留|有期徒刑|责令停业|责令停止")


@dataclass(frozen=True)
class FusionWeights:
    lex_zh: float = 1.0
    lex_en: float = 1.0
    expansion: float = 0.25  # glossary-term channel relative to a Chinese question's own words
    # Terms of the concepts a Chinese question describes only in lay phrases, added to its own lexical query
    # with this weight per term (the described situation counts above the lay words that describe it).
    bridge: float = 1.5
    expansion_en: float = 1.0  # glossary-term channel for an English question (its bridge to Chinese-only laws)
    translation: float = 0.3  # an English question's words translated by the dictionary (kb.translation), Chinese index
    en_layer: float = 1.0  # English translations channel (scaled by how much of the question its best chunk covers)
    dense: float = 0.6  # multilingual dense channel (relative to the query's own best and depth cosines)
    notes_lex: float = 0.4  # our headnotes and example questions, lexical (BM25 in the question's language)
    notes_dense: float = 0.6  # the same notes, dense (question ↔ example question / headnote)
    # An English question's note matches blend the second model's cosines (KB_NOTES_MODEL, USE multilingual) at this
    # share of the main model's (z-scores, kb.notes). 180 English development questions (11 sets), must_recall@5:
    # 0.566 without, 0.591 at 0.5 (0.579 at 1.0); on Chinese questions the blend only added noise, so they do not use it.
    notes_second: float = 0.5
    # The notes' dense matches compare centred vectors: each note less the notes' mean, the question less this share of
    # the mean of the example questions in its language (what every question shares: how it asks). See
    # ArticleNotes.centred; 0 = raw cosines.
    notes_centre: float = 1.0
    notes_depth: int = 100
    charge: float = 2.0  # an official charge name (罪名) written in the question → the article that defines the crime
    law_prior: float = 0.7  # memory law votes (share, 0..1)
    art_prior: float = 1.0  # memory article votes (summed cosine)
    mention: float = 0.5  # law named in the query
    en_prior_scale: float = 0.5  # memory votes from expansions of an English query are weaker evidence
    rerank_k: float = 10.0  # reciprocal-rank constant of the fused/learned blend (when the reranker is on)
    rerank_weight: float = 4.0  # weight of the learned order in that blend (5-fold CV, scripts/train_rerank.py cv: w=4 ≈ the learned order alone, best on every source)
    lexical_depth: int = 1000  # chunks fetched per lexical channel (the candidate pool: 0.91 of STARD gold)
    dense_depth: int = 100
    agreement: float = 0.3  # share of the weaker of the Chinese / English views added to the stronger
    focus: float = 0.5  # weight of the question sentences' own order for a question of 3+ sentences (0 = off; focus_text)
    # weight of each sentence's own order in a long fact pattern (0 = off). Stop 20: with five example questions per
    # article the sentences' note matches (notes_clause) carry most of what this blend did; at 0.35/0.7 it added noise:
    # pooled dev sets (extra, longdev, long, blind2–5; 218 questions) must_recall@5 0.638 → 0.662 at a quarter of it
    # (long 0.583 → 0.5, longdev 0.661 → 0.768, blind5 0.561 → 0.607), STARD train sample R@10 0.653 → 0.651
    subquery: float = 0.0875
    subquery_asked: float = 0.175  # … of a sentence that asks (the conduct in question), above the circumstances
    subquery_depth: int = 200  # lexical depth of a sentence's search
    # Our notes against each sentence of a long fact pattern: an article's best note match over the sentences (each
    # sentence raises its own issue; the whole text dilutes them). 0 = off.
    notes_clause: float = 0.5
    # Our notes cover the core laws only: they count this many times more when the question is about the core laws'
    # subject (the glossary recognises a core concept of their topics), so they do not pull other questions to them.
    notes_core: float = 2.0  # with notes_clause, pooled dev sets must_recall@5 0.663 → 0.726; STARD train sample R@10 0.660 → 0.645
    # Notes on general law (scope "general": contracts, capacity, limitation …) answer the lay questions of every
    # subject, so they are never boosted with the core laws' notes and count this share.
    notes_general: float = 1.0


# What `KB_RETRIEVAL_OFF` / `kb eval --ablate` can switch off, and the weights each name zeroes.
CHANNELS: dict[str, tuple[str, ...]] = {
    "lex_zh": ("lex_zh",), "glossary": ("expansion", "expansion_en", "bridge"), "lex_en": ("lex_en", "en_layer"),
    "dense": ("dense",), "notes": ("notes_lex", "notes_dense", "notes_clause"), "notes_second": ("notes_second",), "notes_centre": ("notes_centre",),
    "charge": ("charge",),
    "memory": ("law_prior", "art_prior"), "mention": ("mention",), "rerank": ("rerank_weight",),
    "focus": ("focus",), "subquery": ("subquery", "subquery_asked"), "penalty": (), "circumstances": (),
    "translation": ("translation",),
}


def without(weights: FusionWeights, channels: Sequence[str]) -> FusionWeights:
    """``weights`` with the named channels (CHANNELS) switched off."""
    from dataclasses import replace

    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise BadRequest(f"unknown retrieval channel(s) {unknown}; known: {sorted(CHANNELS)}")
    zero: dict[str, Any] = {name: 0.0 for c in channels for name in CHANNELS[c]}
    return replace(weights, **zero)


@dataclass(frozen=True)
class _RankInfo:
    """What the evidence score needs from the ranking of the whole question."""

    top_raw: float
    memory_similarity: float
    mentions: int
    dense_ok: bool


class _Cand:
    """One candidate article of a search and its scores per channel. About 2,000 are made for a short question (one
    per article any channel returns): only the three identifying fields are set when one is made, every score reads
    as the class's 0.0 until a channel sets it (a dataclass setting all 17 fields made creating them a fifth of the
    CPU of fusion)."""

    lex_zh: float = 0.0
    lex_zx: float = 0.0
    lex_en: float = 0.0
    lex_tr: float = 0.0
    dense: float = 0.0
    notes_lex: float = 0.0
    notes_dense: float = 0.0
    charge: float = 0.0
    notes_clause: float = 0.0
    law_prior: float = 0.0
    art_prior: float = 0.0
    mention: float = 0.0
    score: float = 0.0
    raw_lex: float = 0.0
    penalty_for: str | None = None

    def __init__(self, article_id: str, law_id: str, key: str) -> None:
        self.article_id, self.law_id, self.key = article_id, law_id, key

    def __repr__(self) -> str:
        return f"_Cand({self.article_id!r}, score={self.score!r})"


class Retriever:
    """One retriever per opened index generation (it caches law metadata and filter sets)."""

    def __init__(
        self,
        index: Any,
        *,
        settings: Settings | None = None,
        memory: QuestionMemory | None = None,
        glossary: Any | None = None,
        weights: FusionWeights | None = None,
        use_memory: bool = True,
        use_glossary: bool = True,
        reranker: Any | None = None,
        use_reranker: bool | None = None,
    ) -> None:
        self.index = index
        self.settings = settings or getattr(index, "settings", None) or get_settings()
        self.store = index.store
        self.off = frozenset(self.settings.off_channels())
        self.weights = without(weights or FusionWeights(), sorted(self.off))
        # the learned order for every question, or (settings.rerank "general") only outside the core laws' subject
        self._rerank_all = use_reranker is not None or self.settings.rerank == "all"
        if use_reranker is None:
            use_reranker = self.settings.rerank != "off" and "rerank" not in self.off
        if reranker is None and use_reranker:
            from kb.rerank import load_reranker

            reranker = load_reranker()
        self.reranker = reranker if use_reranker else None
        self.feature_sink: Any | None = None  # scripts/train_rerank.py collects (candidates, features) here
        self.memory = memory if memory is not None else (load_memory() if use_memory else QuestionMemory([]))
        if glossary is None and use_glossary:
            glossary = load_glossary(str(self.settings.glossary_path))
        self.glossary = glossary if use_glossary else None
        self._lock = threading.Lock()
        self._chunk_table: ChunkTable | None = None
        self._laws: dict[str, LawRecord] | None = None
        self._law_keys: dict[str, list[str]] = {}
        self._key_of: dict[str, str] = {}  # law_id → law_key of its title (asked ~4,000 times a search)
        self._names: LawNames | None = None
        self._core_ids: frozenset[str] | None = None
        self._general_notes: frozenset[str] = frozenset()  # articles whose notes are on general law (set with the channels)
        self._qvecs: dict[str, list[float]] = {}
        self._qvecs2: dict[str, list[float]] = {}  # the same, by the notes' second model
        self._channels: dict[str, Channel] | None = None
        self._embed = embedder_query(index.embedder, self._qvecs, self._lock)
        self._results: OrderedDict[tuple, SearchResult] = OrderedDict()
        self._in_force: dict[tuple[str, str, date], str | None] = {}  # (law_id, key, day) → article id (_article_in_force)
        self._ck_of: dict[str, tuple[str, str]] = {}  # article id → candidate key (_cand_key)

    # ------------------------------------------------------------------ channels (composed once, in one place)
    def _compose(self) -> dict[str, Channel]:
        """The channels this retriever searches: every one not switched off (``KB_RETRIEVAL_OFF`` / zero weight)."""
        w, idx = self.weights, self.index
        out: dict[str, Channel] = {}
        lexical = {
            # the question's own Chinese words, with the legal terms of the situations it describes in lay words
            "lex_zh": ("zh", w.lex_zh, lambda qa: [(qa.zh_tokens, 1.0), (qa.zh_bridge_tokens, w.bridge)]),
            # the glossary's legal Chinese terms
            "lex_zx": ("zh", max(w.expansion, w.expansion_en),
                       lambda qa: [(qa.zh_expansion_tokens, 1.0)]),
            # English words (+ English legal terms) against the translations
            "lex_en": ("en", w.lex_en * w.en_layer, lambda qa: [(qa.en_tokens, 1.0)]),
            # an English question's words, translated by the dictionary, against the Chinese text
            "lex_tr": ("zh", w.translation, self._translated),
        }
        for name, (lang, weight, groups) in lexical.items():
            if weight > 0:
                out[name] = LexicalChannel(name, lang, idx.lexical.get(lang), self.store, self.chunks, groups, self._allowed_docs)
        if w.dense > 0:
            out["dense"] = DenseChannel(idx.vectors, self.chunks, idx.embedding_languages or self.settings.embedding_langs())
        notes = idx.notes
        if notes is not None and len(notes):
            self._general_notes = notes.general
            if w.notes_lex > 0:
                out["notes_lex"] = NotesLexicalChannel(notes, self.laws)
            if w.notes_dense > 0:
                out["notes_dense"] = NotesDenseChannel(notes, self.laws, second=self._second_model(notes), weight=w.notes_second,
                                                       centre=w.notes_centre)
            if w.charge > 0:
                out["charge"] = ChargeChannel(notes, self.store, self.laws)
        return out

    def _second_model(self, notes: ArticleNotes) -> Callable[[str], list[float]] | None:
        """The question → its vector by the model that embedded the notes' second vectors (kb.notes), cached per text;
        None when the generation has none, or the configured model is another (vectors of two models never mix)."""
        if notes.second is None or notes.second[0] != self.settings.notes_model:
            return None
        embedder = embedder_for(self.settings, notes.second[0])
        return embedder_query(embedder, self._qvecs2, self._lock)

    def _translated(self, qa: QueryAnalysis) -> list[tuple[list[str], float]]:
        """The dictionary's Chinese for an English question's words (kb.translation); nothing for a Chinese one."""
        if qa.lang != "en":
            return []
        lex = self.index.lexical.get("zh")
        if lex is None or not len(lex):
            return []
        lexicon = load_lexicon(lex)
        return lexicon.translate(qa.text) if lexicon is not None else []

    @property
    def channels(self) -> dict[str, Channel]:
        if self._channels is None:
            self._channels = self._compose()
        return self._channels

    # ------------------------------------------------------------------ law metadata
    def laws(self) -> dict[str, LawRecord]:
        if self._laws is None:
            with self._lock:
                if self._laws is None:
                    laws = {law.law_id: law for law in self.store.laws()}
                    keys: dict[str, list[str]] = {}
                    for law in laws.values():
                        for name in {law.title_zh, *law.short_names}:
                            if name:
                                keys.setdefault(law_key(name), []).append(law.law_id)
                    self._law_keys = keys
                    self._names = LawNames(laws.values())
                    self._laws = laws
        return self._laws

    def law_ids_for_key(self, key: str) -> list[str]:
        self.laws()
        return self._law_keys.get(key, [])

    def _law_key_of(self, law_id: str) -> str:
        got = self._key_of.get(law_id)
        if got is None:
            law = self.laws().get(law_id)
            got = self._key_of[law_id] = law_key(law.title_zh) if law else law_id
        return got

    # ------------------------------------------------------------------ filters
    def _filter_law_ids(self, filters: SearchFilters) -> list[str] | None:
        """Law ids allowed by the law and topic filters (None = no restriction)."""
        ids: set[str] | None = None
        if filters.law:
            ids = set()
            for name in filters.law:
                if name in self.laws():
                    ids.add(name)
                else:
                    ids.add(self.store.resolve_law(name).law_id)  # LawNotFound / AmbiguousLaw are client errors
        if filters.topic:
            wanted = {t.strip().lower() for t in filters.topic}
            by_topic = {lid for lid, law in self.laws().items() if wanted & {t.lower() for t in law.topics}}
            ids = by_topic if ids is None else ids & by_topic
        return sorted(ids) if ids is not None else None

    def plan(self, filters: SearchFilters) -> SearchPlan:
        """The search filters resolved once (law names and topics to law ids); each backend translates the plan."""
        law_ids = self._filter_law_ids(filters)
        return SearchPlan(filters.as_of or date.today(), tuple(law_ids) if law_ids is not None else None,
                          _t(filters.jurisdiction), _t(filters.instrument), _t(filters.layer))

    def chunks(self) -> ChunkTable:
        """The generation's chunk metadata in memory (loaded on first use; `Index.warm` loads it at worker start)."""
        if self._chunk_table is None:
            with self._lock:
                if self._chunk_table is None:
                    self._chunk_table = ChunkTable.load(self.store)
        return self._chunk_table

    def _allowed_docs(self, lang: str, plan: SearchPlan) -> np.ndarray:
        """The plan as a boolean mask over the ``lang`` lexical index's documents (cached by the chunk table)."""
        return self.chunks().mask(lang, day=plan.day, law_ids=plan.law_ids, jurisdictions=plan.jurisdictions,
                                  instruments=plan.instruments, layers=plan.layers)

    # ------------------------------------------------------------------ search
    def analyze(self, query: str, lang: str | None = None) -> QueryAnalysis:
        self.laws()
        return analyze(query, lang=lang, glossary=self.glossary, law_names=self._names)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None, *, lang: str | None = None) -> SearchResult:
        """Top ``k`` distinct articles; ``lang`` None = detected from the query."""
        if not isinstance(query, str) or not query.strip():
            raise BadRequest("the query is empty")
        if k < 1:
            raise BadRequest(f"k must be at least 1, got {k}")
        k = min(k, 500)
        filters = filters or SearchFilters()
        size = self.settings.search_cache_size
        key = None
        if size and self.feature_sink is None:
            # as_of None means today: the day is part of the key
            key = (_normalised(query), k, lang, repr(filters), date.today())
            with self._lock:
                got = self._results.get(key)
                if got is not None:
                    self._results.move_to_end(key)
            if got is not None:
                return replace(got, hits=list(got.hits))
        result = self._search(query, k, filters, lang)
        if key is not None and not result.degraded:  # a channel that failed for a moment is not remembered
            with self._lock:
                self._results[key] = result
                while len(self._results) > size:
                    self._results.popitem(last=False)
            return replace(result, hits=list(result.hits))
        return result

    def _search(self, query: str, k: int, filters: SearchFilters, lang: str | None) -> SearchResult:
        qa = self.analyze(query, lang)
        if filters.as_of is None:
            # facts dated in the question are judged under the law in force then (kb.temporal)
            filters = replace(filters, as_of=conduct_date(qa.text))
        plan = self.plan(filters)
        as_of = plan.as_of
        if plan.law_ids is not None and not plan.law_ids:
            return SearchResult(query=qa.text, lang=qa.lang, hits=[], evidence_score=0.0, expansions=qa.expansions, as_of=as_of)
        searched: dict[str, tuple[list[_Cand], dict[tuple[str, str], _Cand]]] = {}  # sentence → its search, once
        focus = focus_text(qa.text) if self.weights.focus > 0 else None
        self._prefetch_vectors(qa, focus, k, plan)
        sentences = self._sentences(qa, k, plan, searched)
        cands: dict[tuple[str, str], _Cand] = {}
        ranked, ev = self._ranked(qa, k, plan, cands, clause=self._clause_notes(sentences))
        if focus:
            # A long fact pattern buries the question in circumstances: its question sentences are searched on their
            # own as well, and the two orders are blended by reciprocal rank (the whole text keeps the lead).
            fqa = self.analyze(focus, qa.lang)
            focused, _ = self._ranked(fqa, k, plan, {}, clause=self._clause_notes(self._sentences(fqa, k, plan, searched)))
            ranked = self._blend_orders(ranked, focused, cands)
        if sentences and self.weights.subquery > 0:
            # A fact pattern raises several issues: each sentence is searched on its own and its order blended in,
            # the sentences that ask weighing above the circumstances around them.
            orders = [(ranked, 1.0)]
            for order, asked, _ in sentences:
                orders.append((order, self.weights.subquery_asked if asked else self.weights.subquery))
            ranked = self._blend_many(orders, cands)
        if PENALTY_CONCEPTS.intersection(qa.concepts) and "penalty" not in self.off:
            ranked = self._with_penalty_provisions(ranked, cands)
        if qa.lang == "zh" and "circumstances" not in self.off and is_fact_pattern(qa.text):
            ranked = self._with_circumstances(ranked, cands, qa.text, plan)
        ranked = ranked[:k]
        records = self.store.articles_by_ids([c.article_id for c in ranked])
        laws = self.laws()
        hits: list[Hit] = []
        terms = _match_terms(qa)
        for c in ranked:
            art = records.get(c.article_id)
            if art is None:
                continue
            law = laws.get(c.law_id)
            hits.append(
                Hit(
                    article=art,
                    score=round(c.score, 6),
                    rank=len(hits) + 1,
                    lexical_score=round(c.raw_lex, 4) if c.raw_lex else None,
                    dense_score=round(c.dense, 4) if c.dense else None,
                    matched=_matched(qa, art, terms),
                    title_zh=law.title_zh if law else "",
                    title_en=law.title_en if law else None,
                    penalty_for=c.penalty_for,
                )
            )
        feats = EvidenceFeatures.from_search(qa, hits, top_raw=ev.top_raw, memory_similarity=ev.memory_similarity, mentions=ev.mentions)
        return SearchResult(
            query=qa.text, lang=qa.lang, hits=hits, evidence_score=evidence_score(feats), expansions=qa.expansions, as_of=as_of,
            degraded=[] if ev.dense_ok else ["dense"],
        )

    def _ranked(
        self, qa: QueryAnalysis, k: int, plan: SearchPlan, cands: dict[tuple[str, str], _Cand], *, sub: bool = False,
        clause: dict[tuple[str, str], tuple[float, _Cand]] | None = None,
    ) -> tuple[list[_Cand], _RankInfo]:
        """Every candidate of the fused channels (and the learned reranker), best first. ``sub``: one sentence of a
        long question (shallower lexical search, no reranker). ``clause``: the sentences' note scores (_clause_notes)."""
        w = self.weights
        channels = self.channels
        query = Query(qa, embed=self._embed)
        laws = self.laws()

        # lexical channels
        depth = w.subquery_depth if sub else max(w.lexical_depth, k * 3)
        mentions = [lid for lid in qa.law_mentions if plan.allows(laws.get(lid))]
        narrowed = plan.narrowed(mentions) if mentions else None
        found: dict[str, Found] = {}
        tops: dict[str, str] = {}
        for name in ("lex_zh", "lex_zx", "lex_en", "lex_tr"):
            ch = channels.get(name)
            if not isinstance(ch, LexicalChannel):
                continue
            # (the best chunk's text only where its coverage is read; a named law's best articles made sure of as
            # candidates, from the same scoring of the query)
            want_top = name == "lex_en" or (name == "lex_zh" and qa.lang != "zh")
            found[name], tops[name], extra = ch.search_also(query, plan, depth, top=want_top, narrowed=narrowed, narrowed_depth=50)
            if extra:
                found[name].update({a: v for a, v in extra.items() if a not in found[name]})
        # each channel's best raw score, once (max of (score, law id) pairs: the score decides, in C)
        bests = {name: max(chan.values(), default=(0.0, ""))[0] for name, chan in found.items()}
        top_raw = max([*bests.values(), 0.0])
        # A channel searched with the question's own words in its own language counts fully; the others
        # (glossary terms, the small English layer for an English question) count by how much of their
        # query their best chunk covers, so a weak match cannot outrank a strong one elsewhere.
        conf = {
            "lex_zh": 1.0 if qa.lang == "zh" else _coverage(qa.zh_tokens, tops.get("lex_zh", "")),
            "lex_zx": w.expansion if qa.lang == "zh" else w.expansion_en,
            "lex_en": _coverage(qa.en_tokens, tops.get("lex_en", "")) * w.en_layer,
            "lex_tr": 1.0,
        }
        # (≈1,000 articles a channel: `_cand` inlined, its candidate key looked up, not parsed)
        cand_key, ck_of = self._cand_key, self._ck_of
        for name, chan in found.items():
            best = bests[name]
            cf, raw = conf[name], name != "lex_zx"
            for aid, (s, law_id) in chan.items():
                ck = ck_of.get(aid)
                if ck is None or ck[0] != law_id:
                    ck = cand_key(aid, law_id)
                c = cands.get(ck)
                if c is None:
                    c = cands[ck] = _Cand(aid, law_id, ck[1])
                setattr(c, name, cf * s / best if best > 0 else 0.0)
                if raw and s > c.raw_lex:
                    c.raw_lex = s

        # dense (multilingual: a question in either language meets articles in both), our notes (headnotes and example
        # questions, lexical in the question's language and dense), charge names
        depths = {"dense": max(w.dense_depth, k * 2), "notes_lex": w.notes_depth, "notes_dense": w.notes_depth, "charge": 0}
        for name, depth_n in depths.items():
            ch = channels.get(name)
            if ch is None:
                continue
            for aid, (s, law_id) in ch.search(query, plan, depth_n).items():
                setattr(self._cand(cands, aid, law_id), name, s)
        dense_ok = not query.failed
        for v, found in (clause or {}).values():
            self._cand(cands, found.article_id, found.law_id).notes_clause = v

        # learned priors (nearest known questions) and law mentions
        prior_text = qa.zh_text if qa.lang == "zh" else qa.zh_expansion
        scale = 1.0 if qa.lang == "zh" else w.en_prior_scale
        votes = self.memory.votes(prior_text) if prior_text.strip() and len(self.memory) else None
        if votes is not None:
            self._add_voted_articles(cands, votes.articles, plan)
        core = self._core_question(qa)
        nboost = w.notes_core if core else 1.0
        general = self._general_notes
        # (the loop over every candidate, ~2,000 for a short question: the weights are bound once, and what depends only
        # on the candidate's law — its memory vote, its articles' votes, whether the question names it — is found once
        # per law, not once per candidate)
        key_of, law_key_of = self._key_of, self._law_key_of
        vote_laws = votes.laws if votes is not None else {}
        arts_by_law: dict[str, dict[str, float]] = {}
        for (lk, key), v in (votes.articles if votes is not None else {}).items():
            arts_by_law.setdefault(lk, {})[key] = v
        per_law: dict[str, tuple[float, dict[str, float] | None, float]] = {}
        mentioned = set(mentions)
        lex_zh, lex_en, agreement, dense, charge = w.lex_zh, w.lex_en, w.agreement, w.dense, w.charge
        translation = w.translation
        notes_lex, notes_dense, notes_clause = w.notes_lex, w.notes_dense, w.notes_clause
        law_prior, art_prior, mention = w.law_prior, w.art_prior, w.mention
        for c in cands.values():
            got = per_law.get(c.law_id)
            if got is None:
                lk = key_of.get(c.law_id)
                if lk is None:
                    lk = law_key_of(c.law_id)
                got = per_law[c.law_id] = (scale * vote_laws.get(lk, 0.0), arts_by_law.get(lk), 1.0 if c.law_id in mentioned else 0.0)
            lp, arts, men = got
            ap = scale * arts.get(c.key, 0.0) if arts else 0.0
            # (a candidate is new to this ranking: its priors read 0.0 until set, so only the others are written)
            if lp:
                c.law_prior = lp
            if ap:
                c.art_prior = ap
            if men:
                c.mention = men
            # Chinese-text and English-text evidence for one article are two views of the same words: take
            # the stronger and only a share of the weaker, so translated laws are not favoured for having two.
            zh_side = lex_zh * (c.lex_zh + c.lex_zx)
            en_side = lex_en * c.lex_en
            content = (zh_side if zh_side >= en_side else en_side) + agreement * (en_side if zh_side >= en_side else zh_side)
            content += dense * c.dense + charge * c.charge + translation * c.lex_tr
            if c.notes_lex or c.notes_dense or c.notes_clause:
                nb = w.notes_general if c.article_id in general else nboost
                content += nb * (notes_lex * c.notes_lex + notes_dense * c.notes_dense + notes_clause * c.notes_clause)
            c.score = content + law_prior * lp + art_prior * ap + mention * men

        # best first, ties by article id: two stable sorts (cheaper than a tuple key per candidate)
        ranked = sorted(sorted(cands.values(), key=_by_article), key=_by_score, reverse=True)
        learned = self.reranker is not None and (self._rerank_all or not core)
        if not sub and (learned or self.feature_sink is not None):
            n_tokens = len(qa.zh_tokens if qa.lang == "zh" else qa.en_tokens)
            ranked = self._rerank(ranked, votes.top_similarity if votes else 0.0, n_tokens, top_raw, qa.lang, learned=learned)
        similarity = votes.top_similarity if votes else 0.0
        return ranked, _RankInfo(top_raw=top_raw, memory_similarity=similarity, mentions=len(mentions), dense_ok=dense_ok)

    def _prefetch_vectors(self, qa: QueryAnalysis, focus: str | None, k: int, plan: SearchPlan) -> None:
        """The texts of a long question this search will embed (the whole, its question sentences, each sentence of
        either), embedded in one batch beforehand (kb.channels.prefetch_queries)."""
        channels = self.channels
        dense = channels.get("dense")
        if "notes_dense" not in channels and not (isinstance(dense, DenseChannel) and dense.embeds(qa.lang)):
            return
        texts = [qa.text]
        splits = self.weights.subquery > 0 or self.weights.notes_clause > 0
        for text in (qa.text, focus):
            if text:
                if text is focus:
                    texts.append(text.strip())
                if splits:
                    texts.extend(t for t, _ in subqueries(text.strip()))
        if len(texts) > 1:
            prefetch_queries(self.index.embedder, self._qvecs, self._lock, texts)
            # … and their dense products computed in one pass over the vectors (each vector index and notes matrix is
            # read from memory once for all of them, not once per text)
            with self._lock:
                got = {t: self._qvecs[t] for t in texts if t in self._qvecs}
            if len(got) > 1:
                names, vectors = list(got), list(got.values())
                if isinstance(dense, DenseChannel) and dense.embeds(qa.lang):
                    dense.prefetch(names, vectors, plan, max(self.weights.dense_depth, k * 2))
                notes = channels.get("notes_dense")
                if isinstance(notes, NotesDenseChannel):
                    notes.prefetch(names, vectors)

    def _core_question(self, qa: QueryAnalysis) -> bool:
        """Whether the glossary recognises a concept of the core laws' subject in the question."""
        if self.glossary is None or not qa.concepts:
            return False
        if self._core_ids is None:
            # the core laws' own subjects; "general" (divorce, inheritance, contracts …) and "damages" concepts are core
            # Civil Code too, but our notes do not cover those articles
            self._core_ids = frozenset(c.id for c in self.glossary.concepts
                                       if c.scope == "core" and set(c.topics) - _NOT_NOTES_TOPICS)
        return any(c in self._core_ids for c in qa.concepts)

    def _sentences(self, qa: QueryAnalysis, k: int, plan: SearchPlan,
                   searched: dict[str, tuple[list[_Cand], dict[tuple[str, str], _Cand]]] | None = None,
                   ) -> list[tuple[list[_Cand], bool, dict[tuple[str, str], _Cand]]]:
        """Each sentence of a long fact pattern searched on its own, once: (its order, whether it asks, its candidates).
        Their orders are blended in (``subquery``) and their note matches score the articles (``notes_clause``).
        ``searched``: the sentences already searched for this question (its question sentences are sentences of the
        whole text too; only their note scores are read again, which the blend of orders leaves alone)."""
        w = self.weights
        if w.subquery <= 0 and w.notes_clause <= 0:
            return []
        searched = {} if searched is None else searched
        out = []
        for text, asked in subqueries(qa.text):
            if text not in searched:
                found: dict[tuple[str, str], _Cand] = {}
                order, _ = self._ranked(self.analyze(text, qa.lang), k, plan, found, sub=True)
                searched[text] = (order, found)
            order, found = searched[text]
            out.append((order, asked, found))
        return out

    def _clause_notes(self, sentences: list[tuple[list[_Cand], bool, dict[tuple[str, str], _Cand]]]) -> dict[tuple[str, str], tuple[float, _Cand]]:
        """An article's note score in each sentence (lexical and dense, weighted as for the whole question), scaled to
        the sentence's best, and its best over the sentences, so one sentence's issue is not diluted by the others."""
        w = self.weights
        best: dict[tuple[str, str], tuple[float, _Cand]] = {}
        if w.notes_clause <= 0:
            return best
        for _, _, found in sentences:
            score = {key: (w.notes_lex * c.notes_lex + w.notes_dense * c.notes_dense, c) for key, c in found.items() if c.notes_lex or c.notes_dense}
            top = max((s for s, _ in score.values()), default=0.0)
            if top <= 0:
                continue
            for key, (s, c) in score.items():
                if s / top > best.get(key, (0.0, c))[0]:
                    best[key] = (s / top, c)
        return best

    def _blend_orders(self, ranked: list[_Cand], focused: list[_Cand], cands: dict[tuple[str, str], _Cand]) -> list[_Cand]:
        """Reciprocal-rank blend of the whole question's order and its question sentences' order (weight
        ``focus``); an article only the focused search found joins as a candidate."""
        return self._blend_many([(ranked, 1.0), (focused, self.weights.focus)], cands)

    def _blend_many(self, orders: list[tuple[list[_Cand], float]], cands: dict[tuple[str, str], _Cand]) -> list[_Cand]:
        """Weighted reciprocal-rank blend of several orders; the first is the whole question's (its tail follows)."""
        w = self.weights
        ranked = orders[0][0]
        score: dict[tuple[str, str], float] = {}
        for order, weight in orders:
            for pos, c in enumerate(order[:FOCUS_DEPTH]):
                key = (c.law_id, c.key)
                score[key] = score.get(key, 0.0) + weight / (w.rerank_k + pos + 1)
                cands.setdefault(key, c)
        head = sorted(score, key=lambda key: -score[key])
        in_head = set(head)
        tail = [c for c in ranked if (c.law_id, c.key) not in in_head]
        floor = min((c.score for c in ranked[:FOCUS_DEPTH]), default=0.0)
        out = [cands[key] for key in head]
        for pos, c in enumerate(out):  # scores stay monotone with the new order (and above the tail)
            c.score = floor + (len(out) - pos) * 1e-3
        return out + tail

    def _rerank(self, ranked: list[_Cand], memory_sim: float, n_tokens: int, top_raw: float, lang: str, *,
                learned: bool = True) -> list[_Cand]:
        from kb.rerank import DEPTH, blend, features_for

        head, tail = ranked[:DEPTH], ranked[DEPTH:]
        rows = features_for(head, memory_sim=memory_sim, n_tokens=n_tokens, top_raw=top_raw, lang=lang)
        if self.feature_sink is not None:
            self.feature_sink(head, rows)
        if self.reranker is None or not learned or not head or self.weights.rerank_weight == 0:
            return ranked
        learned = self.reranker.scores(rows)
        # Reciprocal-rank blend of the fused order and the learned one (kb.rerank.blend): the fused order breaks the
        # learned order's ties and keeps a voice.
        blended = blend(learned, k=self.weights.rerank_k, weight=self.weights.rerank_weight)
        order = sorted(range(len(head)), key=lambda i: (-blended[i], i))
        floor = min(c.score for c in head)
        reranked = [head[i] for i in order]
        # keep scores monotone with the new order (and above the un-reranked tail)
        for pos, c in enumerate(reranked):
            c.score = floor + (len(reranked) - pos) * 1e-3 + blended[order[pos]] * 1e-6
        return reranked + tail

    def _with_penalty_provisions(self, ranked: list[_Cand], cands: dict[tuple[str, str], _Cand]) -> list[_Cand]:
        """A question about penalties wants the article that punishes the conduct, and that article often names
        the rule only by number (广告法第五十七条: "发布有本法第九条…规定的禁止情形的广告的…罚款"), so it shares
        no words with the question. Each of the top hits is followed by the same-version articles that cite it
        and impose a penalty, unless they already rank above it. (The hits passed the filters, and a citing article
        of the same version shares their law and dates.)"""
        head = ranked[:PENALTY_HEAD]
        placed: set[str] = set()  # articles at or above the current rule (a penalty article below it may move up)
        follow: dict[str, list[_Cand]] = {}
        for c in head:
            placed.add(c.article_id)
            if c.article_id in {f.article_id for fs in follow.values() for f in fs}:
                continue  # already following a rule above
            version = c.article_id.split("#", 1)[0]
            citing = list(dict.fromkeys(e.src_article_id for e in self.store.cited_by(c.article_id)
                                        if e.src_article_id.split("#", 1)[0] == version and e.src_article_id not in placed))
            if not citing:
                continue
            records = self.store.articles_by_ids(citing)
            for aid in citing:
                art = records.get(aid)
                if art is None or not _PENALTY_TEXT.search(art.text_zh or ""):
                    continue
                placed.add(aid)
                follower = self._cand(cands, aid, c.law_id)
                follower.penalty_for = c.article_id
                follow.setdefault(c.article_id, []).append(follower)
                if len(follow[c.article_id]) >= PENALTY_PER_HIT:
                    break
        if not follow:
            return ranked
        moved = {f.article_id for fs in follow.values() for f in fs}
        out: list[_Cand] = []
        for c in ranked:
            if c.article_id in moved:
                continue
            out.append(c)
            for f in follow.get(c.article_id, ()):
                f.score = c.score
                out.append(f)
        for prev, c in zip(out, out[1:], strict=False):  # scores stay monotone with the order
            c.score = min(c.score, prev.score)
        return out

    def _with_circumstances(self, ranked: list[_Cand], cands: dict[tuple[str, str], _Cand], text: str,
                            plan: SearchPlan) -> list[_Cand]:
        """A criminal fact pattern is answered by its crime's article and by the general-part articles its facts
        trigger (kb.circumstances: joint crime, attempt, surrender, recidivism …), which share no words with the facts.
        Those the text states follow the crime's own articles (the leading hits a charge name found, else the first
        hit), in the data's order; the rest keep their order."""
        charge = self.channels.get("charge")
        names = charge.names_in(text) if isinstance(charge, ChargeChannel) else []
        found = load_circumstances().found(text, charges=len(set(names)))
        if not found or not ranked:
            return ranked
        laws = self.laws()
        law_ids = [lid for lid in self.law_ids_for_key(CRIMINAL_LAW) if plan.allows(laws.get(lid))]
        if not law_ids:
            return ranked
        law_id = law_ids[0]
        day = plan.as_of or date.today()
        crime = [c for c in ranked[:3] if c.charge > 0] or ranked[:1]
        placed = {id(c) for c in crime}
        inserted: list[_Cand] = []
        for circ in found:
            aid = self._article_in_force(law_id, circ.article, day)
            if aid is None:
                continue
            c = self._cand(cands, aid, law_id)
            if id(c) not in placed:
                placed.add(id(c))
                inserted.append(c)
        out = crime + inserted + [c for c in ranked if id(c) not in placed]
        for pos in range(len(out) - 2, -1, -1):  # scores stay monotone with the new order
            if out[pos].score <= out[pos + 1].score:
                out[pos].score = out[pos + 1].score + 1e-6
        return out

    # ------------------------------------------------------------------ channels
    def _cand_key(self, article_id: str, law_id: str) -> tuple[str, str]:
        """(law id, article key) of an article id: one candidate per article whatever its version (remembered per
        generation: the same few thousand articles come back search after search)."""
        _, sep, key = article_id.partition("#")
        ck = (law_id, key if sep else article_id)
        if len(self._ck_of) >= 200_000:
            self._ck_of.clear()
        self._ck_of[article_id] = ck
        return ck

    def _cand(self, cands: dict[tuple[str, str], _Cand], article_id: str, law_id: str) -> _Cand:
        ck = self._ck_of.get(article_id)
        if ck is None or ck[0] != law_id:
            ck = self._cand_key(article_id, law_id)
        c = cands.get(ck)
        if c is None:
            c = cands[ck] = _Cand(article_id, law_id, ck[1])
        return c

    def _add_voted_articles(self, cands: dict[tuple[str, str], _Cand], votes: dict[tuple[str, str], float], plan: SearchPlan) -> None:
        """Articles cited by the nearest known questions become candidates even without a lexical match."""
        for (lk, key), _ in sorted(votes.items(), key=lambda kv: -kv[1])[:30]:
            for law_id in self.law_ids_for_key(lk):
                if (law_id, key) in cands or not plan.allows(self.laws().get(law_id)):
                    continue
                aid = self._article_in_force(law_id, key, plan.as_of)
                if aid is not None:
                    self._cand(cands, aid, law_id)

    def _article_in_force(self, law_id: str, key: str, as_of: date) -> str | None:
        """The id of article ``key`` of the law's version in force on ``as_of`` (remembered: the store of a generation
        does not change, and the memory votes for the same few hundred articles again and again)."""
        ck = (law_id, key, as_of)
        got = self._in_force.get(ck, False)
        if got is False:
            art = self.store.article(law_id, key, as_of=as_of)
            got = art.article_id if art is not None else None
            with self._lock:
                if len(self._in_force) >= 50_000:
                    self._in_force.clear()
                self._in_force[ck] = got
        return got


_by_article = attrgetter("article_id")
_by_score = attrgetter("score")


def focus_text(text: str) -> str | None:
    """The question sentences (the last two ending in ？/?) of a text of three or more sentences; None when the text
    is shorter, has no question sentence, or is nothing but its question sentences.

    Not for two sentences: there the question sentence is half the question and seldom carries its subject ("… Can
    they force me to hand over my face?", "…买个面具凭什么要我的脸？我能拒绝吗？"): searched alone it finds whatever the
    asking words suggest. Pooled development sets (428 questions, full index), must_recall@5 0.612 → 0.622 (short
    English 0.670 → 0.682, short Chinese 0.625 → 0.649; long fact patterns unchanged)."""
    sentences = [x.strip() for x in _SENTENCE_END.split(text) if x.strip()]
    if len(sentences) < 3:
        return None
    asked = [x for x in sentences if x.endswith(("？", "?"))][-2:]
    focus = " ".join(asked)
    return focus if asked and len(focus) < len(text.strip()) - 1 else None


_CLAUSE_END = re.compile(r"(?<=[。？！?!；;\n])|(?<=\.)(?=\s)")
# A sentence asks when it ends in a question mark, carries a Chinese question word, or is an English sentence that
# opens like a question ("Can we …", "What …") or asks "whether": an English statement carries "are", "do", "can" too.
_ASKS = re.compile(r"[？?]|吗|是否|能否|可否|可以.{0,6}[吗么]|怎么|如何|哪些|什么|\bwhether\b|"
                   r"^\W*(?:can|could|may|might|must|is|are|was|were|does|do|did|should|would|will|shall|have|has|"
                   r"what|which|how|who|whom|whose|when|where|why)\b", re.IGNORECASE)
MAX_SUBQUERIES = 6


def subqueries(text: str) -> list[tuple[str, bool]]:
    """The sentences of a long fact pattern (three or more), each with whether it asks: (sentence, asks). At most
    MAX_SUBQUERIES, the asking ones kept first; a sentence of fewer than 8 characters is left out."""
    parts = [x.strip() for x in _CLAUSE_END.split(text) if len(x.strip()) >= 8]
    if len(parts) < 3:
        return []
    marked = [(x, bool(_ASKS.search(x))) for x in parts]
    asked = [m for m in marked if m[1]]
    told = [m for m in marked if not m[1]]
    keep = set(id(m) for m in (asked + told)[:MAX_SUBQUERIES])
    return [m for m in marked if id(m) in keep]


def _normalised(text: str) -> str:
    """The cache key of a question: NFKC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _coverage(tokens: Sequence[str], text: str) -> float:
    """Share of the query tokens that occur in ``text`` (lower-cased)."""
    if not tokens or not text:
        return 0.0
    return sum(1 for t in tokens if t.lower() in text) / len(tokens)


def _t(values: list[str] | None) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def _match_terms(qa: QueryAnalysis) -> list[tuple[str, str]]:
    """(term, lower-cased) of the query terms `_matched` looks for: own content words and expansions, 2+ characters."""
    return [(term, t) for term in [*qa.content_tokens, *qa.expansions] if len(t := term.lower()) >= 2]


def _matched(qa: QueryAnalysis, art: ArticleRecord, terms: list[tuple[str, str]] | None = None) -> list[str]:
    """Query terms (own content words and expansions) that occur in the article text. ``terms``: `_match_terms` of
    ``qa``, made once for all the hits of a search."""
    out = []
    zh = art.text_zh or ""
    en = (art.text_en or "").lower()
    for term, t in _match_terms(qa) if terms is None else terms:
        if (zh and t in zh) or (en and t in en):
            out.append(term)
    return list(dict.fromkeys(out))[:20]
