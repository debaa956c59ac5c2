"""Undoes the evasions sellers use to slip a claim past a word filter, keeping a map back to the original text.

The rules are written for plain words (最佳, 人脸识别, face ID, No.1); sellers write 最 佳, 人 脸 识 别, 刷lian认证,
顶jí, 第①, ｎｏ．１, n0.1, Any1. ``normalise`` rewrites a field so that the rules see the plain words, and
records for every character of the result the offset of the original character it came from, so findings
still point at (and the rewrite still replaces) the seller's own words.

What is undone (tables in kb/data/listing_rules.toml ``[evasion]``, data a reviewer edits):
- zero-width characters (b\u200best) dropped; traditional characters of ``[evasion] traditional`` → simplified
  (人臉識別 → 人脸识别);
- full-width letters and digits and the ideographic space (ＦＤＡ, ｎｏ１) → ASCII; mathematical and circled letters
  (𝐁𝐄𝐒𝐓, Ⓑⓔⓢⓣ) → plain letters;
- circled numbers (①) → a Chinese numeral after 第, else a digit;
- single Chinese characters spaced out or dotted apart (最 佳, 人·脸·识·别) → joined; single Latin letters
  spaced apart (b e s t, F D A) → joined (three letters at least: "a b" is not a word);
- a pinyin syllable written inside Chinese (刷lian认证, 全网zui低价, 顶jí) → the character of ``[evasion] pinyin``;
- look-alike or sound-alike characters of ``[evasion] homophones`` (活休检测 → 活体检测);
- digits standing for letters inside an English word (n0.1 → no.1, b3st → best, D1Caprio → DiCaprio, any1 → anyone)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kb.lang import HAN_CHARS as _HAN

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_ZH_DIGITS = "一二三四五六七八九十"
_SEP = r"[ \t\u3000·•・*_~|\-.]"
# single Han characters each standing alone between separators: 最 佳, 人 脸 识 别, 国·家·级
_SPACED_HAN = re.compile(rf"(?<![{_HAN}])[{_HAN}](?:{_SEP}+[{_HAN}](?![{_HAN}]))+")
# single Latin letters spaced apart: b e s t, F.D.A (three at least)
_SPACED_LATIN = re.compile(r"(?<![A-Za-z])[A-Za-z](?:[ .][A-Za-z](?![A-Za-z])){2,}")
# a Latin run (tone marks allowed) touching a Chinese character on at least one side
_LATIN_IN_ZH = re.compile(rf"(?<=[{_HAN}])[a-zA-Z\u00c0-\u024f]+|[a-zA-Z\u00c0-\u024f]+(?=[{_HAN}])")
# digits for letters inside a word: n0.1, g00d, b3st; "any1 / some1 / every1 / no1" for …one
_LEET_O = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z]|\.\s?\d)")
_LEET_E = re.compile(r"(?<=[a-z])3(?=[a-z])")
# 1 for i inside a name or word: D1Caprio, Br1tney, sh1ne (a letter before, a lower-case letter or a capitalised
# syllable after: model codes such as B1A or H1N1 stay)
_LEET_I = re.compile(r"(?<=[A-Za-z])1(?=[a-z]|[A-Z][a-z])")
_LEET_ONE = re.compile(r"\b(any|some|every|no)1\b", re.IGNORECASE)
# "0ne" / "NUMBER 0NE": a zero for the o of one
_LEET_ZERO_ONE = re.compile(r"\b0(?=ne\b)", re.IGNORECASE)
# a zero opening a word ("0fficial", "0riginal"): three lower-case letters after it at least
_LEET_ZERO_START = re.compile(r"(?<![\w.,])0(?=[a-z]{3,}\b)")


@dataclass(frozen=True)
class Normalised:
    """``text`` and, per character of it, the span of the original it stands for (``origin``)."""

    original: str
    text: str
    origin: tuple[tuple[int, int], ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]``: from the first character's origin to the end of the last's."""
        if not self.text or start >= len(self.text):
            return len(self.original), len(self.original)
        if end <= start:
            o = self.origin[start][0]
            return o, o
        return self.origin[start][0], self.origin[min(end, len(self.text)) - 1][1]


def _strip_tones(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).lower()


_Char = tuple[str, tuple[int, int]]


def _sub(chars: list[_Char], pattern: re.Pattern[str], repl) -> list[_Char]:  # noqa: ANN001
    """Apply ``repl(match) -> str | None`` to the joined text. A replacement as long as the match keeps each
    character's origin; any other stands, every character of it, for the whole original span of the match."""
    text = "".join(c for c, _ in chars)
    out: list[_Char] = []
    pos = 0
    for m in pattern.finditer(text):
        new = repl(m)
        if new is None or new == m.group(0):
            continue
        out.extend(chars[pos:m.start()])
        origins = [o for _, o in chars[m.start():m.end()]]
        whole = (origins[0][0], origins[-1][1])
        out.extend((ch, origins[i] if len(new) == len(origins) else whole) for i, ch in enumerate(new))
        pos = m.end()
    out.extend(chars[pos:])
    return out


def _join(chars: list[_Char], pattern: re.Pattern[str], sep: str) -> list[_Char]:
    """Drop the ``sep`` characters inside every match of ``pattern``; the characters kept keep their origins."""
    text = "".join(c for c, _ in chars)
    drop: set[int] = set()
    for m in pattern.finditer(text):
        drop.update(i for i in range(m.start(), m.end()) if re.fullmatch(sep, text[i]))
    return [c for i, c in enumerate(chars) if i not in drop]


@lru_cache(maxsize=4)
def _alternation(words: frozenset[str]) -> re.Pattern[str]:
    """One pattern for the words, longest first (built once per table, not once per field)."""
    return re.compile("|".join(re.escape(k) for k in sorted(words, key=len, reverse=True)))


_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def normalise(text: str, pinyin: dict[str, str] | None = None, homophones: dict[str, str] | None = None,
              traditional: dict[str, str] | None = None) -> Normalised:
    chars: list[_Char] = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch in _ZERO_WIDTH:
            continue
        if traditional and ch in traditional:
            ch = traditional[ch]
        elif ch == "\u3000":
            ch = " "
        elif 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A or ch in "．＃":
            ch = chr(code - 0xFEE0)
        elif 0x1D400 <= code <= 0x1D7FF or 0x24B6 <= code <= 0x24E9:
            # mathematical bold / italic / script letters and circled letters (𝐁𝐄𝐒𝐓, Ⓑⓔⓢⓣ) → the plain letter
            folded = unicodedata.normalize("NFKC", ch)
            ch = folded if len(folded) == 1 else ch
        elif ch in _CIRCLED:
            n = _CIRCLED.index(ch)
            ch = _ZH_DIGITS[n] if i > 0 and text[i - 1] == "第" else str(n + 1) if n < 9 else "10"
        chars.extend((c, (i, i + 1)) for c in ch)

    chars = _join(chars, _SPACED_HAN, _SEP)
    chars = _join(chars, _SPACED_LATIN, r"[ .]")
    if pinyin:
        chars = _sub(chars, _LATIN_IN_ZH, lambda m: pinyin.get(_strip_tones(m.group(0))))
    if homophones:
        chars = _sub(chars, _alternation(frozenset(homophones)), lambda m: homophones[m.group(0)])
    chars = _sub(chars, _LEET_O, lambda m: "o")
    chars = _sub(chars, _LEET_E, lambda m: "e")
    chars = _sub(chars, _LEET_I, lambda m: "i")
    chars = _sub(chars, _LEET_ONE, lambda m: m.group(1) + "one")
    chars = _sub(chars, _LEET_ZERO_ONE, lambda m: "o" if m.string[m.end()].islower() else "O")
    chars = _sub(chars, _LEET_ZERO_START, lambda m: "o")
    return Normalised(text, "".join(c for c, _ in chars), tuple(o for _, o in chars))
