"""`kb admin`: build a new index generation from extra (uploaded) law files; list generations.

The API runs `kb admin ingest-files` as a child process for each upload: a crash or a kill -9 of the build
loses only the half-built generation, never the one being served (the CURRENT switch is the last step)."""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from kb.cli import app
from kb.settings import Settings, get_settings

admin_app = typer.Typer(no_args_is_help=True, help="Administration: ingest extra files, list generations.")
app.add_typer(admin_app, name="admin")


@contextlib.contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build at a time per data_dir, across API workers and CLI runs (released by the OS on any exit)."""
    lock_path = settings.data_dir / "uploads" / ".build.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_generation(settings: Settings) -> str | None:
    from kb.generations import current_generation as current

    return current(settings)


def previous_uploads(settings: Settings, *, exclude: set[Path]) -> list[tuple[Path, dict]]:
    """Files uploaded earlier (``data_dir/uploads/<id>.<ext>`` + ``<id>.json``), oldest first, so each build
    keeps them: a new generation = the served layer + every upload, a later upload of a version replacing it."""
    folder = settings.data_dir / "uploads"
    out: list[tuple[float, Path, dict]] = []
    for sidecar in folder.glob("*.json") if folder.is_dir() else []:
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            stored = folder / data["upload"]["stored_as"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if stored.is_file() and stored not in exclude and stored.resolve() not in {p.resolve() for p in exclude}:
            out.append((sidecar.stat().st_mtime, stored, dict(data.get("metadata") or {})))
    return [(p, m) for _, p, m in sorted(out, key=lambda x: x[0])]


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
    from ingest.pipeline import ingest_files

    settings = get_settings()
    data = json.loads(spec.read_text(encoding="utf-8"))
    files = [(Path(f["path"]), dict(f.get("metadata") or {})) for f in data["files"]]
    with build_lock(settings):
        files = previous_uploads(settings, exclude={p for p, _ in files}) + files
        before = current_generation(settings)
        layer = served_layer(settings)
        report = ingest_files(settings, files, layer=layer)
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
