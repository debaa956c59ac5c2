"""`kb serve`: run the API (and web UI) with uvicorn; the app is built by ``api.app:create_app``."""

from __future__ import annotations

from typing import Annotated

import typer

from kb.cli import app
from kb.settings import get_settings


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (each opens the index once).")] = 1,
) -> None:
    """Serve the HTTP API: /v1/ask, /v1/search, /v1/laws, /v1/graph, /v1/chat/completions, the UI at /."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level=settings.log_level.lower(), proxy_headers=True, timeout_keep_alive=15,
    )
