"""`kb search "…"`: ranked articles for a query (the same retriever the API uses)."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import Annotated

import typer

from cli.app import app
from cli.commands import parse_as_of
from kb.errors import KBError


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="Words or a question, Chinese or English.")],
    k: Annotated[int | None, typer.Option("--k", help="Number of articles.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD: only versions in force that day.")] = None,
    law: Annotated[list[str] | None, typer.Option("--law", help="Restrict to a law: id, slug, title or short name (repeatable).")] = None,
    pipeline: Annotated[bool, typer.Option("--pipeline", help="The answer pipeline's fused order, unfiltered (default: the analyst order).")] = False,
    min_coverage: Annotated[float, typer.Option("--min-coverage", min=0.0, max=1.0, help="Analyst order: share of the best hit's coverage a hit needs.")] = 0.5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the current index: hits that contain the query's terms, with a 0-100 relevance (kb/analyst.py)."""
    from kb.analyst import search_for_analysts
    from kb.index import open_index
    from kb.records import SearchFilters
    from kb.settings import get_settings

    settings = get_settings()
    day = parse_as_of(as_of)
    kk = min(k or settings.default_k, settings.max_k)
    try:
        index = open_index(settings)
        filters = SearchFilters(as_of=day, law=law or None)
        if pipeline:
            result, ranked = index.search(query, kk, filters), None
        else:
            found = search_for_analysts(index, query, kk, filters, min_coverage=min_coverage)
            result, ranked = found.result, found.hits
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if ranked is not None:
        result = replace(result, hits=[a.hit for a in ranked])
    if as_json:
        out = asdict(result)
        for hit, ah in zip(out["hits"], ranked or [], strict=False):
            hit.update(relevance=ah.relevance, relevance_label=ah.label, pipeline_rank=ah.pipeline_rank,
                       coverage=None if ah.coverage.share is None else round(100 * ah.coverage.share),
                       matched_terms=list(ah.coverage.matched), missing_terms=list(ah.coverage.missing))
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(f"{len(result.hits)} hit(s) for {result.query!r} ({result.lang}); evidence {result.evidence_score:.2f}")
    for i, h in enumerate(result.hits):
        a = h.article
        text = (a.text_zh or a.text_en or "").replace("\n", " ")
        if ranked is not None:
            r = ranked[i]
            cov = "" if r.coverage.share is None else f" terms {round(100 * r.coverage.share)}%"
            head = f"{i + 1:>2}. relevance {r.relevance:>3} ({r.label}){cov}"
        else:
            head = f"{h.rank:>2}. {h.score:.3f}"
        until = f" until {a.effective_to}" if a.effective_to else ""
        typer.echo(f"{head}  {h.title_zh} {a.label_zh or a.label_en}  [{a.version_id}{until}]")
        typer.echo(f"    {text[:160]}{'…' if len(text) > 160 else ''}")
