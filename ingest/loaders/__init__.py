"""Format loaders: one module per format, dispatched by the file's content (the extension is a hint).

``load_file(path)`` sniffs the bytes: a zip holding ``word/document.xml`` is Word, ``%PDF`` is PDF,
anything else must decode as text (UTF-8, UTF-8 with BOM, GB18030) and is read as HTML, Markdown or
plain text. Every failure is an ``ingest.errors`` exception, never a library one.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import CorruptFile, IngestError, UnsupportedFormat
from ingest.loaders import docx, html, markdown, pdf, text
from ingest.loaders.base import LoadedText, decode_text, read_bytes

__all__ = ["LoadedText", "load_bytes", "load_file", "sniff"]

_HTML_RE = re.compile(r"^\s*(?:<!doctype html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, suffix: str = "") -> str:
    """Return 'docx', 'pdf', 'html', 'md' or 'txt' from the content; the suffix only breaks text ties."""
    head = data[:1024]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    suffix = suffix.lower()
    if suffix in (".docx", ".pdf"):
        # claims to be binary but has no binary signature: the content decides what happens next
        return "docx" if suffix == ".docx" else "pdf"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "md"
    sample = head.decode("utf-8", errors="ignore")
    if _HTML_RE.match(sample):
        return "html"
    if sample.startswith("---\n") or re.search(r"^#{1,6} ", sample, re.MULTILINE):
        return "md"
    return "txt"


def load_bytes(data: bytes, *, path: str | None = None, suffix: str = "") -> LoadedText:
    name = Path(path).name if path else "input"
    kind = sniff(data, suffix)
    try:
        if kind == "docx":
            return docx.load_bytes(data, path=path)
        if kind == "pdf":
            return pdf.load_bytes(data, path=path)
        if kind == "ole":
            raise UnsupportedFormat(f"{name}: legacy binary .doc is not supported (convert to .docx)", path=path)
        decoded = decode_text(data, path=path)
        if kind == "html":
            return html.parse_html(decoded, path=path)
        if kind == "md":
            return markdown.parse_markdown(decoded, path=path)
        return text.parse_text(decoded, path=path)
    except IngestError:
        raise
    except Exception as exc:  # a loader bug or hostile input: still a per-file error, never a crash
        raise CorruptFile(f"{name}: cannot be loaded as {kind} ({type(exc).__name__}: {exc})", path=path) from exc


def load_file(path: str | Path) -> LoadedText:
    p = Path(path)
    return load_bytes(read_bytes(p), path=str(p), suffix=p.suffix)
