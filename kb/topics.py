"""The topic ids the project files laws and glossary concepts under (manifest entries, glossary concepts)."""

from __future__ import annotations

__all__ = ["TOPICS"]

TOPICS = frozenset(
    {
        "portrait", "name", "reputation", "privacy", "personal-information", "advertising", "e-commerce", "platform",
        "consumer", "unfair-competition", "product-quality", "criminal", "public-security", "deep-synthesis",
        "face-recognition", "penalty", "damages", "general",
    }
)  # fmt: skip
