"""Chinese statute structure from the labels: 编/分编/章/节 headings, 第X条(之N) articles, 款 paragraphs.

Rules (see corpus PARSING-NOTES.md):
- an article starts only at the start of a logical line, at a label followed by white space (U+3000,
  space) or the end of the line — never at an in-text cross-reference (依照本法第二百六十六条的规定);
- the 目录 (table of contents) repeats every heading and is skipped; the title block / 题注 before the
  first heading or article is the preamble;
- heading depth comes from the label (第四编, 第一分编, 第一章, 第一节), never from Markdown ``#``;
- 项 lines （一）… stay in their article, one paragraph line each;
- an amending instrument (刑法修正案) has no 第X条 articles: its items 一、二、… become the articles
  (number = item number, label ``一、``) and a warning says so.
"""

from __future__ import annotations

import re

from ingest.loaders.base import LoadedText
from ingest.model import LEVELS, Article, Heading, Level, ParsedDocument
from kb.numerals import CN_NUMERAL_CHARS, parse_chinese_number

_NUM = f"[{CN_NUMERAL_CHARS}0-9０-９]+"
_SEP = r"[^\S\n]"  # any white space: ASCII, U+3000, U+2002 (national/ files), NBSP
ARTICLE_RE = re.compile(rf"^第({_NUM})条(?:之({_NUM}))?(?:{_SEP}+(.*)|{_SEP}*$)", re.DOTALL)
HEADING_RE = re.compile(rf"^第({_NUM})(编|分编|章|节)(?:{_SEP}+(.*)|{_SEP}*$)")
ITEM_RE = re.compile(rf"^([{CN_NUMERAL_CHARS}]+)、(.*)$", re.DOTALL)
# judicial interpretations group their articles under "一、管辖" / "二、回避" headings
_ENUM_HEADING_RE = re.compile(rf"^([{CN_NUMERAL_CHARS}]+)、{_SEP}*(\S.{{0,30}})$")
_BOOK_TITLE_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}编$")
_WS_RE = re.compile(r"[\s\u3000\u00a0]+")
_TERMINAL = tuple("。；：！？")


def squash(text: str) -> str:
    """Text with every kind of white space removed (for comparisons across formats)."""
    return _WS_RE.sub("", text)


def _clean_title(title: str) -> str:
    """``总　　则`` → ``总则``: the flk files pad short titles with ideographic spaces."""
    parts = [p for p in _WS_RE.split(title.strip()) if p]
    if all(len(p) == 1 for p in parts) and parts:
        return "".join(parts)
    return " ".join(parts)


def _heading(line: str) -> Heading | None:
    m = HEADING_RE.match(line)
    if not m:
        if squash(line) == "附则":
            return Heading(level="编", label="", title="附则")  # level fixed up by the caller
        return None
    title = _clean_title(m.group(3) or "")
    if len(title) > 60 or title.endswith(_TERMINAL) or "，" in title:
        return None  # a sentence that happens to start with 第X章, not a heading
    level: Level = m.group(2)  # type: ignore[assignment]
    return Heading(level=level, label=f"第{m.group(1)}{m.group(2)}", title=title)


def _skip_toc(lines: list[str]) -> set[int]:
    """Indexes of the table of contents: from 目录 to just before the first heading that repeats."""
    for i, line in enumerate(lines[:400]):
        if squash(line) in ("目录", "目次"):
            first = next((j for j in range(i + 1, min(len(lines), i + 5)) if _heading(lines[j])), None)
            if first is None:
                return {i}
            first_heading = _heading(lines[first])
            assert first_heading is not None
            for j in range(first + 1, len(lines)):
                again = _heading(lines[j])
                if again is not None and again.label == first_heading.label and (again.label or again.title == first_heading.title):
                    return set(range(i, j))  # the body starts where the first TOC heading repeats
                if ARTICLE_RE.match(lines[j]):
                    break
            # no repeated heading: skip the heading run after 目录
            j = first
            while j < len(lines) and _heading(lines[j]):
                j += 1
            return set(range(i, j))
    return set()


def parse_chinese(loaded: LoadedText) -> ParsedDocument:
    lines = loaded.lines
    skip = _skip_toc(lines)
    doc = ParsedDocument(language="zh", title=None, articles=[], metadata=dict(loaded.metadata))
    has_articles = any(ARTICLE_RE.match(line) for line in lines)
    has_zhang = any((h := _heading(line)) and h.level == "章" and h.label for line in lines)
    has_bian = any((h := _heading(lines[i])) and h.level == "编" and h.label for i in range(len(lines)) if i not in skip)
    stack: list[Heading] = []
    preamble: list[str] = []
    current: Article | None = None
    seen: dict[str, int] = {}

    for i, line in enumerate(lines):
        if i in skip:
            continue
        if line.startswith(("“", "‘", "\"")) or loaded.kinds[i] == "table":
            m = None  # quoted wording (amendments) and table cells never open an article
        else:
            m = ARTICLE_RE.match(line)
        if m:
            try:
                number = parse_chinese_number(m.group(1))
                suffix = parse_chinese_number(m.group(2)) if m.group(2) else 0
            except ValueError:
                m = None
        if m:
            label = f"第{m.group(1)}条" + (f"之{m.group(2)}" if m.group(2) else "")
            body = (m.group(3) or "").strip().strip("\u3000").strip()
            current = Article(number=number, suffix=suffix, label=label, paragraphs=[body] if body else [], path=tuple(stack))
            if current.key in seen:
                doc.warnings.append(f"duplicate article {label} (line {i + 1}); kept both")
            seen[current.key] = len(doc.articles)
            doc.articles.append(current)
            continue
        heading = _heading(line) if loaded.kinds[i] != "table" else None
        if heading is None and loaded.kinds[i] == "heading" and _BOOK_TITLE_RE.match(squash(line)):
            heading = Heading(level="编", label="", title=squash(line))  # national/ Civil Code: "# 人格权编"
        if heading is None and has_articles and (em := _ENUM_HEADING_RE.match(line)) and not line.endswith(_TERMINAL):
            next_line = lines[i + 1] if i + 1 < len(lines) else ""
            if loaded.kinds[i] == "heading" or ARTICLE_RE.match(next_line):
                heading = Heading(level="节" if has_zhang else "章", label=f"{em.group(1)}、", title=_clean_title(em.group(2)))
        if heading is not None:
            if not heading.label and heading.title == "附则":
                heading = Heading(level="编" if has_bian else "章", label="", title=heading.title)
            depth = LEVELS.index(heading.level)
            stack = [h for h in stack if LEVELS.index(h.level) < depth] + [heading]
            doc.headings.append(heading)
            current = None
            continue
        if current is None and stack and not stack[-1].title and len(line) <= 30 and not line.endswith(_TERMINAL):
            # heading label on one line, its title on the next
            titled = Heading(level=stack[-1].level, label=stack[-1].label, title=_clean_title(line))
            stack[-1] = titled
            doc.headings[-1] = titled
            continue
        if current is not None:
            current.paragraphs.append(line)
        elif doc.articles:
            # text between a heading and the next article (rare): keep it with the previous article
            doc.articles[-1].paragraphs.append(line)
        else:
            preamble.append(line)

    doc.title = loaded.metadata.get("title") or guess_title(preamble)
    doc.preamble = "\n".join(preamble)
    if not doc.articles:
        _items_as_articles(doc, preamble)
    _check_sequence(doc)
    return doc


_DATE_RE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_TITLE_END_RE = re.compile(r"(法|法典|条例|规定|办法|解释|决定|细则|规则|意见|批复|通知|答复|安排|修正案(?:（[一二三四五六七八九十]+）)?)$")


def guess_title(preamble: list[str]) -> str | None:
    """The instrument's title from the title block: the last short line ending in 法/条例/规定/…,
    with the line(s) before it when the title is broken over several lines (Word title blocks)."""

    def candidate(line: str, loose: bool = False) -> bool:
        return (
            len(line) <= 80
            and not line.startswith(("（", "(", "〔"))
            and not line.endswith(_TERMINAL)
            and not _DATE_RE.match(line)
            and (loose or not re.search(r" \S", line.strip()))  # "公安部部长 王小洪": a signature
        )

    named = [i for i, line in enumerate(preamble) if candidate(line) and _TITLE_END_RE.search(squash(line))]
    if not named:
        first = next((line for line in preamble if candidate(line)), None)
        return squash(first) if first else None
    end = named[-1]
    start = end
    while start > 0 and candidate(preamble[start - 1], loose=True) and not _TITLE_END_RE.search(squash(preamble[start - 1])):
        start -= 1
        if end - start >= 3:
            break
    return "".join(squash(line) for line in preamble[start : end + 1])


def _items_as_articles(doc: ParsedDocument, lines: list[str]) -> None:
    """Amending instruments / decisions: consecutive items 一、二、… become the articles."""
    items: list[Article] = []
    head: list[str] = []
    expected = 1
    for line in lines:
        m = ITEM_RE.match(line)
        n = None
        if m:
            try:
                n = parse_chinese_number(m.group(1))
            except ValueError:
                n = None
        if n is not None and n == expected:
            items.append(Article(number=n, suffix=0, label=f"{m.group(1)}、", paragraphs=[m.group(2).strip()] if m else []))  # type: ignore[union-attr]
            expected += 1
        elif items:
            items[-1].paragraphs.append(line)
        else:
            head.append(line)
    if items:
        doc.articles = items
        doc.preamble = "\n".join(head)
        doc.warnings.append(f"no 第X条 articles: {len(items)} numbered items (一、二、…) parsed as articles")


def _check_sequence(doc: ParsedDocument) -> None:
    prev: tuple[int, int] | None = None
    for a in doc.articles:
        here = (a.number, a.suffix)
        if prev is not None and here <= prev:
            doc.warnings.append(f"article {a.label} out of order after {prev}")
        if not a.paragraphs:
            doc.warnings.append(f"article {a.label} has no text")
        prev = here
