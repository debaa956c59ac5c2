"""`kb ingest`: build a new index generation from the corpus (raw/, national/ or both) and switch to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from kb.errors import KBError


@app.command("ingest")
def ingest(
    layer: Annotated[str, typer.Option("--layer", help="raw | national | all")] = "raw",
    strict: Annotated[bool, typer.Option("--strict", help="Any failed file fails the ingest (nothing is published).")] = False,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Index location (default: KB_DATA_DIR).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
    uploads: Annotated[bool, typer.Option("--uploads/--no-uploads",
                                          help="Keep the law files uploaded through the admin API (default) or build "
                                               "the corpus alone; the uploaded files stay on disk either way.")] = True,
    defer_vectors: Annotated[bool, typer.Option("--defer-vectors",
                                                help="Embed only the curated layer now and publish; the bulk layer's vectors "
                                                     "are filled later (`kb vectors fill`, or in the background by `kb serve`).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Build and publish a new generation even when nothing changed "
                                                         "(after a code change; what is unchanged is still reused).")] = False,
) -> None:
    """Parse, chunk, index and embed the statute files (plus any uploaded ones); a second run over unchanged
    files changes nothing (unless --force)."""
    from ingest.pipeline import IngestFailed
    from ingest.uploads import build_lock, build_with_uploads
    from kb.settings import get_settings

    if layer not in {"raw", "national", "all"}:
        raise typer.BadParameter("--layer must be raw, national or all")
    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    progress = None if (quiet or as_json) else (lambda msg: typer.echo(f"  {msg}", err=True))
    try:
        with build_lock(settings):
            report, n_uploads = build_with_uploads(settings, layer=layer, keep_uploads=uploads, strict=strict,
                                                   progress=progress, defer_vectors=defer_vectors, force=force)
    except IngestFailed as exc:
        _print(exc.report, as_json, quiet)
        raise typer.Exit(1) from None
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if n_uploads and not as_json:
        typer.echo(f"kept {n_uploads} uploaded file(s) (--no-uploads builds the corpus alone)", err=True)
    _print(report, as_json, quiet)


def _print(report, as_json: bool, quiet: bool) -> None:  # noqa: ANN001 - IngestReport
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    if not quiet and report.status != "unchanged":
        for f in report.files:
            if f["status"] == "failed":
                typer.echo(f"FAILED  {f['path']}: {f['reason']}: {f['error']}")
        skipped = [f for f in report.files if f["status"] == "skipped"]
        if skipped:
            typer.echo(f"skipped {len(skipped)} file(s) (duplicates of raw/ versions or of each other)")
        c = report.counts
        typer.echo(f"laws {c.get('laws')}, versions {c.get('versions')}, articles {c.get('articles')}, "
                   f"chunks {c.get('chunks')}, edges {c.get('edges')}, vectors {c.get('vectors')}")
        if report.reused:
            r = report.reused
            typer.echo(f"reused: {r['parsed_files']} parsed files, {r['tokens']} token lists, {r['vectors']} vectors; embedded {r['embedded']}")
        if report.timings:
            typer.echo("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in report.timings.items()))
    typer.echo(report.message)
