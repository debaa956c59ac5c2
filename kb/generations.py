"""Index generations: each ingest writes a complete new ``data_dir/generations/<id>/`` (article store,
lexical indexes, ``manifest.json`` with counts and checksums, plus a Chroma collection ``kb_<id>``) and
only then switches ``data_dir/CURRENT`` to it (temp file + ``os.replace``, atomic on POSIX). A reader
therefore sees either the old or the new generation, never half of one; an ingest killed midway leaves
the old one serving. A lock file keeps two ingests from running at once. The previous generation is kept
(rollback, and readers that still hold it open); older ones are garbage-collected."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb.checksums import sha256_file
from kb.errors import IndexCorrupt, IndexUnavailable, KBError
from kb.settings import Settings

__all__ = [
    "IngestBusy", "new_generation_id", "current_generation", "generation_dir", "switch_current",
    "read_generation_manifest", "write_generation_manifest", "ingest_lock", "collect_garbage", "file_checksums",
]

CURRENT_FILE = "CURRENT"
LOCK_FILE = "ingest.lock"
MANIFEST_FILE = "manifest.json"


class IngestBusy(KBError):
    """Another ingest holds the lock."""

    status = 409
    code = "ingest_running"


def new_generation_id() -> str:
    """Sortable by time, unique across machines: ``20261126T140501-3fa2c1``."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


def generation_dir(settings: Settings, generation: str) -> Path:
    return settings.generations_dir / generation


def current_generation(settings: Settings) -> str | None:
    """The generation ``CURRENT`` names, or None before the first ingest."""
    try:
        value = (settings.data_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return value or None


def require_current(settings: Settings) -> tuple[str, Path]:
    gen = current_generation(settings)
    if gen is None:
        raise IndexUnavailable("No index generation is built yet (run `kb ingest`).")
    path = generation_dir(settings, gen)
    if not (path / MANIFEST_FILE).is_file():
        raise IndexCorrupt(f"CURRENT names generation {gen}, but {path} is incomplete or missing")
    return gen, path


def switch_current(settings: Settings, generation: str) -> None:
    """Point CURRENT at ``generation`` atomically (write a temp file, fsync, rename over)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tmp = settings.data_dir / f".{CURRENT_FILE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(generation + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, settings.data_dir / CURRENT_FILE)
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(settings.data_dir, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def read_generation_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"generation manifest {path / MANIFEST_FILE} is missing or unreadable: {exc}") from exc


def write_generation_manifest(path: Path, data: dict[str, Any]) -> None:
    tmp = path / f".{MANIFEST_FILE}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path / MANIFEST_FILE)


def file_checksums(path: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of every file of a generation directory (except its manifest)."""
    out: dict[str, dict[str, Any]] = {}
    for f in sorted(path.rglob("*")):
        if f.is_file() and f.name != MANIFEST_FILE and not f.name.startswith("."):
            out[f.relative_to(path).as_posix()] = {"size": f.stat().st_size, "sha256": sha256_file(f)}
    return out


def verify_sizes(path: Path, manifest: dict[str, Any]) -> None:
    """Cheap open-time check: every file the manifest lists exists with its recorded size."""
    for rel, info in manifest.get("files", {}).items():
        f = path / rel
        if not f.is_file() or f.stat().st_size != info["size"]:
            raise IndexCorrupt(f"generation {path.name}: {rel} is missing or has the wrong size")


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """Exclusive, non-blocking: a second ingest fails at once with ``IngestBusy``. The OS releases the
    lock if the process dies, so a killed ingest never blocks the next one."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestBusy(f"another ingest is running on {settings.data_dir}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def collect_garbage(settings: Settings, keep: set[str], drop_collection: Any = None) -> list[str]:
    """Delete generation directories (and, through ``drop_collection(gen)``, their vector collections)
    not in ``keep``. Call only while holding the ingest lock."""
    removed: list[str] = []
    gdir = settings.generations_dir
    if not gdir.is_dir():
        return removed
    for d in sorted(gdir.iterdir()):
        if not d.is_dir() or d.name in keep:
            continue
        shutil.rmtree(d, ignore_errors=True)
        if drop_collection is not None:
            with contextlib.suppress(Exception):
                drop_collection(d.name)
        removed.append(d.name)
    return removed


def _progress_path(settings: Settings) -> Path:
    return settings.data_dir / "vectors-progress.json"


def write_vector_progress(settings: Settings, done: int, total: int, state: str = "embedding") -> None:
    """Progress of the embedding run (read by /readyz, `kb stats` and the UI banner)."""
    path = _progress_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"state": state, "done": done, "total": total, "pid": os.getpid(),
                               "updated": datetime.now(UTC).isoformat(timespec="seconds")}))
    os.replace(tmp, path)


def vector_status(settings: Settings, manifest: dict[str, Any] | None) -> dict[str, Any]:
    """Whether a generation has every vector, and the background embedding run's progress if one runs: a fresh
    `make run` serves with the curated layer's vectors first and switches when the bulk layer's are in."""
    counts = (manifest or {}).get("counts", {})
    out: dict[str, Any] = {"complete": bool((manifest or {}).get("vectors_complete", True)),
                           "vectors": counts.get("vectors"), "missing": counts.get("vectors_missing", 0)}
    progress = read_vector_progress(settings)
    if progress and not out["complete"]:
        out["progress"] = {k: progress.get(k) for k in ("state", "done", "total", "updated")}
    return out


def read_vector_progress(settings: Settings) -> dict[str, Any] | None:
    try:
        data = json.loads(_progress_path(settings).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
