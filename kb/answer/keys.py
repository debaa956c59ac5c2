"""Article references as people and LLMs write them → the canonical article key ("1019", "253之一")."""

from __future__ import annotations

from kb.numerals import parse_key


def normalize_key(ref: str) -> str | None:
    """"第一千零一十九条" / "Article 1019" / "1019" / "253a" / "第253条之一" → canonical key, or None."""
    try:
        return parse_key(ref)
    except ValueError:
        return None
