"""`kb serve`: run the API (and web UI) with uvicorn; the app is built by ``api.app:create_app``. When the served
generation was built with deferred vectors (`kb ingest --defer-vectors`, as `make run` does on a fresh machine),
a background `kb ingest` of the same layer fills the missing vectors and publishes the complete generation with
the usual atomic switch; the workers pick it up, and /readyz, `kb stats` and the UI show the progress meanwhile."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from typing import Annotated, Any

import typer

from cli.app import app
from kb.settings import Settings, get_settings

log = logging.getLogger(__name__)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: no orphan if the server dies
    except OSError:
        pass


def start_vector_fill(settings: Settings) -> subprocess.Popen[Any] | None:
    """Start the background fill when the current generation lacks vectors; None when nothing is missing."""
    from kb.errors import KBError
    from kb.generations import current_generation, generation_dir, read_generation_manifest

    gen = current_generation(settings)
    if gen is None:
        return None
    try:
        manifest = read_generation_manifest(generation_dir(settings, gen))
    except KBError:
        return None
    if manifest.get("vectors_complete", True):
        return None
    cmd = [sys.executable, "-c", "from cli.app import main; main()", "ingest", "--layer", str(manifest.get("layer", "all")),
           "--data-dir", str(settings.data_dir), "--quiet"]
    log.info("generation %s lacks %s vectors: filling them in the background", gen, manifest.get("counts", {}).get("vectors_missing"))
    return subprocess.Popen(cmd, preexec_fn=_die_with_parent, stdout=subprocess.DEVNULL)  # noqa: S603


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (each opens the index once); default KB_WORKERS (one per core, at most 2).")] = None,
    fill: Annotated[bool, typer.Option("--fill-vectors/--no-fill-vectors",
                                       help="Fill a deferred build's missing vectors in the background (default).")] = True,
) -> None:
    """Serve the HTTP API: /v1/ask, /v1/search, /v1/laws, /v1/graph, /v1/chat/completions, the UI at /."""
    import uvicorn

    settings = get_settings()
    filler = start_vector_fill(settings) if fill else None
    workers = workers or settings.workers
    worker_env = settings.worker_env(workers)
    saved = {k: os.environ.get(k) for k in worker_env}
    os.environ.update(worker_env)  # the workers inherit it (for as long as they run, not after)
    try:
        uvicorn.run(
            "api.app:create_app", factory=True, host=host, port=port, workers=workers,
            log_level=settings.log_level.lower(), proxy_headers=True, timeout_keep_alive=15,
        )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if filler is not None and filler.poll() is None:
            filler.terminate()
