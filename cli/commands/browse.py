"""`kb stats` and `kb article LAW N`: look at what the current generation holds."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Annotated

import typer

from cli.app import app
from cli.commands import parse_as_of
from kb.errors import AmbiguousLaw, KBError


def _dir_size(path) -> int:  # noqa: ANN001 - Path
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


@app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Laws, versions, articles and chunks per layer, index size on disk, generation."""
    from kb.generations import vector_status
    from kb.index import open_index
    from kb.settings import get_settings

    settings = get_settings()
    try:
        index = open_index(settings)
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    s = index.store.stats()
    sizes = {
        "generation_bytes": _dir_size(index.path),
        "store_bytes": (index.path / "store.sqlite").stat().st_size,
        "lexical_bytes": _dir_size(index.path / "lexical"),
        "chroma_bytes": _dir_size(settings.chroma_path) if not settings.chroma_url else None,
    }
    per_law = index.store.articles_per_version()
    out = {"generation": index.generation, "created": index.manifest.get("created"), "layer": index.manifest.get("layer"),
           "embedding_model": index.manifest.get("embedding_model"), **s, "sizes": sizes, "vectors": index.vectors.count(),
           "articles_per_version": per_law, "dense": vector_status(settings, index.manifest),
           "notes": len(index.notes) if index.notes is not None else 0}
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"generation {out['generation']} (layer {out['layer']}, built {out['created']}, model {out['embedding_model']})")
    typer.echo(f"{'layer':10} {'laws':>6} {'versions':>9} {'articles':>9} {'chunks':>8}")
    for layer, c in sorted(s["layers"].items(), key=lambda kv: kv[0] != "raw"):
        typer.echo(f"{layer:10} {c['laws']:>6} {c['versions']:>9} {c['articles']:>9} {c['chunks']:>8}")
    t = s["total"]
    typer.echo(f"{'total':10} {t['laws']:>6} {t['versions']:>9} {t['articles']:>9} {t['chunks']:>8}")
    typer.echo(f"chunks by language: {s['chunks_by_lang']}; vectors: {out['vectors']}; edges: {s['edges']} ({s['edges_resolved']} resolved)")
    typer.echo(f"files: {s['files']}; notes (ours, not law): {out['notes']}")
    d = out["dense"]
    line = "complete" if d["complete"] else f"{d['missing']} chunks without vectors yet"
    if d.get("progress"):
        p = d["progress"]
        line += f"; background embedding {p['done']}/{p['total']} (updated {p['updated']})"
    typer.echo(f"dense vectors: {line}")
    mb = lambda n: f"{n / 1e6:.1f} MB" if n is not None else "n/a (server)"  # noqa: E731
    typer.echo(f"on disk: generation {mb(sizes['generation_bytes'])} (store {mb(sizes['store_bytes'])}, lexical "
               f"{mb(sizes['lexical_bytes'])}), chroma {mb(sizes['chroma_bytes'])}")


@app.command("article")
def article(
    law: Annotated[str, typer.Argument(help="Law id or slug, full title, short name or unambiguous part (民法典, 刑法, 深度合成, prc-zhuan-li-fa); title@date names that version.")],
    number: Annotated[str, typer.Argument(help="1019, 253之一, 第一千零一十九条, 253a.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD: the version in force that day (default today).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print one article: zh + en text, version, heading path, cross-references and cited-by."""
    from kb.index import open_index
    from kb.numerals import parse_key
    from kb.settings import get_settings

    day = parse_as_of(as_of)
    try:
        key = parse_key(number)
    except ValueError:
        raise typer.BadParameter(f"not an article number: {number}") from None
    try:
        store = open_index(get_settings()).store
        law_rec = store.resolve_law(law)
        art = store.article(law_rec.law_id, key, as_of=day, version_id=store.version_of_ref(law) if day is None else None)
    except AmbiguousLaw as exc:
        typer.echo(f"error: {exc.message}", err=True)
        for c in (exc.details or {}).get("candidates", []):
            typer.echo(f"  {c['law_id']}  {c['title_zh']}", err=True)
        raise typer.Exit(2) from None
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if art is None:
        versions = ", ".join(f"{v.version_id} ({v.effective_from}–{v.effective_to or ''})" for v in store.versions(law_rec.law_id))
        typer.echo(f"error: {law_rec.title_zh} has no article {key} in force on {day or date.today()} (versions: {versions})", err=True)
        raise typer.Exit(1)
    version = store.version(art.version_id)
    refs, cited = store.references(art.article_id), store.cited_by(art.article_id)
    if as_json:
        typer.echo(json.dumps({"law": asdict(law_rec), "version": asdict(version), "article": art.to_dict(),
                               "references": [asdict(e) for e in refs], "cited_by": [asdict(e) for e in cited]},
                              ensure_ascii=False, indent=2, default=str))
        return
    typer.echo(f"{law_rec.title_zh}  {art.label_zh or art.label_en}   [{art.article_id}]  slug: {law_rec.slug}")
    if law_rec.title_en:
        typer.echo(f"{law_rec.title_en}  {art.label_en or ''}")
    typer.echo(f"version: {version.label}; in force {version.effective_from or '?'} – {version.effective_to or 'now'} ({version.status})")
    if art.path:
        typer.echo("under: " + " / ".join(art.path))
    if art.text_zh:
        typer.echo("\n" + art.text_zh)
    if art.text_en:
        typer.echo("\n" + art.text_en)
    if refs:
        typer.echo("\nreferences:")
        for e in refs:
            typer.echo(f"  {e.text} → {e.dst_article_id or (e.dst_law_title + ' ' + (e.dst_key or '')) + ' (not in index)'}")
    if cited:
        typer.echo("\ncited by:")
        for e in cited:
            typer.echo(f"  {e.src_article_id}  ({e.text})")
