"""What the listing tests share: the categories the listing check finds in a listing."""

from __future__ import annotations

from kb.listings import detect


def cats(title: str, description: str = "") -> set[str]:
    """The categories of the findings ``detect`` raises on a listing (no store: detection only)."""
    return {h.category for h in detect(title, description)}
