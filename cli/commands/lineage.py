"""`kb compare LAW [FROM] [TO]` (two versions of a law: counts per lineage edge kind, renumbering, changed /
new / deleted provisions; ``--sample N`` prints N aligned pairs side by side for checking by reading), `kb history
LAW N` (a provision across the versions) and `kb timeline` (what came into force in a date range)."""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import typer

from cli.app import app
from cli.commands import parse_as_of
from kb.errors import KBError


def _store() -> Any:
    from kb.generations import require_current
    from kb.settings import get_settings
    from kb.store import ArticleStore

    _gen, path = require_current(get_settings())
    return ArticleStore(path / "store.sqlite")


def _fail(exc: KBError) -> None:
    typer.echo(f"error ({exc.code}): {exc.message}", err=True)
    raise typer.Exit(2) from None


@app.command("compare")
def compare(
    law: Annotated[str, typer.Argument(help="Law id, title or short name.")],
    old: Annotated[str | None, typer.Argument(help="Older version (id or effective date); default the one before NEW.")] = None,
    new: Annotated[str | None, typer.Argument(help="Newer version (id or effective date); default the one in force.")] = None,
    sample: Annotated[int, typer.Option("--sample", help="Print N aligned pairs (random, --seed) with both texts.")] = 0,
    seed: Annotated[int, typer.Option("--seed")] = 14,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Compare two versions of a law by provision lineage."""
    from kb.provisions import compare_versions

    try:
        store = _store()
        cmp = compare_versions(store, law, old, new)
    except KBError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps({"law": cmp.law_id, "old": cmp.old.version_id, "new": cmp.new.version_id, "stored": cmp.stored,
                               "counts": cmp.counts, "changed_provisions": cmp.changed_provisions,
                               "renumbering": cmp.renumbering, "pairs": [asdict(x) for x in cmp.links]}, ensure_ascii=False, indent=2))
        return
    n_old, n_new = len(store.articles(cmp.old.version_id)), len(store.articles(cmp.new.version_id))
    typer.echo(f"{cmp.law_id}: {cmp.old.version_id} ({n_old} articles) → {cmp.new.version_id} ({n_new} articles)"
               f"{'' if cmp.stored else ' [aligned on request]'}")
    typer.echo(f"{'edge kind':12} {'count':>5}")
    for kind, count in cmp.counts.items():
        typer.echo(f"{kind:12} {count:>5}")
    typer.echo(f"{'total':12} {sum(cmp.counts.values()):>5}   changed provisions: {cmp.changed_provisions}; renumbered: {len(cmp.renumbering)}")
    if sample:
        pairs = [x for x in cmp.links if x.old_key and x.new_key]
        picked = sorted(random.Random(seed).sample(pairs, min(sample, len(pairs))), key=lambda x: (x.new_key or "").zfill(6))
        arts = store.articles_by_ids([a for x in picked for a in (x.old_article_id, x.new_article_id) if a])
        for i, x in enumerate(picked, 1):
            a, b = arts[x.old_article_id or ""], arts[x.new_article_id or ""]
            typer.echo(f"\n[{i}] {x.kind} {a.label_zh or a.key} → {b.label_zh or b.key}  score {x.score:.3f}"
                       f"{'' if x.primary else ' (part)'}")
            typer.echo(f"  old: {(a.text_zh or a.text_en or '').replace(chr(10), ' ')[:160]}")
            typer.echo(f"  new: {(b.text_zh or b.text_en or '').replace(chr(10), ' ')[:160]}")


@app.command("history")
def history(
    law: Annotated[str, typer.Argument(help="Law id, title or short name.")],
    number: Annotated[str, typer.Argument(help="7, 第七条, Article 7.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD: the article numbered so in the version in force that day.")] = None,
) -> None:
    """A provision across every version of its law (matched by lineage), with what references its earlier texts."""
    from kb.store import parse_key

    try:
        key = parse_key(number)
    except ValueError:
        raise typer.BadParameter(f"not an article number: {number}") from None
    try:
        store = _store()
        law_rec = store.resolve_law(law)
        art = store.article(law_rec.law_id, key, as_of=parse_as_of(as_of))
    except KBError as exc:
        _fail(exc)
        return
    if art is None:
        typer.echo(f"error: {law_rec.title_zh} has no article {key} in force then", err=True)
        raise typer.Exit(1)
    for aid, link in store.provision_chain(art.article_id):
        how = f"{link.kind} (score {link.score:.2f})" if link else "first"
        typer.echo(f"{aid:50} {how}")
    for e, earlier in store.cited_through_lineage(art.article_id):
        typer.echo(f"cited (earlier text {earlier}) by {e.src_article_id}: {e.text}")


@app.command("timeline")
def timeline(
    start: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    end: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    law: Annotated[list[str] | None, typer.Option("--law", help="Only these laws (repeatable).")] = None,
) -> None:
    """Versions that came into force between two dates, with their counts of changed provisions."""
    from kb.provisions import corpus_timeline

    try:
        store = _store()
        ids = [store.resolve_law(x).law_id for x in law] if law else None
        entries = corpus_timeline(store, date.fromisoformat(start), date.fromisoformat(end), ids)
    except KBError as exc:
        _fail(exc)
        return
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    for e in entries:
        changed = "first version" if e["previous"] is None else f"{e['changed']} provisions changed" if e["changed"] is not None else "?"
        typer.echo(f"{e['version'].effective_from}  {e['law'].title_zh}  ({changed})")
