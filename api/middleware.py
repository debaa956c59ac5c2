"""Request id, structured logs, limits, auth, rate limits, CORS, metrics (filled in by the hardening work)."""

from __future__ import annotations

from fastapi import FastAPI

from kb.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    return None
