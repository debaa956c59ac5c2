"""The day a question's facts happened, when its text says so ("2025年8月，我们在网店…", "In March 2025 the shop…").

Conduct is judged under the law in force when it happened (行政处罚法第三十七条: 实施行政处罚，适用违法行为发生时的
法律、法规、规章的规定; 刑法第十二条 for crimes, with the lighter new law prevailing). A question that dates its facts
and gives no ``as_of`` is therefore searched and answered as of that day. Only a date with at least a month counts (a
bare year is too vague to pick a version: "he died in 2023"); the latest such date not after today wins; a question
that asks about the law in force now (现行, 目前, current …) keeps today."""

from __future__ import annotations

import calendar
import re
from datetime import date

__all__ = ["conduct_date"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}
_ZH = re.compile(r"(20\d\d|19\d\d)\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")
_ISO = re.compile(r"\b(20\d\d|19\d\d)(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?|\.(\d{1,2})\.(\d{1,2}))\b")
_EN_MDY = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(20\d\d|19\d\d)\b",
                     re.IGNORECASE)
_EN_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(20\d\d|19\d\d)\b",
                     re.IGNORECASE)
_NOW = re.compile(r"现行|目前有效|现在有效|当前有效|now in force|currently in force|current (?:law|version|text|rules?)|in force today|today's law",
                  re.IGNORECASE)


def _day(y: int, m: int, d: int | None) -> date | None:
    if not 1 <= m <= 12:
        return None
    last = calendar.monthrange(y, m)[1]
    if d is None:
        d = last  # "August 2025": the month's last day (a law that took effect within the month applies by then)
    if not 1 <= d <= last:
        return None
    return date(y, m, d)


def conduct_date(text: str, today: date | None = None) -> date | None:
    """The latest date (with a month) written in ``text`` that is not after ``today``; None when there is none or the
    text asks about the law in force now."""
    if not text or _NOW.search(text):
        return None
    today = today or date.today()
    found: list[date | None] = []
    for m in _ZH.finditer(text):
        found.append(_day(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None))
    for m in _ISO.finditer(text):
        month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
        found.append(_day(int(m.group(1)), int(month), int(day) if day else None))
    for m in _EN_DMY.finditer(text):
        found.append(_day(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]  # not read again as "August 2025"
    for m in _EN_MDY.finditer(text):
        if m.group(1) == "may":
            continue  # the verb ("we may 2025…" is not a date); the month is written May
        found.append(_day(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)) if m.group(2) else None))
    past = [d for d in found if d is not None and d <= today]
    return max(past) if past else None
