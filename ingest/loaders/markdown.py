"""Markdown statute files: lawtext (YAML front matter, list-item articles), LawRefBook/national
(``# title`` + ``<!-- INFO END -->``) and the lawtext English pages (front matter + <style> + link lines).

Markup is removed here, structure is not decided here: a heading line keeps its text (``第一章　总则``)
and is tagged ``heading``; the parsers read the Chinese / English labels, never the ``#`` depth.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

from ingest.loaders.base import LineKind, LoadedText, decode_text, join_wrapped, read_bytes

_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET_RE = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_QUOTE_RE = re.compile(r"^\s*>\s?(.*)$")
_LINK_ONLY_RE = re.compile(r"^\s*(?:[-*+]\s+)?\[[^\]]*\]\([^)]*\)\s*$")
_RULE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BLOCK_TAGS = ("style", "script", "details")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    raw = text[4:end]
    metadata: dict[str, str] = {}
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, list):
                metadata[str(key)] = ", ".join(str(v) for v in value)
            elif value is not None:
                metadata[str(key)] = str(value)
    return metadata, text[end + 5 :]


def _strip_blocks(text: str) -> str:
    """Drop HTML comments (keeping the LawRefBook INFO END marker as a line), <style>/<details> blocks."""
    for tag in _BLOCK_TAGS:
        text = re.sub(rf"<{tag}\b.*?</{tag}>", "\n", text, flags=re.DOTALL | re.IGNORECASE)
    text = text.replace("<!-- INFO END -->", "\n\x00INFO_END\n")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return text


def _clean_inline(s: str) -> str:
    s = re.sub(r"\[\^[^\]]*\]", "", s)  # footnote references [^footnote-0]
    s = _EMPHASIS_RE.sub(r"\2", s).replace("**", "")
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)  # links → their text
    s = re.sub(r"<br\s*/?>", " ", s, flags=re.IGNORECASE)
    s = re.sub(r"</?[a-zA-Z][^>]*>", "", s)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>|])", r"\1", s)  # Markdown escapes
    s = html.unescape(s) if "&" in s else s
    return s.strip().strip("\u3000").strip()


def parse_markdown(text: str, *, path: str | None = None) -> LoadedText:
    """Turn Markdown source into logical lines. Consecutive plain lines form one paragraph (hard wraps)."""
    metadata, body = _front_matter(text)
    body = _strip_blocks(body)
    out = LoadedText(lines=[], metadata=metadata, format="md", path=path)
    pending: list[str] = []
    pending_kind: LineKind = "text"

    def flush() -> None:
        nonlocal pending, pending_kind
        if pending:
            joined = pending[0]
            for nxt in pending[1:]:
                joined = join_wrapped(joined, nxt)
            joined = _clean_inline(joined)
            if joined.endswith("↑"):
                # markitdown footnote definition ("1. note text ↑"): a note, not statute text
                notes = out.metadata.get("footnotes", "")
                out.metadata["footnotes"] = (notes + "\n" if notes else "") + joined.rstrip("↑ ")
            elif joined:
                out.add(joined, pending_kind)
        pending, pending_kind = [], "text"

    for raw in body.split("\n"):
        line = raw.rstrip()
        if line == "\x00INFO_END":
            flush()
            continue
        if not line.strip():
            flush()
            continue
        if _TABLE_SEP_RE.match(line):
            continue
        if line.lstrip().startswith("|") and line.rstrip().endswith("|"):
            flush()
            cells = [_clean_inline(c) for c in line.strip().strip("|").split("|")]
            out.add("\u3000".join(c for c in cells if c), "table")
            continue
        if _RULE_RE.match(line) or _LINK_ONLY_RE.match(line):
            flush()
            continue
        if m := _HEADING_RE.match(line):
            flush()
            heading = _clean_inline(m.group(2))
            if heading:
                if len(m.group(1)) == 1 and "title" not in out.metadata:
                    out.metadata["title"] = heading
                out.add(heading, "heading")
            continue
        if m := _BULLET_RE.match(line):
            flush()
            pending, pending_kind = [m.group(2)], "bullet"
            continue
        if m := _QUOTE_RE.match(line):
            if pending_kind != "quote":
                flush()
                pending_kind = "quote"
            pending.append(m.group(1))
            continue
        stripped = line.strip()
        if not pending and stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:
            out.add(_clean_inline(stripped), "title")
            continue
        if pending and pending_kind == "bullet" and raw[:1] in (" ", "\t") and not raw.startswith("    " * 2):
            # indented continuation of a list item without a blank line: same paragraph
            pending.append(stripped)
            continue
        if not pending:
            pending_kind = "text"
        pending.append(stripped)
    flush()
    return out


def load(path: Path) -> LoadedText:
    return parse_markdown(decode_text(read_bytes(path), path=str(path)), path=str(path))
