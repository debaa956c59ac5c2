"""Uploaded law files kept under ``data_dir/uploads`` and the builds that carry them.

The API stores each upload as ``<id>.<ext>`` with a ``<id>.json`` sidecar (its law/version metadata). Every
build keeps them: an admin upload builds the served layer + all uploads, and a plain ``kb ingest`` rebuilds
its layer + all uploads too, so re-ingesting the corpus never silently drops an uploaded law. A later upload
of the same version replaces an earlier one (oldest first, last wins)."""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.settings import Settings

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

UploadedFile = tuple[Path, dict[str, Any]]


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


@contextlib.contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One upload-aware build at a time per data_dir, across API workers and CLI runs (released by the OS on any
    exit), so no build reads the upload folder while another is adding to it."""
    lock_path = uploads_dir(settings) / ".build.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stored_uploads(settings: Settings, *, exclude: Sequence[Path] = ()) -> list[UploadedFile]:
    """Files uploaded earlier, oldest first, each with its metadata. Unreadable or incomplete sidecars and missing
    files are passed over: an upload whose write was interrupted never became part of a generation."""
    folder = uploads_dir(settings)
    skip = {p.resolve() for p in exclude}
    out: list[tuple[float, Path, dict[str, Any]]] = []
    for sidecar in folder.glob("*.json") if folder.is_dir() else []:
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            stored = folder / data["upload"]["stored_as"]
            metadata = dict(data.get("metadata") or {})
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if metadata.get("law_id") and metadata.get("title_zh") and stored.is_file() and stored.resolve() not in skip:
            out.append((sidecar.stat().st_mtime, stored, metadata))
    return [(p, m) for _, p, m in sorted(out, key=lambda x: x[0])]


def build_with_uploads(
    settings: Settings,
    *,
    layer: str,
    new: Sequence[UploadedFile] = (),
    keep_uploads: bool = True,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    defer_vectors: bool = False,
    force: bool = False,
) -> tuple[IngestReport, int]:
    """Build ``layer`` + the stored uploads (unless ``keep_uploads`` is false) + ``new`` files; returns the
    ingest report and how many uploaded files went into the build. Call it holding ``build_lock``."""
    from ingest.pipeline import ingest_files

    kept = stored_uploads(settings, exclude=[p for p, _ in new]) if keep_uploads else []
    files = kept + list(new)
    report = ingest_files(settings, files, layer=layer, strict=strict, progress=progress, defer_vectors=defer_vectors, force=force)
    return report, len(files)
