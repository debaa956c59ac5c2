"""Writes one generation's SQLite article store. The schema lives here, beside the only code that writes
it; ``kb.store.ArticleStore`` reads it. A generation's database is written once, then never changed: the
writer ends by recording row counts and a checksum in ``meta`` that the reader verifies on open."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kb.chunking import Chunk

SCHEMA_VERSION = "4"
STORE_FILE = "store.sqlite"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    path TEXT PRIMARY KEY, sha256 TEXT, size INTEGER, status TEXT NOT NULL, reason TEXT, error TEXT,
    articles INTEGER NOT NULL DEFAULT 0, law_id TEXT, version_id TEXT, language TEXT, layer TEXT,
    parser_version TEXT, parsed BLOB
);
CREATE TABLE laws (
    law_id TEXT PRIMARY KEY, title_zh TEXT NOT NULL, title_en TEXT, jurisdiction TEXT NOT NULL,
    instrument TEXT NOT NULL, issuer TEXT, layer TEXT NOT NULL, short_names TEXT NOT NULL, topics TEXT NOT NULL
);
CREATE TABLE versions (
    version_id TEXT PRIMARY KEY, law_id TEXT NOT NULL REFERENCES laws(law_id), label TEXT NOT NULL,
    promulgated TEXT, effective_from TEXT, effective_to TEXT, status TEXT NOT NULL, layer TEXT NOT NULL,
    source_path TEXT NOT NULL, source_url TEXT, official INTEGER NOT NULL, sources TEXT NOT NULL
);
CREATE INDEX versions_law ON versions(law_id, effective_from);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, law_id TEXT NOT NULL, version_id TEXT NOT NULL,
    key TEXT NOT NULL, number INTEGER NOT NULL, suffix INTEGER NOT NULL, ord INTEGER NOT NULL,
    label_zh TEXT, label_en TEXT, text_zh TEXT, text_en TEXT, path TEXT NOT NULL, content_hash TEXT NOT NULL
);
CREATE INDEX articles_law_key ON articles(law_id, key);
CREATE INDEX articles_version ON articles(version_id, ord);
CREATE TABLE paragraphs (
    article_id TEXT NOT NULL, lang TEXT NOT NULL, idx INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (article_id, lang, idx)
) WITHOUT ROWID;
CREATE TABLE chunks (
    idx INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL, lang TEXT NOT NULL,
    seq INTEGER NOT NULL, doc_idx INTEGER NOT NULL, header TEXT NOT NULL, text TEXT NOT NULL, tokens BLOB,
    law_id TEXT NOT NULL, version_id TEXT NOT NULL, effective_from INTEGER NOT NULL,
    effective_to INTEGER NOT NULL, jurisdiction TEXT NOT NULL, instrument TEXT NOT NULL, layer TEXT NOT NULL
);
CREATE UNIQUE INDEX chunks_doc ON chunks(lang, doc_idx);
CREATE INDEX chunks_article ON chunks(article_id);
CREATE TABLE edges (
    src_article_id TEXT NOT NULL, dst_law_id TEXT, dst_law_title TEXT NOT NULL, dst_key TEXT,
    dst_article_id TEXT, kind TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX edges_src ON edges(src_article_id);
CREATE INDEX edges_dst ON edges(dst_article_id);
CREATE TABLE lineage (
    law_id TEXT NOT NULL, old_version_id TEXT NOT NULL, new_version_id TEXT NOT NULL, old_key TEXT, new_key TEXT,
    kind TEXT NOT NULL, score REAL NOT NULL, text_changed INTEGER, is_primary INTEGER NOT NULL
);
CREATE INDEX lineage_old ON lineage(old_version_id, old_key);
CREATE INDEX lineage_new ON lineage(new_version_id, new_key);
"""

TOKEN_SEP = "\x1f"


def pack_tokens(tokens: list[str]) -> bytes:
    """Lexical tokens kept for reuse by the next ingest, compressed (they outweigh the text)."""
    return zlib.compress(TOKEN_SEP.join(tokens).encode(), 6)


def unpack_tokens(blob: bytes) -> list[str]:
    text = zlib.decompress(blob).decode()
    return text.split(TOKEN_SEP) if text else []


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass
class ArticleRow:
    """One article as the pipeline assembled it (zh and en aligned by key)."""

    article_id: str
    law_id: str
    version_id: str
    key: str
    number: int
    suffix: int
    ord: int
    label_zh: str | None
    label_en: str | None
    paragraphs_zh: list[str]
    paragraphs_en: list[str]
    path: list[list[str]]  # [[level, label, title], ...] outermost first

    @property
    def content_hash(self) -> str:
        payload = json.dumps(
            [self.article_id, self.label_zh, self.label_en, self.paragraphs_zh, self.paragraphs_en, self.path],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class FileRow:
    path: str
    sha256: str | None
    size: int | None
    status: str  # "ok" | "failed" | "skipped"
    reason: str | None = None
    error: str | None = None
    articles: int = 0
    law_id: str | None = None
    version_id: str | None = None
    language: str | None = None
    layer: str | None = None
    parser_version: str | None = None
    parsed: bytes | None = None


@dataclass
class Counts:
    laws: int = 0
    versions: int = 0
    articles: int = 0
    chunks: int = 0
    edges: int = 0
    files: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


CHECKSUM_SQL = "SELECT article_id, content_hash, coalesce(text_zh, ''), coalesce(text_en, '') FROM articles ORDER BY id"


def articles_checksum(rows: Iterable[tuple[str, str, str, str]]) -> str:
    """Checksum over every article's id, content hash and texts in row order; the reader recomputes it on
    open, so a damaged or edited row is refused instead of served."""
    h = hashlib.sha256()
    for article_id, content_hash, text_zh, text_en in rows:
        h.update(f"{article_id}\x1f{content_hash}\x1f{text_zh}\x1f{text_en}\x1e".encode())
    return h.hexdigest()


class StoreWriter:
    """Builds a fresh database file; nothing reads it until ``finalize`` has recorded counts and checksum."""

    def __init__(self, path: Path) -> None:
        if path.exists():
            path.unlink()
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(SCHEMA)
        self._doc_idx: dict[str, int] = {}
        self._next_article = 0

    # --- rows -----------------------------------------------------------------------------------------
    def add_file(self, row: FileRow) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (row.path, row.sha256, row.size, row.status, row.reason, row.error, row.articles, row.law_id,
             row.version_id, row.language, row.layer, row.parser_version, row.parsed),
        )

    def add_law(self, law: Any) -> None:
        """``law`` is a ``kb.records.LawRecord``."""
        self.db.execute(
            "INSERT INTO laws VALUES (?,?,?,?,?,?,?,?,?)",
            (law.law_id, law.title_zh, law.title_en, law.jurisdiction, law.instrument, law.issuer, law.layer,
             json.dumps(list(law.short_names), ensure_ascii=False), json.dumps(list(law.topics), ensure_ascii=False)),
        )

    def add_version(self, v: Any, sources: Sequence[str]) -> None:
        """``v`` is a ``kb.records.VersionRecord``; ``sources`` every file merged into it."""
        self.db.execute(
            "INSERT INTO versions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (v.version_id, v.law_id, v.label, _iso(v.promulgated), _iso(v.effective_from), _iso(v.effective_to),
             v.status, v.layer, v.source_path, v.source_url, int(v.official), json.dumps(list(sources), ensure_ascii=False)),
        )

    def add_articles(self, rows: Sequence[ArticleRow]) -> None:
        art = []
        paras = []
        for r in rows:
            self._next_article += 1
            art.append((
                self._next_article, r.article_id, r.law_id, r.version_id, r.key, r.number, r.suffix, r.ord,
                r.label_zh, r.label_en, "\n".join(r.paragraphs_zh) or None, "\n".join(r.paragraphs_en) or None,
                json.dumps(r.path, ensure_ascii=False), r.content_hash,
            ))
            paras += [(r.article_id, "zh", i, p) for i, p in enumerate(r.paragraphs_zh)]
            paras += [(r.article_id, "en", i, p) for i, p in enumerate(r.paragraphs_en)]
        self.db.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", art)
        self.db.executemany("INSERT INTO paragraphs VALUES (?,?,?,?)", paras)

    def add_chunks(self, chunks: Sequence[Chunk], tokens: Sequence[list[str] | None]) -> None:
        """Chunks get consecutive ``doc_idx`` per language: the row of the lexical index of that language."""
        rows = []
        for c, toks in zip(chunks, tokens, strict=True):
            doc = self._doc_idx.get(c.lang, 0)
            self._doc_idx[c.lang] = doc + 1
            m = c.metadata
            rows.append((
                c.chunk_id, c.article_id, c.lang, c.seq, doc, c.header, c.text,
                pack_tokens(toks) if toks is not None else None, m["law_id"], m["version_id"],
                m["effective_from"], m["effective_to"], m["jurisdiction"], m["instrument"], m["layer"],
            ))
        self.db.executemany(
            "INSERT INTO chunks (chunk_id, article_id, lang, seq, doc_idx, header, text, tokens, law_id, version_id,"
            " effective_from, effective_to, jurisdiction, instrument, layer) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def add_edges(self, edges: Sequence[Any]) -> None:
        """``edges`` are ``kb.records.Edge``."""
        self.db.executemany(
            "INSERT INTO edges VALUES (?,?,?,?,?,?,?)",
            [(e.src_article_id, e.dst_law_id, e.dst_law_title, e.dst_key, e.dst_article_id, e.kind, e.text) for e in edges],
        )

    def add_lineage(self, law_id: str, old_version_id: str, new_version_id: str, edges: Sequence[Any]) -> None:
        """``edges`` are ``kb.lineage.LineageEdge`` from ``old_version_id`` to the next version ``new_version_id``."""
        self.db.executemany(
            "INSERT INTO lineage VALUES (?,?,?,?,?,?,?,?,?)",
            [(law_id, old_version_id, new_version_id, e.old_key, e.new_key, e.kind, e.score,
              None if e.text_changed is None else int(e.text_changed), int(e.primary)) for e in edges],
        )

    # --- finish ---------------------------------------------------------------------------------------
    def counts(self) -> Counts:
        q = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return Counts(
            laws=q("SELECT count(*) FROM laws"), versions=q("SELECT count(*) FROM versions"),
            articles=q("SELECT count(*) FROM articles"), chunks=q("SELECT count(*) FROM chunks"),
            edges=q("SELECT count(*) FROM edges"), files=q("SELECT count(*) FROM files"),
            extra={"lineage": q("SELECT count(*) FROM lineage")},
        )

    def finalize(self, meta: dict[str, str]) -> Counts:
        counts = self.counts()
        checksum = articles_checksum(self.db.execute(CHECKSUM_SQL))
        record = {
            **meta, "schema_version": SCHEMA_VERSION, "article_count": str(counts.articles),
            "chunk_count": str(counts.chunks), "law_count": str(counts.laws), "articles_checksum": checksum,
        }
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", sorted(record.items()))
        self.db.commit()
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.close()
        counts.extra["articles_checksum"] = checksum
        return counts

    def abort(self) -> None:
        self.db.close()
