"""`kb check`: the seller self-check of one listing (--title/--description) or a file of them (--file)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from kb.errors import KBError
from kb.settings import get_settings

_RISK_MARK = {"none": "✓", "low": "·", "medium": "!", "high": "!!"}


def _print_report(res: dict, head: str = "") -> None:
    zh = res["lang"] == "zh"
    typer.echo(f"{head}{'总体风险' if zh else 'overall risk'}: {res['overall_risk']} {_RISK_MARK[res['overall_risk']]}  (as of {res['as_of']})")
    first: dict[str, int] = {}  # category -> the finding that already printed its explanation and articles
    for i, f in enumerate(res["findings"], 1):
        where = ", ".join(f"{s['field']}[{s['start']}:{s['end']}] “{s['text']}”" for s in f.get("spans") or [f["span"]])
        typer.echo(f"  [{i}] {f['severity'].upper()} {f['category_name']} — {where}")
        if f["category"] in first:
            typer.echo(f"      ({'同' if zh else 'see'} [{first[f['category']]}])")
            continue
        first[f["category"]] = i
        typer.echo(f"      {f['explanation']}")
        if f.get("note"):
            typer.echo(f"      {f['note']}")
        for c in f["citations"]:
            pen = " (罚则)" if zh and c["penalty"] else " (penalty)" if c["penalty"] else ""
            typer.echo(f"      · {c['title_zh']} {c['article']}{pen} [{c['version']}]: “{c['quote']}”")
        typer.echo(f"      → {f['suggestion']}")
    rw = res.get("rewritten")
    if rw and rw.get("changed"):
        typer.echo(f"  {'改写后的商品信息（可复制）' if zh else 'Rewritten listing (copy it)'}:")
        typer.echo(f"    {'标题' if zh else 'title'}: {rw['title']}")
        typer.echo(f"    {'描述' if zh else 'description'}: {rw['description']}")


@app.command("check")
def check(
    title: Annotated[str, typer.Option("--title", help="Listing title.")] = "",
    description: Annotated[str, typer.Option("--description", help="Listing description.")] = "",
    file: Annotated[Path | None, typer.Option("--file", help="A .csv or .jsonl file of listings (title, description[, id, as_of]).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Cite the law in force on this date (YYYY-MM-DD); default today.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Explanations in zh|en; default the listing's language.")] = None,
) -> None:
    """Check product listings for risky claims: findings, articles in force (with penalties), safer wording.

    Exit status: 0 = no high-risk listing, 1 = at least one high-risk listing, 2 = error."""
    from kb.listings import ListingChecker
    from kb.listings.batch import check_rows, parse_listings, summary
    from kb.listings.open import open_store

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter("--as-of must be YYYY-MM-DD") from None
    if lang not in (None, "zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    if file is None and not title.strip() and not description.strip():
        raise typer.BadParameter("give --title/--description or --file")
    try:
        checker = ListingChecker(open_store(get_settings()))
        if file is not None:
            try:
                data = file.read_bytes()
            except OSError as exc:
                raise typer.BadParameter(f"cannot read {file}: {exc.strerror}") from None
            results = check_rows(checker, parse_listings(data, None, file.name), as_of=day, lang=lang)
            if as_json:
                for r in results:
                    sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
            else:
                for r in results:
                    label = f"line {r['line']}" + (f" ({r['id']})" if r.get("id") else "")
                    if "error" in r:
                        typer.echo(f"{label}: error: {r['error']}")
                    else:
                        _print_report(r, f"{label}: ")
                s = summary(results)
                typer.echo(f"\n{s['listings']} listings, {s['errors']} errors, risk {s['overall_risk']}", err=True)
            if any(r.get("overall_risk") == "high" for r in results):
                raise typer.Exit(1)
            return
        res = checker.check(title, description, lang=lang, as_of=day)
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False, indent=2))
    else:
        _print_report(res)
    if res["overall_risk"] == "high":
        raise typer.Exit(1)
