"""The issue guide (corpus/issue_guide.toml, written by this project, not law): per issue the governing
provisions, exceptions, definitions, liability and penalties, and a short rule statement in Chinese and English.
The answerer orders an issue's quotes by these roles and shows a statement only when one of its governing
articles is among the evidence in force on the date asked about."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.answer.keys import normalize_key

GUIDE_PATH = Path(__file__).resolve().parents[2] / "corpus" / "issue_guide.toml"
ROLES = ("governing", "definitions", "exceptions", "liability", "penalties")


class GuideError(ValueError):
    """The guide file is malformed (a missing field, an unreadable article label, an unknown role)."""


@dataclass(frozen=True)
class GuideRef:
    law: str  # manifest law id
    article: str  # Chinese label as written in the guide
    key: str  # canonical key ("1019", "253之一")
    version: str  # effective date of the version (YYYY-MM-DD)
    paragraph: int | None = None  # the 款 that decides (quoted whole), where the guide names one
    item: int | None = None  # the 项 of that paragraph that decides

    @property
    def version_id(self) -> str:
        return f"{self.law}@{self.version}"

    @property
    def article_id(self) -> str:
        return f"{self.version_id}#{self.key}"


@dataclass(frozen=True)
class GuidePoint:
    """One sentence of ours resting on one provision: shown only when that provision is quoted."""

    ref: GuideRef
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class GuideEntry:
    id: str
    issue: str
    label_zh: str
    label_en: str
    statement_zh: str
    statement_en: str
    governing: tuple[GuideRef, ...]
    definitions: tuple[GuideRef, ...]
    exceptions: tuple[GuideRef, ...]
    liability: tuple[GuideRef, ...]
    penalties: tuple[GuideRef, ...]
    points: tuple[GuidePoint, ...] = ()
    terms: tuple[str, ...] = ()  # words by which a question raises this entry's point (lower case); empty: its issue's

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def statement(self, lang: str) -> str:
        return self.statement_zh if lang == "zh" else self.statement_en

    def refs(self) -> list[tuple[str, GuideRef]]:
        return [(role, ref) for role in ROLES for ref in getattr(self, role)]

    def ref_for(self, article_id: str) -> GuideRef | None:
        return next((ref for _, ref in self.refs() if ref.article_id == article_id), None)

    def raised_by(self, question: str) -> bool:
        """Whether the question names this entry's point (always true for an entry without terms of its own)."""
        low = question.lower()
        return not self.terms or any(t in low for t in self.terms)

    def role_of(self, article_id: str) -> str | None:
        """The first role (in ROLES order) under which the entry names the article."""
        return next((role for role, ref in self.refs() if ref.article_id == article_id), None)


def _ref(raw: object, where: str) -> GuideRef:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(f), str) and raw.get(f) for f in ("law", "article", "version")):
        raise GuideError(f"{where}: each provision needs law, article and version strings")
    key = normalize_key(raw["article"])
    if key is None:
        raise GuideError(f"{where}: cannot read an article number from {raw['article']!r}")
    para, item = raw.get("paragraph"), raw.get("item")
    if (para is not None and (not isinstance(para, int) or para < 1)) or (item is not None and (not isinstance(item, int) or item < 1 or para is None)):
        raise GuideError(f"{where}: paragraph/item must be positive numbers (an item needs its paragraph)")
    return GuideRef(law=raw["law"], article=raw["article"], key=key, version=raw["version"], paragraph=para, item=item)


def _point(raw: object, where: str) -> GuidePoint:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(f), str) and raw[f].strip() for f in ("zh", "en")):
        raise GuideError(f"{where}: a point needs zh and en text")
    ref = _ref({k: v for k, v in raw.items() if k not in ("zh", "en")}, where)
    return GuidePoint(ref=ref, zh=raw["zh"].strip(), en=raw["en"].strip())


def parse_guide(text: str) -> tuple[GuideEntry, ...]:
    data = tomllib.loads(text)
    entries = []
    seen: set[str] = set()
    for i, row in enumerate(data.get("entry", []), 1):
        where = f"entry {i} ({row.get('id', '?')})"
        for f in ("id", "issue", "label_zh", "label_en", "statement_zh", "statement_en"):
            if not isinstance(row.get(f), str) or not row[f].strip():
                raise GuideError(f"{where}: missing {f}")
        if row["id"] in seen:
            raise GuideError(f"{where}: duplicate id")
        seen.add(row["id"])
        unknown = set(row) - {"id", "issue", "label_zh", "label_en", "statement_zh", "statement_en", "points", "terms", *ROLES}
        if unknown:
            raise GuideError(f"{where}: unknown fields {sorted(unknown)}")
        refs = {role: tuple(_ref(r, f"{where} {role}") for r in row.get(role, [])) for role in ROLES}
        if not refs["governing"]:
            raise GuideError(f"{where}: no governing provision")
        terms = row.get("terms", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise GuideError(f"{where}: terms must be a list of words")
        entries.append(GuideEntry(
            id=row["id"], issue=row["issue"], label_zh=row["label_zh"], label_en=row["label_en"],
            statement_zh=row["statement_zh"].strip(), statement_en=row["statement_en"].strip(), **refs,
            points=tuple(_point(r, f"{where} point") for r in row.get("points", [])),
            terms=tuple(t.strip().lower() for t in terms),
        ))
    return tuple(entries)


@lru_cache(maxsize=4)
def load_guide(path: Path = GUIDE_PATH) -> tuple[GuideEntry, ...]:
    if not path.is_file():
        return ()
    return parse_guide(path.read_text(encoding="utf-8"))


def entries_naming(article_id: str, path: Path | None = None) -> list[tuple[GuideEntry, str]]:
    """(entry, role) for every guide entry that names the article (exact version), in the guide's order."""
    return list(_naming(path or GUIDE_PATH).get(article_id, ()))


@lru_cache(maxsize=4)
def _naming(path: Path) -> dict[str, tuple[tuple[GuideEntry, str], ...]]:
    """Article id → (entry, its first role naming the article) of each entry naming it: built once per guide file (as
    load_guide reads it once), not a scan of every entry's provisions for each article an answer considers."""
    out: dict[str, list[tuple[GuideEntry, str]]] = {}
    for e in load_guide(path):
        for role, ref in e.refs():
            named = out.setdefault(ref.article_id, [])
            if not named or named[-1][0] is not e:
                named.append((e, role))
    return {aid: tuple(v) for aid, v in out.items()}


def active_entries(question: str, spotted: dict[str, float] | set[str], ruled_out: set[str], evidence_ids: set[str],
                   top_ids: set[str]) -> list[GuideEntry]:
    """The entries an answer takes up: a governing article among the evidence (in force), an issue the question does
    not rule out, and either the question raises the entry's issue and point (its terms) or a governing article is
    among the search's first hits (``top_ids``)."""
    return [
        e for e in load_guide()
        if e.issue not in ruled_out
        and any(r.article_id in evidence_ids for r in e.governing)
        and ((e.issue in spotted and e.raised_by(question)) or any(r.article_id in top_ids for r in e.governing))
    ]
