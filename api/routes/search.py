"""Router: search — ranked distinct articles with filters (jurisdiction, law, instrument, topic, layer, as_of).

By default the analyst order (kb/analyst.py): hits that contain the query's terms, with a 0–100 relevance;
``rank: "pipeline"`` gives the answer pipeline's own fused order. Every hit says whether its text is in force and,
when superseded, until when and by which provision (through lineage)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from api.convert import headnote_out, to_filters
from api.deps import IndexDep, SettingsDep
from api.schemas import SearchHitOut, SearchRequest, SearchResponse, error_responses
from kb.analyst import AnalystHit, search_for_analysts
from kb.answer.service import search, validate
from kb.records import Hit

router = APIRouter(prefix="/v1", tags=["search"])
ERRORS = error_responses(400, 413, 422, 503)


@router.post("/search", response_model=SearchResponse, responses=ERRORS, summary="Ranked articles for a query")
def search_articles(req: SearchRequest, index: IndexDep, settings: SettingsDep) -> SearchResponse:
    k = validate(req.query, req.k, settings)
    filters = to_filters(req.filters)
    filters.as_of = filters.as_of or date.today()
    query = req.query.strip()
    if req.rank == "analyst":
        found = search_for_analysts(index, query, k, filters, min_coverage=req.min_coverage)
        result, ranked = found.result, found.hits
        terms = [{"term": g.label, "weight": round(g.weight, 2), **({"concept": g.concept} if g.concept else {})} for g in found.terms]
        shown = {a.hit.article.article_id for a in ranked}
        dropped = sum(1 for h in result.hits[:k] if h.article.article_id not in shown)
    else:
        result, ranked, terms, dropped = search(index, query, k, filters), None, [], 0
    pairs: list[tuple[Hit, AnalystHit | None]] = [(a.hit, a) for a in ranked] if ranked is not None else [(h, None) for h in result.hits]
    hits = [_hit_out(index, rank, h, a) for rank, (h, a) in enumerate(pairs, 1)]
    return SearchResponse(
        query=result.query, lang=result.lang, evidence_score=result.evidence_score, expansions=list(result.expansions),
        as_of=result.as_of or filters.as_of, hits=hits, rank=req.rank, terms=terms, dropped=dropped,
        degraded=list(result.degraded),
    )


def _hit_out(index: Any, rank: int, h: Hit, a: AnalystHit | None) -> SearchHitOut:
    store = index.store
    art = h.article
    version = store.version(art.version_id)
    status = _status(version)
    successor = _successor(store, art.article_id) if status != "in-force" else None
    successor_label = _label(store, successor) if successor else None
    law = store.law(art.law_id)
    cov = a.coverage if a is not None else None
    return SearchHitOut(
        rank=rank, score=h.score, law=art.law_id, law_slug=law.slug or art.law_id, title_zh=h.title_zh or art.law_id,
        title_en=h.title_en, article=art.key, article_id=art.article_id, label_zh=art.label_zh, label_en=art.label_en,
        version=art.version_id, effective_from=art.effective_from, effective_to=art.effective_to, status=status,
        superseded_by=successor, superseded_by_label=successor_label,
        status_note=_status_note(status, art.effective_from, art.effective_to, successor_label),
        path=list(art.path), text_zh=art.text_zh, text_en=art.text_en, matched=list(h.matched),
        lexical_score=h.lexical_score, dense_score=h.dense_score, penalty_for=h.penalty_for,
        headnote=headnote_out(index, art.article_id),
        relevance=a.relevance if a is not None else None, relevance_label=a.label if a is not None else None,
        coverage=round(100 * cov.share) if cov is not None and cov.share is not None else None,
        matched_terms=list(cov.matched) if cov is not None else [], missing_terms=list(cov.missing) if cov is not None else [],
        pipeline_rank=h.rank,
    )


def _status(v: Any) -> str:
    """The version's status today (a search as of a past day finds texts in force then, superseded since)."""
    if v.effective_to is not None and v.effective_to < date.today() and v.status == "in-force":
        return "superseded"
    return v.status


def _successor(store: Any, article_id: str) -> str | None:
    now = store.current_provision(article_id)
    return now if now != article_id else None


def _label(store: Any, article_id: str) -> str:
    """第七条 (2025-10-15): the article as cited, with the effective date of its version."""
    rec = store.article_by_id(article_id)
    if rec is None:
        return article_id
    return f"{rec.label_zh or rec.key} ({rec.effective_from.isoformat() if rec.effective_from else rec.version_id})"


def _status_note(status: str, start: date | None, end: date | None, successor: str | None) -> str:
    since = start.isoformat() if start else "?"
    if status == "in-force" and end is None:
        return f"in force since {since}"
    span = f"in force {since} – {end.isoformat() if end else '?'}"
    if status == "in-force":
        return span
    return f"{span}; {status}" + (f" by {successor}" if successor and status == "superseded" else "")
