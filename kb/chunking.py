"""Article → chunks. A chunk never crosses an article boundary: a short article is one chunk, a long one
splits by paragraph (款), and an oversize paragraph is split by sentence. Every chunk carries the
law / heading / article header (so a lone chunk still says where it comes from) and flat scalar metadata
(Chroma filters and the lexical ``allowed`` sets are built from it). Chunk ids are content hashes, so an
unchanged article keeps its ids across ingests and its vectors and tokens can be reused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

# Upper bounds in characters: the bundled English model reads 256 word pieces (≈1,000 characters);
# Chinese chunks are kept short enough for a Chinese-capable model (≈512 tokens) as well.
MAX_CHARS = {"zh": 450, "en": 1000}
OPEN_END = 99991231  # effective_to of a version still in force
NO_START = 0  # effective_from unknown


def date_int(day: date | None, default: int) -> int:
    """Dates as YYYYMMDD ints: Chroma metadata filters compare numbers, not strings."""
    return day.year * 10000 + day.month * 100 + day.day if day else default


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    article_id: str
    lang: str
    seq: int  # position within the article and language
    header: str  # "中华人民共和国民法典 第四编　人格权 第四章　肖像权 第一千零一十九条"
    text: str  # the article text (or the paragraphs of this piece) without header
    metadata: dict[str, Any]

    @property
    def full_text(self) -> str:
        """What is indexed and embedded: header line + text."""
        return f"{self.header}\n{self.text}"


@lru_cache(maxsize=2)
def _splitter(lang: str) -> Any:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    seps = ["\n", "。", "；", "，", ""] if lang == "zh" else ["\n", ". ", "; ", ", ", " ", ""]
    return RecursiveCharacterTextSplitter(
        chunk_size=MAX_CHARS[lang], chunk_overlap=0, separators=seps, keep_separator="end"
    )


def split_paragraphs(paragraphs: list[str], lang: str) -> list[str]:
    """Group paragraphs into pieces of at most MAX_CHARS; split an oversize paragraph by sentence."""
    limit = MAX_CHARS[lang]
    if sum(len(p) + 1 for p in paragraphs) <= limit:
        return ["\n".join(paragraphs)]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for para in paragraphs:
        parts = [para] if len(para) <= limit else [s for s in _splitter(lang).split_text(para) if s.strip()]
        for part in parts:
            if current and size + len(part) + 1 > limit:
                pieces.append("\n".join(current))
                current, size = [], 0
            current.append(part)
            size += len(part) + 1
    if current:
        pieces.append("\n".join(current))
    return pieces


def chunk_id(article_id: str, lang: str, seq: int, full_text: str) -> str:
    digest = hashlib.sha256(f"{article_id}\x1f{lang}\x1f{seq}\x1f{full_text}".encode()).hexdigest()
    return digest[:32]


def chunk_article(
    *,
    article_id: str,
    lang: str,
    header: str,
    paragraphs: list[str],
    metadata: dict[str, Any],
) -> list[Chunk]:
    """Chunks of one language of one article; ``metadata`` (flat scalars) is copied into every chunk."""
    paragraphs = [p for p in paragraphs if p.strip()]
    if not paragraphs:
        return []
    out = []
    pieces = split_paragraphs(paragraphs, lang)
    for seq, piece in enumerate(pieces):
        cid = chunk_id(article_id, lang, seq, f"{header}\n{piece}")
        meta = {**metadata, "lang": lang, "seq": seq, "pieces": len(pieces)}
        out.append(Chunk(cid, article_id, lang, seq, header, piece, meta))
    return out
