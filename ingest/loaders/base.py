"""What every loader returns, plus the text helpers the loaders share (decoding, radicals, joining wraps)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ingest.errors import EmptyFile, UndecodableText

LineKind = Literal["text", "heading", "bullet", "quote", "title", "table"]


@dataclass
class LoadedText:
    """A file reduced to logical lines (paragraphs), page furniture and markup removed.

    ``kinds`` runs parallel to ``lines`` and tells what the source marked the line as (a Markdown
    heading, a list item, …). Parsers decide structure from the text; the kind only breaks ties
    (e.g. a real English ``- **Article 5**`` bullet versus a wrapped line that starts "Article 5 of").
    """

    lines: list[str]
    metadata: dict[str, str] = field(default_factory=dict)
    format: str = "txt"
    kinds: list[LineKind] = field(default_factory=list)
    path: str | None = None

    def __post_init__(self) -> None:
        if not self.kinds:
            self.kinds = ["text"] * len(self.lines)
        if len(self.kinds) != len(self.lines):
            raise ValueError("kinds must run parallel to lines")

    def add(self, line: str, kind: LineKind = "text") -> None:
        self.lines.append(line)
        self.kinds.append(kind)


def read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if not data.strip():
        raise EmptyFile(f"{path.name}: file is empty", path=str(path))
    return data


def _looks_like_text(text: str) -> bool:
    """Sanity check for a lenient decode: mostly printable, few control characters / private-use chars."""
    if not text:
        return False
    bad = 0
    for ch in text[:200_000]:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in "\n\r\t\f") or cat in ("Co", "Cn", "Cs"):
            bad += 1
    return bad <= max(2, len(text[:200_000]) // 1000)


def decode_text(data: bytes, *, path: str | None = None) -> str:
    """UTF-8 (with or without BOM), then GB18030 if the result reads as text; else ``UndecodableText``."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
            if _looks_like_text(text):
                return text.replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise UndecodableText(f"{Path(path).name if path else 'input'}: not UTF-8 or GB18030 text", path=path)


# Radicals (Kangxi U+2F00–U+2FD5 and the CJK Radicals Supplement U+2E80–U+2EF3) that PDF fonts emit in
# place of the unified ideograph. NFKC knows the Kangxi block; the supplement needs a table. Only this
# block is mapped: NFKC over the whole text would turn full-width punctuation （，；：） into ASCII.
_SUPPLEMENT = {
    "⺁": "厂", "⺇": "几", "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尢", "⺐": "尢", "⺑": "尢",
    "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺖": "忄", "⺗": "心", "⺘": "扌", "⺙": "攵", "⺛": "旡",
    "⺜": "日", "⺝": "月", "⺞": "歺", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "氵", "⺣": "灬",
    "⺤": "爫", "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "目",
    "⺬": "示", "⺭": "礻", "⺮": "竹", "⺯": "糸", "⺰": "纟", "⺱": "网", "⺲": "罒", "⺳": "网",
    "⺴": "罒", "⺵": "网", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "耂", "⺺": "聿", "⺻": "聿",
    "⺼": "肉", "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎", "⻂": "衤", "⻃": "西",
    "⻄": "西", "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车",
    "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "镸", "⻓": "长",
    "⻔": "门", "⻕": "阝", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风",
    "⻜": "飞", "⻝": "食", "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "首", "⻢": "马", "⻣": "骨",
    "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐",
    "⻬": "齐", "⻭": "齿", "⻮": "齿", "⻯": "龙", "⻰": "龙", "⻱": "龟", "⻲": "龟", "⻳": "龟",
}
_RADICAL_RE = re.compile("[\u2e80-\u2fdf]")


def map_radicals(text: str) -> str:
    """Replace radical code points (U+2E80–U+2FDF) by the unified ideograph; nothing else is touched."""

    def one(m: re.Match[str]) -> str:
        ch = m.group(0)
        if ch in _SUPPLEMENT:
            return _SUPPLEMENT[ch]
        mapped = unicodedata.normalize("NFKC", ch)
        return mapped if mapped != ch else ch

    return _RADICAL_RE.sub(one, text)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FFFF


def join_wrapped(a: str, b: str) -> str:
    """Join a hard-wrapped line to the next: no space between CJK text, one space between Latin words."""
    a, b = a.rstrip(), b.lstrip()
    if not a:
        return b
    if not b:
        return a
    if is_cjk(a[-1]) or is_cjk(b[0]) or a.endswith("-"):
        return a + b
    return f"{a} {b}"
