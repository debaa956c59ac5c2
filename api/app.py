"""FastAPI application factory. Routers per resource live in api/routes/; middleware in api/middleware.py."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from typing import Any  # noqa: E402

from fastapi import FastAPI  # noqa: E402

from kb.settings import Settings, get_settings  # noqa: E402


def create_app(settings: Settings | None = None, *, index: Any = None, answerer: Any = None) -> FastAPI:
    """Build the app. ``index`` pins an already-open index (tests, embedding); otherwise the CURRENT
    generation under settings.data_dir is opened on first use and reopened when it changes. ``answerer``
    overrides the answerer chosen from settings (deterministic, or LLM with deterministic fallback)."""
    settings = settings or get_settings()
    app = FastAPI(
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

    from api.routes import admin, ask, chat, graph, health, laws, listings, search, ui

    for module in (health, ask, search, laws, graph, chat, listings, admin, ui):
        app.include_router(module.router)
    return app
