"""HTML pages (bs4): block elements become lines; scripts, styles and navigation are dropped.

Every block boundary (p, div, li, h1…, td, br) is turned into a line break before the text is taken,
so loose text directly inside a container is kept too ("loses nothing").
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from ingest.loaders.base import LineKind, LoadedText, decode_text, read_bytes

_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "blockquote", "pre", "dd", "dt",
           "section", "article", "table", "ul", "ol", "dl", "main", "body")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_DROP = ("script", "style", "nav", "header", "footer", "noscript", "template", "head", "iframe", "svg")


def parse_html(text: str, *, path: str | None = None) -> LoadedText:
    soup = BeautifulSoup(text, "html.parser")
    out = LoadedText(lines=[], format="html", path=path)
    if soup.title and soup.title.string:
        out.metadata["html_title"] = soup.title.string.strip()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    kinds: dict[str, LineKind] = {}
    for el in soup.find_all(_HEADINGS):
        heading = " ".join(el.get_text(" ").split())
        if heading:
            kinds.setdefault(heading, "heading")
            if el.name == "h1":
                out.metadata.setdefault("title", heading)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for el in soup.find_all(_BLOCKS):
        el.insert_before("\n")
        el.insert_after("\n")
    for part in soup.get_text().split("\n"):
        line = " ".join(part.split())
        if line:
            out.add(line, kinds.get(line, "text"))
    return out


def load(path: Path) -> LoadedText:
    return parse_html(decode_text(read_bytes(path), path=str(path)), path=str(path))
