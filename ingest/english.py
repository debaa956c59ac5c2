"""English statute structure: "Article N" (253a = 253之一), Book/Part/Chapter/Section/Title headings.

Aligned with the Chinese by article key. Handles the defects of the lawtext English pages
(PARSING-NOTES.md): article numbers fused into chapter heading lines (``Chapter II Article 1002``)
with the chapter title displaced one paragraph up; headings whose title is displaced; cross-references
rendered as bullets (``- **Article 137** of this Code…``) that must neither start nor split an
article; paragraphs broken by a stray blank line. GDPR-style text: recitals before the first chapter
go to the preamble, the closing formula and footnotes after the last article are dropped with a note.
"""

from __future__ import annotations

import re

from ingest.loaders.base import LoadedText, join_wrapped
from ingest.model import LEVELS, Article, Heading, Level, ParsedDocument
from kb.numerals import english_label

ARTICLE_RE = re.compile(r"^Article\s+(\d+)([a-z]?)\b\.?\s*(.*)$", re.DOTALL)
HEADING_RE = re.compile(
    r"^(BOOK|Book|PART|Part|TITLE|Title|CHAPTER|Chapter|SECTION|Section)\s+"
    r"([IVXLCDM]+|\d+|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten)\b\.?\s*(.*)$"
)
_UNNUMBERED_HEADINGS = ("Supplementary Provisions", "General Provisions", "Final Provisions", "Special Provisions")
_CLOSING_RE = re.compile(r"^(This (Regulation|Directive|Decision|Law) shall be binding|Done at )")
_ENUM_ONLY_RE = re.compile(r"^\(?[0-9a-z]{1,4}[.)]$|^\([ivxlc]+\)$")
_ITEM_RE = re.compile(r"^(\d+)\.\s+(.*)$", re.DOTALL)
_TERMINAL = (".", ";", ":", "!", "?", "\u201d", '"', ")", "’", "'")


def _title_like(text: str) -> bool:
    """A displaced heading title: short, capitalised, no sentence punctuation at the end."""
    t = text.strip()
    return bool(t) and len(t) <= 160 and t[0].isupper() and not t.endswith(_TERMINAL) and not ARTICLE_RE.match(t)


def _continues(text: str) -> bool:
    """Text that cannot start a sentence (lower-case word, punctuation): continuation of the last one."""
    t = text.lstrip()
    return bool(t) and (t[0].islower() or t[0] in ",;:.)")


class _Builder:
    def __init__(self, loaded: LoadedText) -> None:
        self.loaded = loaded
        self.doc = ParsedDocument(language="en", title=None, articles=[], metadata=dict(loaded.metadata))
        names = {m.group(1).lower() for line in loaded.lines if (m := HEADING_RE.match(line))}
        # the NPC Civil Code has Books with Parts inside; the Criminal Law's top level is "Part"
        self.level_of: dict[str, Level] = {"book": "编", "part": "分编" if "book" in names else "编",
                                           "title": "编", "chapter": "章", "section": "节"}
        self.stack: list[Heading] = []
        self.current: Article | None = None
        self.preamble: list[str] = []
        self.closed = False
        self.untitled: Heading | None = None  # heading waiting for a title on the next line

    # --- headings -----------------------------------------------------------------------
    def _pop_displaced_title(self) -> str:
        """The NPC pages put a chapter title one paragraph before its heading line; take it back."""
        a = self.current
        if a is not None and len(a.paragraphs) > 1 and _title_like(a.paragraphs[-1]):
            return a.paragraphs.pop()
        return ""

    def push_heading(self, kind: str, number: str, title: str) -> None:
        level = self.level_of[kind.lower()]
        label = f"{kind} {number}"
        heading = Heading(level=level, label=label, title=title)
        depth = LEVELS.index(level)
        self.stack = [h for h in self.stack if LEVELS.index(h.level) < depth] + [heading]
        self.doc.headings.append(heading)
        self.untitled = heading if not title else None
        self.current = None

    def set_title(self, title: str) -> None:
        h = self.untitled
        assert h is not None
        titled = Heading(level=h.level, label=h.label, title=title)
        self.stack = [titled if x is h else x for x in self.stack]
        self.doc.headings = [titled if x is h else x for x in self.doc.headings]
        self.untitled = None

    # --- articles -----------------------------------------------------------------------
    def start_article(self, number: int, letter: str, body: str) -> None:
        suffix = ord(letter) - ord("a") + 1 if letter else 0
        self.current = Article(number=number, suffix=suffix, label=english_label(number, suffix),
                               paragraphs=[body] if body else [], path=tuple(self.stack))
        self.doc.articles.append(self.current)
        self.untitled = None

    def last_number(self) -> tuple[int, int]:
        if not self.doc.articles:
            return (0, 0)
        a = self.doc.articles[-1]
        return (a.number, a.suffix)

    def add_text(self, text: str, *, continuation: bool = False) -> None:
        target = self.current or (self.doc.articles[-1] if self.doc.articles and self.stack else None)
        if target is None:
            self.preamble.append(text)
            return
        paras = target.paragraphs
        open_end = bool(paras) and not paras[-1].endswith((".", ";", "!", "?"))
        if paras and ((continuation or _continues(text)) and open_end or _ENUM_ONLY_RE.match(paras[-1])):
            paras[-1] = join_wrapped(paras[-1], text)
        else:
            paras.append(text)

    # --- driver -------------------------------------------------------------------------
    def run(self) -> ParsedDocument:
        for line, kind in zip(self.loaded.lines, self.loaded.kinds, strict=True):
            self.feed(line.strip(), kind)
        doc = self.doc
        doc.title = self.loaded.metadata.get("title") or (self.preamble[0] if self.preamble else None)
        doc.preamble = "\n".join(self.preamble)
        if not doc.articles:
            self._items_as_articles()
        return doc

    def feed(self, line: str, kind: str) -> None:
        if not line:
            return
        if self.closed:
            return
        if self.doc.articles and _CLOSING_RE.match(line):
            self.closed = True
            self.doc.warnings.append("closing formula and notes after the last article dropped")
            return
        if m := ARTICLE_RE.match(line):
            number, letter, rest = int(m.group(1)), m.group(2), m.group(3).strip()
            key = (number, ord(letter) - ord("a") + 1 if letter else 0)
            standalone = kind in ("bullet", "heading") or not rest
            if standalone and not _continues(rest) and key > self.last_number():
                self.start_article(number, letter, rest)
                return
            # a cross-reference bullet ("Article 137 of this Code…"): text of the current article
            self.add_text(line, continuation=True)
            return
        if (m := HEADING_RE.match(line)) and (kind == "heading" or self.loaded.format != "md"):
            word, numeral, rest = m.group(1), m.group(2), m.group(3).strip()
            if _continues(rest):
                self.add_text(line, continuation=True)  # "Section 2 of Chapter 17 of this Book …" wrapped onto a heading
                return
            if am := ARTICLE_RE.match(rest):
                # "Chapter II Article 1002": chapter title displaced into the previous paragraph
                self.push_heading(word, numeral, self._pop_displaced_title())
                self.feed(f"Article {am.group(1)}{am.group(2)} {am.group(3)}".strip(), "bullet")
                return
            if HEADING_RE.match(rest):
                self.push_heading(word, numeral, self._pop_displaced_title())
                self.feed(rest, "heading")
                return
            title = rest or self._pop_displaced_title()
            self.push_heading(word, numeral, title)
            return
        if kind == "heading" and line in _UNNUMBERED_HEADINGS or (kind == "heading" and self.doc.articles and len(line) < 80):
            level: Level = self.stack[0].level if self.stack else "章"
            heading = Heading(level=level, label="", title=line)
            self.stack = [heading]
            self.doc.headings.append(heading)
            self.current = None
            return
        if self.untitled is not None and _title_like(line) and len(line) <= 120:
            self.set_title(line)
            return
        self.add_text(line)

    def _items_as_articles(self) -> None:
        items: list[Article] = []
        head: list[str] = []
        for line in self.preamble:
            m = _ITEM_RE.match(line)
            if m and int(m.group(1)) == len(items) + 1:
                items.append(Article(number=int(m.group(1)), suffix=0, label=f"{m.group(1)}.", paragraphs=[m.group(2)]))
            elif items:
                items[-1].paragraphs.append(line)
            else:
                head.append(line)
        if items:
            self.doc.articles = items
            self.doc.preamble = "\n".join(head)
            self.doc.warnings.append(f"no 'Article N' articles: {len(items)} numbered items parsed as articles")


def parse_english(loaded: LoadedText) -> ParsedDocument:
    return _Builder(loaded).run()
