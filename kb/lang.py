"""The language of a text and the Han pattern: one rule for the whole code base.

A question, a listing and a statute file are all told apart the same way: ``zh`` when Han characters make
a fair share of the letters (at least one Han character for every six Latin letters, Han counting double), else
``en``. So "What does 肖像权 mean?" is zh (the question's subject is a Chinese term), while an English
question that only names a Chinese law ("Does Article 1019 of the 民法典 protect …?") is en, for retrieval
and for the answer alike. Text without letters is ``en``; callers with a better default pass ``empty``.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["HAN", "HAN_CHARS", "HAN_RUN", "Lang", "detect_lang", "has_han", "is_han"]

Lang = Literal["zh", "en"]

HAN_CHARS = "\u3400-\u9fff"  # CJK Unified Ideographs and Extension A, as a character-class range
HAN = re.compile(f"[{HAN_CHARS}]")
HAN_RUN = re.compile(f"[{HAN_CHARS}]+")


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def has_han(text: str) -> bool:
    return bool(HAN.search(text))


def detect_lang(text: str, *, empty: Lang = "en") -> Lang:
    """'zh' when the text holds Han characters in a fair share (han * 2 >= latin // 3), else 'en';
    ``empty`` when it holds neither Han nor Latin letters."""
    han = sum(1 for ch in text if is_han(ch))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if not han and not latin:
        return empty
    return "zh" if han and han * 2 >= latin // 3 else "en"
