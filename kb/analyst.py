"""Search for analysts: hits about the query, with a score a person can read.

The retrieval pipeline (kb.retrieval) ranks for answering questions: it fuses many channels and will happily
return an article that shares none of the words searched (a dense neighbour, a penalty article brought up for
its rule). An analyst searching for terms wants the articles that contain them. This step runs after the
pipeline, on a deeper list of its hits, and leaves the pipeline itself untouched:

1. The query's **terms**: each glossary concept it names (any of the concept's legal Chinese or English terms
   covers it) and each remaining word of the query (kb.tokenize, precise mode; Chinese words of two or more
   characters, English stems) that the index holds at all (a word no article uses is no legal term). Words of a
   law named in the query (反不正当竞争法) and article labels are not terms: they choose the law, not the text.
   Each term weighs its rarity in the index (BM25's IDF), so "混淆" counts for more than "商业".
2. A hit's **coverage**: the weighted share of the terms found in the article's text (English words in its
   English text or our English headnote). A hit covering none, or less than ``min_coverage`` (half) of what the
   best hit covers, is dropped.
3. Its **relevance**, 0–100: its coverage relative to the best coverage × its pipeline score relative to the best
   score, rounded (100: as much of the query as any hit, and the top score; a question full of everyday words
   covered at 40 % by its best hit still gets a readable scale — the absolute coverage is given beside). Hits are
   ordered by relevance (ties keep the pipeline's order); below ``MIN_RELEVANCE`` (25) a hit is dropped: a
   term found in a text that the pipeline ranks far below the best is a passing mention. ``label`` is high
   (≥ 70), medium (≥ 40) or low.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kb.numerals import is_article_label
from kb.records import Hit
from kb.tokenize import tokenize_en, tokenize_zh, tokenize_zh_terms

__all__ = ["AnalystHit", "Coverage", "TermGroup", "analyst_rank", "coverage", "relevance_label", "term_groups"]

MIN_COVERAGE = 0.5  # a hit must cover at least this share of what the best hit covers
MIN_RELEVANCE = 25  # … and score at least this relevance (a quarter of the best hit)
DEPTH = 2  # the pipeline is asked for DEPTH × k hits, then filtered to k


@dataclass(frozen=True)
class TermGroup:
    """One term of the query: any of ``zh`` (substrings of the Chinese text) or ``en`` (stem sequences, all
    stems present in the English text) covers it."""

    label: str
    zh: tuple[str, ...] = ()
    en: tuple[tuple[str, ...], ...] = ()
    weight: float = 1.0
    concept: str | None = None


@dataclass(frozen=True)
class Coverage:
    share: float | None  # weighted share 0..1 of the terms that apply to the article; None when none applies
    matched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass
class AnalystHit:
    hit: Hit
    coverage: Coverage
    relevance: int  # 0..100
    label: str  # high | medium | low
    pipeline_rank: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class _Rarity:
    """IDF of words and phrases in one language's lexical index (a phrase is as rare as its rarest word)."""

    def __init__(self, index: Any, tokenize: Callable[[str], list[str]]) -> None:
        self.index, self.tokenize = index, tokenize
        self.n = len(index) if index is not None else 0

    def idf(self, phrase: str) -> float | None:
        return self.idf_of_tokens(self.tokenize(phrase))

    def idf_of_tokens(self, tokens: Sequence[str]) -> float | None:
        df = min((self.index.doc_freq(t) for t in tokens), default=0) if self.n else 0
        return _idf(self.n, df) if df > 0 else None


def term_groups(qa: Any, glossary: Any, lexical: Mapping[str, Any], law_names: Iterable[str] = ()) -> list[TermGroup]:
    """The terms of an analysed query (kb.query.QueryAnalysis) with their weights (see the module docstring)."""
    zh_rar = _Rarity(lexical.get("zh"), tokenize_zh)
    en_rar = _Rarity(lexical.get("en"), tokenize_en)
    names = sorted({n for n in law_names if n}, key=len, reverse=True)
    bare = qa.text
    for n in names:  # the text without the law names it mentions
        bare = bare.replace(n, " ")
    groups: list[TermGroup] = []
    covered_zh: set[str] = set()
    covered_en: set[str] = set()
    for cid in qa.concepts if glossary is not None else ():
        if cid in set(qa.out_of_corpus):
            continue
        try:
            c = glossary.concept(cid)
        except Exception:  # noqa: BLE001 - an id the glossary no longer holds is no term
            continue
        zh = tuple(t for t in c.zh if t)
        en = tuple(tuple(s) for s in (tokenize_en(t) for t in c.en) if s)
        said = [t for t in zh if t in bare]
        if not said and any(t in qa.text for t in zh):  # named only inside a law's name (不正当竞争 in 反不正当竞争法)
            continue
        weights = [w for w in (zh_rar.idf(t) for t in (said or zh)) if w is not None]
        if not weights:  # named in English only, or the Chinese terms are nowhere in the index
            weights = [w for w in (en_rar.idf_of_tokens(seq) for seq in en) if w is not None]
        if not weights:  # no article uses any of its terms: no article can cover it
            continue
        weight = max(weights) if said else sum(weights) / len(weights)
        label = max(said, key=len) if said else (zh[0] if zh else cid)
        same = next((i for i, g in enumerate(groups) if g.label == label), None)
        if same is not None:  # two concepts said with the same words are one term
            g = groups[same]
            groups[same] = TermGroup(label, tuple(dict.fromkeys(g.zh + zh)), tuple(dict.fromkeys(g.en + en)), max(g.weight, weight), g.concept)
        else:
            groups.append(TermGroup(label=label, zh=zh, en=en, weight=weight, concept=cid))
        covered_zh.update(t.lower() for t in zh)
        covered_en.update(s for seq in en for s in seq)
    if qa.lang == "zh" or qa.zh_text:
        for word in dict.fromkeys(tokenize_zh_terms(qa.zh_text or qa.text)):
            if len(word) < 2 or word in covered_zh or is_article_label(word) or any(word in n for n in names):
                continue
            w = zh_rar.idf(word)
            if w is not None:
                groups.append(TermGroup(label=word, zh=(word,), weight=w))
    if qa.lang == "en":
        for stem in dict.fromkeys(tokenize_en(qa.text)):
            if stem in covered_en or len(stem) < 2 or stem.isdigit():
                continue
            w = en_rar.idf(stem)
            if w is not None:
                groups.append(TermGroup(label=stem, en=((stem,),), weight=w))
    return groups


def coverage(groups: Sequence[TermGroup], text_zh: str | None, text_en: str | None) -> Coverage:
    """Which terms the article's texts hold. A term of one language applies only where that text exists."""
    zh = (text_zh or "").lower()
    en = set(tokenize_en(text_en)) if text_en else set()
    total = got = 0.0
    matched: list[str] = []
    missing: list[str] = []
    for g in groups:
        applies = (bool(g.zh) and bool(zh)) or (bool(g.en) and bool(en))
        if not applies:
            continue
        total += g.weight
        hit = any(t.lower() in zh for t in g.zh) or any(all(s in en for s in seq) for seq in g.en)
        if hit:
            got += g.weight
            matched.append(g.label)
        else:
            missing.append(g.label)
    return Coverage(got / total if total else None, tuple(matched), tuple(missing))


def relevance_label(relevance: int) -> str:
    return "high" if relevance >= 70 else "medium" if relevance >= 40 else "low"


def analyst_rank(
    hits: Sequence[Hit], groups: Sequence[TermGroup], *, k: int, min_coverage: float = MIN_COVERAGE,
    min_relevance: int = MIN_RELEVANCE, english: Callable[[Hit], str | None] | None = None,
) -> list[AnalystHit]:
    """The pipeline's hits filtered by coverage, scored 0–100 and re-ordered (see the module docstring);
    ``english`` gives the English text matched besides the article's own (our headnote)."""
    if not hits:
        return []
    covs = []
    for h in hits:
        en = " ".join(x for x in (h.article.text_en, english(h) if english else None) if x)
        covs.append(coverage(groups, h.article.text_zh, en or None))
    shares = [c.share for c in covs if c.share is not None]
    best_share = max(shares, default=0.0)
    floor = min_coverage * best_share
    kept = [(h, c) for h, c in zip(hits, covs, strict=True) if c.share is None or (c.share > 0 and c.share >= floor)]
    if not kept:
        return []
    best = max(h.score for h, _ in kept) or 1.0
    out = []
    for h, c in kept:
        share = 1.0 if c.share is None or not best_share else c.share / best_share
        rel = max(0, min(100, round(100 * share * max(h.score, 0.0) / best)))
        if rel < min_relevance:
            continue
        out.append(AnalystHit(hit=h, coverage=c, relevance=rel, label=relevance_label(rel), pipeline_rank=h.rank))
    out.sort(key=lambda a: (-a.relevance, a.pipeline_rank))
    return out[:k]


@dataclass
class AnalystSearch:
    result: Any  # kb.records.SearchResult of the pipeline (its hits: the deeper list searched)
    hits: list[AnalystHit]
    terms: list[TermGroup]


def search_for_analysts(
    index: Any, query: str, k: int, filters: Any, *, min_coverage: float = MIN_COVERAGE, min_relevance: int = MIN_RELEVANCE,
) -> AnalystSearch:
    """The pipeline's search for ``DEPTH × k`` hits (its defaults untouched), then ``analyst_rank``."""
    from kb.titles import normalize_title

    retriever = index.retriever
    result = retriever.search(query, k=k * DEPTH, filters=filters)
    qa = retriever.analyze(query)
    names: list[str] = []
    for law_id in qa.law_mentions:
        law = index.store.law(law_id)
        names += [law.title_zh, normalize_title(law.title_zh), *law.short_names]
    groups = term_groups(qa, retriever.glossary, index.lexical, names)
    notes = getattr(index, "notes", None)

    def english(h: Hit) -> str | None:
        return notes.headnote(h.article.article_id).get("en") if notes is not None else None

    return AnalystSearch(result, analyst_rank(result.hits, groups, k=k, min_coverage=min_coverage, min_relevance=min_relevance,
                                                english=english), groups)
