"""Article numbers: Chinese numerals (with 零 and 之N suffixes) and the NPC English letter suffixes.

Statutes number articles in Chinese (第一千零一十九条, 第二百五十三条之一); the NPC English translation
writes the same article as "Article 1019" / "Article 253a". Everything in the code base identifies an
article by ``(number, suffix)``, so both spellings must map there and back losslessly, and by the canonical
key ``article_key(number, suffix)`` ("1019", "253之一"); ``parse_key`` turns what people write into that key.
This is shared vocabulary: ingest, kb, api and the CLI all import it from here.
"""

from __future__ import annotations

import re

__all__ = [
    "CN_NUMERAL_CHARS",
    "article_key",
    "article_label",
    "english_label",
    "is_article_label",
    "parse_article_label",
    "parse_chinese_number",
    "parse_english_label",
    "parse_key",
    "to_chinese",
]

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_MYRIAD = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS) + "".join(_MYRIAD)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_chinese_number(text: str) -> int:
    """``"一千零一十九"`` → 1019, ``"十"`` → 10, ``"二十"`` → 20; Arabic digits (also full-width) pass through.

    Raises ``ValueError`` for anything that is not a well-formed numeral.
    """
    s = text.strip().translate(_FULLWIDTH_DIGITS)
    if not s:
        raise ValueError("empty numeral")
    if s.isdigit():
        return int(s)
    total = 0  # completed myriad groups
    section = 0  # value below the current myriad
    digit: int | None = None
    for ch in s:
        if ch in _DIGITS:
            if digit is not None and digit != 0:
                # two digits in a row without a unit between them (一二, 一〇一) is not statute style
                raise ValueError(f"malformed Chinese numeral: {text!r}")
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            section += (1 if digit is None else digit) * unit if digit != 0 else unit
            digit = None
        elif ch in _MYRIAD:
            section += digit or 0
            total += (section or 1) * _MYRIAD[ch]
            section, digit = 0, None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + (digit or 0)


def to_chinese(number: int) -> str:
    """1019 → ``"一千零一十九"``, 10 → ``"十"``, 110 → ``"一百一十"`` (the statute spelling)."""
    if number < 0:
        raise ValueError("negative numbers have no article label")
    if number == 0:
        return "零"
    if number >= 100_000_000:
        raise ValueError("number too large")
    digits = "零一二三四五六七八九"

    def below_10k(n: int) -> str:
        out: list[str] = []
        zero_pending = False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = n // unit_value % 10
            if d == 0:
                if out:
                    zero_pending = True
                continue
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(digits[d] + unit)
        return "".join(out)

    high, low = divmod(number, 10_000)
    if high:
        text = below_10k(high) + "万"
        if low:
            text += ("零" if low < 1000 else "") + below_10k(low)
    else:
        text = below_10k(low)
    if text.startswith("一十"):
        text = text[1:]
    return text


_LABEL_RE = re.compile(
    rf"^\s*第\s*([{CN_NUMERAL_CHARS}0-9０-９]+)\s*条(?:\s*之\s*([{CN_NUMERAL_CHARS}0-9]+))?\s*$"
)


def is_article_label(text: str) -> bool:
    """Whether ``text`` is a Chinese article label (第…条, 第…条之…), in any form ``parse_article_label`` reads."""
    return _LABEL_RE.match(text) is not None


def parse_article_label(label: str) -> tuple[int, int]:
    """``"第二百五十三条之一"`` → (253, 1); ``"第10条"`` → (10, 0). Raises ``ValueError`` otherwise."""
    m = _LABEL_RE.match(label)
    if not m:
        raise ValueError(f"not an article label: {label!r}")
    return parse_chinese_number(m.group(1)), parse_chinese_number(m.group(2)) if m.group(2) else 0


def article_label(number: int, suffix: int = 0) -> str:
    """(253, 1) → ``"第二百五十三条之一"``."""
    return f"第{to_chinese(number)}条" + (f"之{to_chinese(suffix)}" if suffix else "")


def english_label(number: int, suffix: int = 0) -> str:
    """(253, 1) → ``"Article 253a"`` (NPC style: 之一 = a, 之二 = b, …)."""
    if suffix and not 1 <= suffix <= 26:
        raise ValueError("suffix out of range for a letter")
    return f"Article {number}" + (chr(ord("a") + suffix - 1) if suffix else "")


_EN_RE = re.compile(r"^\s*(?:Article|Art\.)?\s*(\d+)\s*([a-zA-Z]?)\s*$", re.IGNORECASE)


def parse_english_label(label: str) -> tuple[int, int]:
    """``"253a"`` or ``"Article 253a"`` → (253, 1); ``"1019"`` → (1019, 0)."""
    m = _EN_RE.match(label)
    if not m:
        raise ValueError(f"not an English article label: {label!r}")
    letter = m.group(2).lower()
    return int(m.group(1)), (ord(letter) - ord("a") + 1) if letter else 0


def article_key(number: int, suffix: int = 0) -> str:
    """Canonical article number used everywhere in the code base: ``"1019"``, ``"253之一"``."""
    return f"{number}之{to_chinese(suffix)}" if suffix else str(number)


def parse_key(text: str) -> str:
    """An article as users write it → canonical key: "1019", "253之一", "第一千零一十九条", "第253条之一",
    "Article 253a", "253a", "Art. 9" all work. Raises ValueError when nothing article-like is found."""
    t = re.sub(r"\s+", "", text.strip())
    m = re.fullmatch(r"(?i)(?:article|art\.?)?(\d+)([a-z])?", t)
    if m:
        return article_key(int(m.group(1)), (ord(m.group(2).lower()) - 96) if m.group(2) else 0)
    m = re.fullmatch(r"第?(\d+)条?(?:之([一二三四五六七八九十\d]+))?", t)
    if m:
        suffix = m.group(2)
        s = 0 if not suffix else int(suffix) if suffix.isdigit() else parse_chinese_number(suffix)
        return article_key(int(m.group(1)), s)
    try:
        number, suffix_n = parse_article_label(t if t.startswith("第") else f"第{t}" if "条" in t else f"第{t}条")
    except (ValueError, KeyError) as exc:
        raise ValueError(f"not an article number: {text!r}") from exc
    return article_key(number, suffix_n)
