"""`kb admin`: build a new index generation from extra (uploaded) law files; list generations.

The API runs `kb admin ingest-files` as a child process for each upload: a crash or a kill -9 of the build
loses only the half-built generation, never the one being served (the CURRENT switch is the last step)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.app import app
from kb.settings import Settings, get_settings

admin_app = typer.Typer(no_args_is_help=True, help="Administration: ingest extra files, list generations.")
app.add_typer(admin_app, name="admin")


def current_generation(settings: Settings) -> str | None:
    from kb.generations import current_generation as current

    return current(settings)


def served_layer(settings: Settings) -> str:
    """The layer the served generation was built from, so an upload adds to it instead of shrinking it."""
    from kb.errors import KBError
    from kb.generations import generation_dir, read_generation_manifest

    current = current_generation(settings)
    if current is None:
        return "raw"
    try:
        return str(read_generation_manifest(generation_dir(settings, current)).get("layer") or "raw")
    except KBError:
        return "raw"


@admin_app.command("ingest-files")
def ingest_files_cmd(
    spec: Annotated[Path, typer.Argument(help='JSON file: {"files": [{"path": ..., "metadata": {...}}]}')],
) -> None:
    """Build a new generation = the current one + the listed files, then switch CURRENT to it."""
    from ingest.uploads import build_lock, build_with_uploads

    settings = get_settings()
    data = json.loads(spec.read_text(encoding="utf-8"))
    files = [(Path(f["path"]), dict(f.get("metadata") or {})) for f in data["files"]]
    with build_lock(settings):
        before = current_generation(settings)
        layer = served_layer(settings)
        report, _ = build_with_uploads(settings, layer=layer, new=files)
        after = current_generation(settings)
    summary = {"previous_generation": before, "generation": after, "layer": layer, "status": report.status,
               "message": report.message, "counts": report.counts,
               "failures": [{k: f.get(k) for k in ("path", "reason")} for f in report.failures]}
    typer.echo(json.dumps(summary, ensure_ascii=False, default=str))


@admin_app.command("generations")
def generations_cmd() -> None:
    """List index generations (the served one marked with *)."""
    settings = get_settings()
    current = current_generation(settings)
    root = settings.generations_dir
    for entry in sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        typer.echo(("* " if entry == current else "  ") + entry)
