"""`kb ask "…"`: one gated answer from the current index, as text (citations listed) or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.app import app
from cli.commands import parse_as_of
from kb.errors import KBError
from kb.settings import get_settings


def _print_answer(result: dict) -> None:
    typer.echo(result["answer"])
    if result["citations"]:
        typer.echo("\nCitations:" if result["lang"] == "en" else "\n引用：")
        for i, c in enumerate(result["citations"], 1):
            para = f" ¶{c['paragraph']}" if c.get("paragraph") else ""
            force = "" if c["in_force"] else f" [superseded; in force: {c['in_force_version']}]"
            typer.echo(f"[{i}] {c['title_zh']} {c.get('article_label') or c['article']}{para} ({c['version']}){force}")
            typer.echo(f"    “{c['quote']}”")
    for r in result.get("removed_citations", []):
        typer.echo(f"(removed by the citation gate: {r['law']} {r['article']}: {r['reason']})", err=True)
    typer.echo(f"\nevidence score {result['evidence_score']:.2f} · as of {result['as_of']} · {result['answerer']}", err=True)


@app.command("ask")
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Chinese or English.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the question is about (YYYY-MM-DD); default today.")] = None,
    k: Annotated[int | None, typer.Option("--k", help="Evidence articles to retrieve.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh|en, only for a question without letters: an answer follows its question's language.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full answer as JSON.")] = False,
) -> None:
    """Answer a question from the statutes, with verbatim, gated citations (or an honest refusal)."""
    from kb.answer.service import answer_question
    from kb.index import open_index

    settings = get_settings()
    day = parse_as_of(as_of)
    try:
        index = open_index(settings)
        result = answer_question(index, question, lang=lang, as_of=day, k=k, settings=settings).to_dict()
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        _print_answer(result)
