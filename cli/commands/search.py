"""`kb search "…"`: ranked articles for a query (the same retriever the API uses)."""

from __future__ import annotations

import json
from dataclasses import asdict
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
    law: Annotated[list[str] | None, typer.Option("--law", help="Restrict to a law (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the current index (hybrid lexical + dense retrieval)."""
    from kb.index import open_index
    from kb.records import SearchFilters
    from kb.settings import get_settings

    settings = get_settings()
    day = parse_as_of(as_of)
    try:
        index = open_index(settings)
        result = index.search(query, min(k or settings.default_k, settings.max_k), SearchFilters(as_of=day, law=law or None))
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(f"{len(result.hits)} hit(s) for {result.query!r} ({result.lang}); evidence {result.evidence_score:.2f}")
    for h in result.hits:
        a = h.article
        text = (a.text_zh or a.text_en or "").replace("\n", " ")
        typer.echo(f"{h.rank:>2}. {h.score:.3f}  {h.title_zh} {a.label_zh or a.label_en}  [{a.version_id}]")
        typer.echo(f"    {text[:160]}{'…' if len(text) > 160 else ''}")
