"""The `kb` command line, the top layer: it drives ingest/, kb/ and api/, and nothing below imports it."""

from __future__ import annotations

from cli.app import app, main

__all__ = ["app", "main"]
