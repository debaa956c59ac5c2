"""Our own knowledge about articles (corpus/notes/*.json; see its README): headnotes, example questions and the
official charge names of Criminal Law articles. Read here, resolved to article ids by the pipeline, indexed as
fields of their own that vote for their article. Never law text, never quoted as law."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from kb.numerals import article_key, parse_article_label

__all__ = ["Note", "load_notes", "notes_digest"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Note:
    law_id: str
    version: str  # effective date (YYYY-MM-DD) of the version the article belongs to
    key: str  # article key: "1019", "253之一"
    kind: str  # "headnote" | "question" | "charge"
    lang: str  # "zh" | "en"
    text: str
    style: str = ""  # questions: lay | lawyer | facts
    scope: str = ""  # "general": an article of general law (contracts, capacity …), outside the core laws' subject


def _key(label: str) -> str:
    """An article key from a Chinese label (第二百五十三条之一 → 253之一); a key is kept as it is."""
    return article_key(*parse_article_label(label)) if label.startswith("第") else label


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def notes_digest(folder: Path) -> str:
    """Changes whenever a notes file changes (part of the ingest fingerprint)."""
    h = hashlib.sha256()
    for path in _files(folder):
        h.update(path.name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def load_notes(folder: Path) -> list[Note]:
    """Every note of every file; a broken file is reported in the log and skipped (it never stops an ingest)."""
    out: list[Note] = []
    for path in _files(folder):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            law_id = data["law_id"]
            if "charges" in data:
                for row in data["charges"]:
                    key = _key(row["article"])
                    for name in [*row.get("names", []), *row.get("former_names", [])]:
                        out.append(Note(law_id, data["version"], key, "charge", "zh", name))
                continue
            for e in data.get("notes", []):
                key = _key(e["article"])
                scope = e.get("scope", "")
                for lang in ("zh", "en"):
                    text = (e.get(f"headnote_{lang}") or "").strip()
                    if text:
                        out.append(Note(law_id, e["version"], key, "headnote", lang, text, scope=scope))
                for q in e.get("questions", []):
                    text = (q.get("text") or "").strip()
                    if text and q.get("lang") in ("zh", "en"):
                        out.append(Note(law_id, e["version"], key, "question", q["lang"], text, q.get("style", ""), scope))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("notes file %s skipped: %s", path.name, exc)
    return out
