"""FastAPI application factory. Routers per resource live in api/routes/; middleware in api/middleware.py."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import threading  # noqa: E402
from collections.abc import AsyncIterator  # noqa: E402
from contextlib import asynccontextmanager  # noqa: E402
from typing import Any  # noqa: E402

from fastapi import FastAPI  # noqa: E402

from kb.settings import Settings, get_settings  # noqa: E402


@asynccontextmanager
async def _warm_at_start(app: FastAPI) -> AsyncIterator[None]:
    """A worker opens its index and loads the models when it starts (in a thread, so /healthz answers at once),
    not in its first request. Nothing built yet, or a broken index: the requests report it, as before."""

    def warm() -> None:
        try:
            app.state.index_holder.get().warm()
        except Exception:  # noqa: BLE001 — the first request reports the same error through the envelope
            pass

    if app.state.settings.warm_start:
        threading.Thread(target=warm, name="kb-warm", daemon=True).start()
    yield


def create_app(settings: Settings | None = None, *, index: Any = None, answerer: Any = None) -> FastAPI:
    """Build the app. ``index`` pins an already-open index (tests, embedding); otherwise the CURRENT
    generation under settings.data_dir is opened on first use and reopened when it changes. ``answerer``
    overrides the answerer chosen from settings (deterministic, or LLM with deterministic fallback)."""
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=_warm_at_start,
        title="Likeness KB",
        version="0.1.0",
        description="Bilingual statute knowledge base: cited answers, search, laws/articles/versions, citation graph, listing check.",
    )
    app.state.settings = settings

    from api.deps import IndexHolder

    app.state.index_holder = IndexHolder(settings, index=index)
    app.state.answerer = answerer

    from api import errors, middleware

    errors.install(app)
    middleware.install(app, settings)

    from api.routes import admin, ask, chat, graph, health, laws, lineage, listings, search, ui

    for module in (health, ask, search, laws, lineage, graph, chat, listings, admin, ui):
        app.include_router(module.router)
    return app
