"""Article references as people and LLMs write them → the canonical article key ("1019", "253之一")."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^(?:art(?:icle)?\.?\s*)?(\d+)\s*([a-z])?$", re.IGNORECASE)
_ZH_DIGITS = re.compile(r"^第?\s*(\d+)\s*条?(?:之([一二三四五六七八九十]+))?$")
_ZH_LABEL = re.compile(r"^第?([零〇一二三四五六七八九十百千两]+)条?(?:之([一二三四五六七八九十]+))?")
_SUFFIX = "一二三四五六七八九十"


def _zh_number(text: str) -> int:
    try:
        from ingest.numerals import parse_chinese_number

        return int(parse_chinese_number(text))
    except ImportError:  # pragma: no cover - numerals lands with the ingest work
        pass
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    units = {"十": 10, "百": 100, "千": 1000}
    total, cur = 0, 0
    for ch in text:
        if ch in digits:
            cur = digits[ch]
        elif ch in units:
            total += (cur or 1) * units[ch]
            cur = 0
    return total + cur


def normalize_key(ref: str) -> str | None:
    """"第一千零一十九条" / "Article 1019" / "1019" / "253a" / "第253条之一" → canonical key, or None."""
    try:
        from kb.store import parse_key

        return parse_key(ref)
    except ImportError:  # pragma: no cover - the store lands with the index work
        pass
    except ValueError:
        return None
    ref = ref.strip().replace(" ", "")
    m = _DIGITS.match(ref)
    if m:
        n, letter = int(m.group(1)), m.group(2)
        return f"{n}之{_SUFFIX[ord(letter.lower()) - ord('a')]}" if letter else str(n)
    m = _ZH_DIGITS.match(ref)
    if m:
        return f"{int(m.group(1))}之{m.group(2)}" if m.group(2) else str(int(m.group(1)))
    m = _ZH_LABEL.match(ref)
    if m:
        n = _zh_number(m.group(1))
        if n <= 0:
            return None
        return f"{n}之{m.group(2)}" if m.group(2) else str(n)
    return None
