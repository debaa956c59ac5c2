"""Router: search — ranked distinct articles with filters (jurisdiction, law, instrument, topic, layer, as_of)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from api.convert import headnote_out, to_filters
from api.deps import IndexDep, SettingsDep
from api.schemas import SearchHitOut, SearchRequest, SearchResponse, error_responses
from kb.answer.service import search, validate

router = APIRouter(prefix="/v1", tags=["search"])
ERRORS = error_responses(400, 413, 422, 503)


@router.post("/search", response_model=SearchResponse, responses=ERRORS, summary="Ranked articles for a query")
def search_articles(req: SearchRequest, index: IndexDep, settings: SettingsDep) -> SearchResponse:
    k = validate(req.query, req.k, settings)
    filters = to_filters(req.filters)
    filters.as_of = filters.as_of or date.today()
    result = search(index, req.query.strip(), k, filters)
    status = {vid: _status(index.store, vid) for vid in {h.article.version_id for h in result.hits}}
    hits = [
        SearchHitOut(
            rank=h.rank, score=h.score, law=h.article.law_id, title_zh=h.title_zh or h.article.law_id, title_en=h.title_en,
            article=h.article.key, article_id=h.article.article_id, label_zh=h.article.label_zh, label_en=h.article.label_en,
            version=h.article.version_id, effective_from=h.article.effective_from, effective_to=h.article.effective_to,
            status=status[h.article.version_id],
            superseded_by=_successor(index.store, h.article.article_id) if status[h.article.version_id] != "in-force" else None,
            path=list(h.article.path),
            text_zh=h.article.text_zh, text_en=h.article.text_en, matched=list(h.matched),
            lexical_score=h.lexical_score, dense_score=h.dense_score, penalty_for=h.penalty_for,
            headnote=headnote_out(index, h.article.article_id),
        )
        for h in result.hits
    ]
    return SearchResponse(
        query=result.query, lang=result.lang, evidence_score=result.evidence_score, expansions=list(result.expansions),
        as_of=result.as_of or filters.as_of, hits=hits, degraded=list(result.degraded),
    )


def _status(store: Any, version_id: str) -> str:
    """The version's status today (a search as of a past day finds texts in force then, superseded since)."""
    v = store.version(version_id)
    if v.effective_to is not None and v.effective_to < date.today() and v.status == "in-force":
        return "superseded"
    return v.status


def _successor(store: Any, article_id: str) -> str | None:
    now = store.current_provision(article_id)
    return now if now != article_id else None
