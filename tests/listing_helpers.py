"""What the listing tests share: the categories the listing check finds in a listing, and the articles it cites."""

from __future__ import annotations

from typing import Any

from kb.listings import detect


def cats(title: str, description: str = "") -> set[str]:
    """The categories of the findings ``detect`` raises on a listing (no store: detection only)."""
    return {h.category for h in detect(title, description)}


def cited(checker: Any, title: str, description: str = "") -> set[tuple[str, str]]:
    """(law title, article label) of every citation of every finding ``checker`` (a ListingChecker) gives a listing."""
    return {(c["title_zh"], c["article"]) for f in checker.check(title, description)["findings"] for c in f["citations"]}
