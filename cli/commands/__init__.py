"""The verbs of the `kb` command line, one module each; small helpers they share live here."""

from __future__ import annotations

from datetime import date

import typer


def parse_as_of(value: str | None) -> date | None:
    """``--as-of YYYY-MM-DD`` → date (None = today, decided downstream); a clear usage error otherwise."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("--as-of must be YYYY-MM-DD") from None
