"""`kb ask "…"`: one gated answer from the current index, as text (citations listed) or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

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


def read_history(path: Path | None, prev: list[str] | None) -> list[dict[str, Any]] | None:
    """The conversation's earlier turns, oldest first, as /v1/ask takes them: the turns of ``--history FILE`` (a JSON
    list of {"role": "user"|"assistant", "content": "…"}; "-" reads standard input), then each ``--prev`` question as a
    user turn. None when neither is given. A file that cannot be read or is not such a list is a usage error."""
    turns: list[dict[str, Any]] = []
    if path is not None:
        try:
            text = typer.get_text_stream("stdin").read() if str(path) == "-" else path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="--history") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise typer.BadParameter(f"{path} is not JSON: {exc}", param_hint="--history") from None
        if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
            raise typer.BadParameter(f"{path} must hold a JSON list of {{\"role\", \"content\"}} objects", param_hint="--history")
        turns.extend(data)
    turns.extend({"role": "user", "content": q} for q in prev or [])
    return turns if (path is not None or prev) else None


@app.command("ask")
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Chinese or English.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the question is about (YYYY-MM-DD); default today.")] = None,
    k: Annotated[int | None, typer.Option("--k", help="Evidence articles to retrieve.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh|en, only for a question without letters: an answer follows its question's language.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full answer as JSON.")] = False,
    history: Annotated[Path | None, typer.Option(
        "--history", help='The conversation so far (JSON list of {"role": "user"|"assistant", "content": "…"}, oldest first; - for stdin): '
        "a follow-up question is read with it, as /v1/ask's history.")] = None,
    prev: Annotated[list[str] | None, typer.Option(
        "--prev", help="An earlier question of the conversation (repeat, oldest first; after --history's turns).")] = None,
) -> None:
    """Answer a question from the statutes, with verbatim, gated citations (or an honest refusal)."""
    from kb.answer.service import answer_question
    from kb.index import open_index

    settings = get_settings()
    day = parse_as_of(as_of)
    turns = read_history(history, prev)
    try:
        index = open_index(settings)
        result = answer_question(index, question, lang=lang, as_of=day, k=k, settings=settings, history=turns).to_dict()
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        _print_answer(result)
