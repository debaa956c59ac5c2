"""The corpus manifest: reviewed facts about every raw/ file (corpus/manifest.toml) and the rule that
describes the bulk national/ layer.

Why a manifest: statute files are third-party data outside the repository; the ingest needs to know, for
each file, which law and version it holds, its dates, and whether it is the one to index. Versions are told
apart by their effective dates, never merged: `scan_national` marks a national/ file that repeats a raw/
version as ``duplicate_of`` and one that raw/ replaced as superseded on raw's effective date.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.commencement import decision_targets, read_commencement
from kb.checksums import sha256_file
from kb.errors import KBError
from kb.records import in_force
from kb.titles import normalize_title
from kb.topics import TOPICS

__all__ = [
    "INSTRUMENTS",
    "ROLES",
    "TOPICS",
    "Law",
    "LawVersion",
    "Manifest",
    "ManifestEntry",
    "ManifestError",
    "NationalEntry",
    "NationalRule",
    "VerifyReport",
    "load_manifest",
    "scan_national",
    "verify",
]

INSTRUMENTS = frozenset(
    {
        "law",
        "administrative-regulation",
        "departmental-rule",
        "judicial-interpretation",
        "amendment",
        "eu-regulation",
        "constitution",
    }
)
ROLES = frozenset({"primary", "variant", "translation", "consolidation"})
STATUSES = frozenset({"in-force", "superseded"})
_REQUIRED = (
    "path", "law_id", "title_zh", "title_en", "jurisdiction", "instrument", "issuer", "version", "promulgated",
    "effective_from", "status", "language", "format", "role", "index", "bytes", "sha256", "topics",
)  # fmt: skip


class ManifestError(KBError):
    """The manifest file is missing or breaks its own rules (a deployment error, not a client error)."""

    status = 500
    code = "manifest_invalid"


# --------------------------------------------------------------------------------------------------- raw/ entries


@dataclass(frozen=True)
class ManifestEntry:
    """One file under raw/ and what it holds."""

    path: str
    law_id: str
    title_zh: str
    title_en: str
    short_names: tuple[str, ...]
    jurisdiction: str
    instrument: str
    issuer: str
    version: str
    promulgated: date
    effective_from: date
    effective_to: date | None
    status: str
    official: bool
    language: str
    format: str
    role: str
    index: bool
    source_url: str | None
    source_repository: str | None
    source_path: str | None
    source_commit: str | None
    bytes: int
    sha256: str
    articles: int | None
    articles_suffixed: int | None
    pdf_pages: int | None
    topics: tuple[str, ...]
    notes: str = ""
    amended_by: tuple[str, ...] = ()
    amended_articles: tuple[str, ...] = ()

    @property
    def version_id(self) -> str:
        return f"{self.law_id}@{self.effective_from.isoformat()}"

    def abs_path(self, corpus_root: Path) -> Path:
        return Path(corpus_root) / self.path

    def in_force_on(self, day: date) -> bool:
        return in_force(self.effective_from, self.effective_to, day)


@dataclass
class LawVersion:
    """The files of one version of one law (same law_id and effective_from)."""

    law_id: str
    version_id: str
    label: str
    promulgated: date
    effective_from: date
    effective_to: date | None
    status: str
    official: bool
    files: list[ManifestEntry] = field(default_factory=list)

    @property
    def primary(self) -> ManifestEntry | None:
        return next((f for f in self.files if f.role == "primary"), None)

    @property
    def translations(self) -> list[ManifestEntry]:
        return [f for f in self.files if f.role == "translation"]

    @property
    def indexed(self) -> list[ManifestEntry]:
        return [f for f in self.files if f.index]

    def in_force_on(self, day: date) -> bool:
        return in_force(self.effective_from, self.effective_to, day)


@dataclass
class Law:
    """A law of raw/ with its versions, oldest first."""

    law_id: str
    title_zh: str
    title_en: str
    short_names: tuple[str, ...]
    jurisdiction: str
    instrument: str
    issuer: str
    topics: tuple[str, ...]
    versions: list[LawVersion] = field(default_factory=list)

    def version_in_force(self, day: date, *, official_only: bool = True) -> LawVersion | None:
        cands = [v for v in self.versions if v.in_force_on(day) and (v.official or not official_only)]
        return cands[-1] if cands else None


@dataclass(frozen=True)
class NationalRule:
    """The [national] table: how to read the bulk layer without listing its files."""

    folder: str = "national"
    skip: tuple[str, ...] = ("_index.md", "README.md")
    info_marker: str = "<!-- INFO END -->"
    amendment_pattern: str = "修正案"
    instrument_by_folder: dict[str, str] = field(default_factory=dict)
    expected_files: int | None = None
    snapshot: date | None = None
    jurisdiction: str = "cn"
    language: str = "zh"


def _as_date(value: Any, where: str, key: str, *, required: bool = True) -> date | None:
    if value is None:
        if required:
            raise ManifestError(f"{where}: '{key}' is missing")
        return None
    if isinstance(value, date):
        return value
    raise ManifestError(f"{where}: '{key}' must be a TOML date (YYYY-MM-DD), got {value!r}")


def _entry(raw: dict[str, Any], n: int) -> ManifestEntry:
    where = f"[[file]] #{n} ({raw.get('path', '?')})"
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise ManifestError(f"{where}: missing {', '.join(missing)}")
    unknown_topics = set(raw["topics"]) - TOPICS
    if unknown_topics:
        raise ManifestError(f"{where}: unknown topics {sorted(unknown_topics)}")
    for key, allowed in (("instrument", INSTRUMENTS), ("role", ROLES), ("status", STATUSES)):
        if raw[key] not in allowed:
            raise ManifestError(f"{where}: {key} {raw[key]!r} not one of {sorted(allowed)}")
    if not re.fullmatch(r"[0-9a-f]{64}", str(raw["sha256"])):
        raise ManifestError(f"{where}: sha256 must be 64 lowercase hex digits")
    eff_from = _as_date(raw.get("effective_from"), where, "effective_from")
    eff_to = _as_date(raw.get("effective_to"), where, "effective_to", required=False)
    assert eff_from is not None
    if eff_to is not None and eff_to < eff_from:
        raise ManifestError(f"{where}: effective_to {eff_to} is before effective_from {eff_from}")
    if (eff_to is None) != (raw["status"] == "in-force"):
        raise ManifestError(f"{where}: status {raw['status']!r} does not agree with effective_to {eff_to}")
    prom = _as_date(raw.get("promulgated"), where, "promulgated")
    assert prom is not None
    return ManifestEntry(
        path=raw["path"],
        law_id=raw["law_id"],
        title_zh=raw["title_zh"],
        title_en=raw["title_en"],
        short_names=tuple(raw.get("short_names", ())),
        jurisdiction=raw["jurisdiction"],
        instrument=raw["instrument"],
        issuer=raw["issuer"],
        version=raw["version"],
        promulgated=prom,
        effective_from=eff_from,
        effective_to=eff_to,
        status=raw["status"],
        official=bool(raw.get("official", True)),
        language=raw["language"],
        format=raw["format"],
        role=raw["role"],
        index=bool(raw["index"]),
        source_url=raw.get("source_url"),
        source_repository=raw.get("source_repository"),
        source_path=raw.get("source_path"),
        source_commit=raw.get("source_commit"),
        bytes=int(raw["bytes"]),
        sha256=raw["sha256"],
        articles=raw.get("articles"),
        articles_suffixed=raw.get("articles_suffixed"),
        pdf_pages=raw.get("pdf_pages"),
        topics=tuple(raw["topics"]),
        notes=raw.get("notes", ""),
        amended_by=tuple(raw.get("amended_by", ())),
        amended_articles=tuple(raw.get("amended_articles", ())),
    )


class Manifest:
    """The loaded manifest: raw/ entries, grouped views and the national rule."""

    def __init__(
        self, entries: list[ManifestEntry], national: NationalRule, *, source: Path | None = None
    ) -> None:
        self.entries = entries
        self.national = national
        self.source = source
        self._check()

    # -- construction -------------------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, text: str, *, source: Path | None = None) -> Manifest:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"{source or 'manifest'}: not valid TOML: {exc}") from exc
        files = data.get("file")
        if not isinstance(files, list) or not files:
            raise ManifestError(f"{source or 'manifest'}: no [[file]] entries")
        entries = [_entry(f, i + 1) for i, f in enumerate(files)]
        nat = data.get("national", {})
        rule = NationalRule(
            folder=nat.get("folder", "national"),
            skip=tuple(nat.get("skip", ("_index.md", "README.md"))),
            info_marker=nat.get("info_marker", "<!-- INFO END -->"),
            amendment_pattern=nat.get("amendment_pattern", "修正案"),
            instrument_by_folder=dict(nat.get("instrument_by_folder", {})),
            expected_files=nat.get("expected_files"),
            snapshot=nat.get("snapshot"),
            jurisdiction=nat.get("jurisdiction", "cn"),
            language=nat.get("language", "zh"),
        )
        bad = {k: v for k, v in rule.instrument_by_folder.items() if v not in INSTRUMENTS}
        if bad:
            raise ManifestError(f"[national.instrument_by_folder]: unknown instrument kinds {bad}")
        return cls(entries, rule, source=source)

    @classmethod
    def load(cls, path: Path | str) -> Manifest:
        p = Path(path)
        if not p.is_file():
            raise ManifestError(f"manifest not found: {p}")
        return cls.from_toml(p.read_text(encoding="utf-8"), source=p)

    def _check(self) -> None:
        seen: set[str] = set()
        for e in self.entries:
            if e.path in seen:
                raise ManifestError(f"{e.path}: listed twice")
            seen.add(e.path)
        law_fields = ("title_zh", "title_en", "jurisdiction", "instrument", "short_names")
        first: dict[str, ManifestEntry] = {}
        for e in self.entries:
            f = first.setdefault(e.law_id, e)
            for k in law_fields:
                if getattr(e, k) != getattr(f, k):
                    raise ManifestError(f"{e.path}: {k} differs from {f.path} (same law_id {e.law_id})")
        for v in self._versions():
            if not v.official:
                continue
            indexed_primary = [f for f in v.files if f.role == "primary" and f.index]
            if len(indexed_primary) != 1:
                raise ManifestError(
                    f"{v.version_id}: needs exactly one indexed primary file, has {len(indexed_primary)}"
                )
            for f in v.files:
                if (f.effective_to, f.status, f.promulgated) != (v.effective_to, v.status, v.promulgated):
                    raise ManifestError(
                        f"{f.path}: dates/status differ from the other files of {v.version_id}"
                    )

    # -- views ----------------------------------------------------------------------------------------------
    def _versions(self) -> list[LawVersion]:
        groups: dict[tuple[str, date, bool], list[ManifestEntry]] = defaultdict(list)
        for e in self.entries:
            groups[(e.law_id, e.effective_from, e.official)].append(e)
        out = []
        for (_law, _eff, official), files in groups.items():
            f0 = next((f for f in files if f.role == "primary"), files[0])
            out.append(
                LawVersion(
                    law_id=f0.law_id,
                    version_id=f0.version_id,
                    label=f0.version,
                    promulgated=f0.promulgated,
                    effective_from=f0.effective_from,
                    effective_to=f0.effective_to,
                    status=f0.status,
                    official=official,
                    files=files,
                )
            )
        out.sort(key=lambda v: (v.law_id, v.effective_from, not v.official))
        return out

    def laws(self) -> list[Law]:
        """Laws in manifest order, each with its versions (oldest first) and their files."""
        laws: dict[str, Law] = {}
        for e in self.entries:
            if e.law_id not in laws:
                laws[e.law_id] = Law(
                    law_id=e.law_id,
                    title_zh=e.title_zh,
                    title_en=e.title_en,
                    short_names=e.short_names,
                    jurisdiction=e.jurisdiction,
                    instrument=e.instrument,
                    issuer=e.issuer,
                    topics=e.topics,
                )
        for v in self._versions():
            laws[v.law_id].versions.append(v)
        return list(laws.values())

    def law(self, law_id: str) -> Law:
        for law in self.laws():
            if law.law_id == law_id:
                return law
        raise KeyError(law_id)

    def indexable(self) -> list[ManifestEntry]:
        """The files the ingest indexes: one primary per law-version plus English translations."""
        return [e for e in self.entries if e.index]

    def by_path(self, path: str) -> ManifestEntry | None:
        return next((e for e in self.entries if e.path == path), None)

    def title_index(self) -> dict[str, str]:
        """normalize_title(name) → law_id for every full title and short name of raw/ laws."""
        out: dict[str, str] = {}
        for law in self.laws():
            for name in (law.title_zh, law.title_en, *law.short_names):
                out.setdefault(normalize_title(name), law.law_id)
                out.setdefault(normalize_title(name).lower(), law.law_id)
        return out

    def resolve(self, name: str) -> str | None:
        """law_id of a raw/ law named by id, full title or short name (``"《民法典》"`` → ``civil-code``)."""
        if any(e.law_id == name for e in self.entries):
            return name
        idx = self.title_index()
        key = normalize_title(name)
        return idx.get(key) or idx.get(key.lower())


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> Manifest:
    return Manifest.load(path)


def load_manifest(path: Path | str | None = None) -> Manifest:
    """The manifest at ``path`` (default: settings.manifest_path), cached until the file changes."""
    if path is None:
        from kb.settings import get_settings

        path = get_settings().manifest_path
    p = Path(path)
    if not p.is_file():
        raise ManifestError(f"manifest not found: {p}")
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns)


# --------------------------------------------------------------------------------------------------- national/

_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_FILE_DATE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)")
_EFFECTIVE_AFTER = re.compile(r"^\s*(?:起)?\s*(?:施行|实施|生效|执行)")  # "2021年1月1日 施行", "2008年8月1日 起生效）"


@dataclass(frozen=True)
class NationalEntry:
    """One file of national/ as the rule reads it."""

    path: str  # under the corpus root, e.g. "national/经济法/反不正当竞争法(2019-04-23).md"
    folder: str  # top folder (民法商法, 行政法规, …)
    title_zh: str
    part: str | None  # a second '# ' heading (the Civil Code's books); parts share one version
    law_id: str
    instrument: str
    issuer: str | None  # the ministry subfolder for 部门规章
    version_date: date | None
    effective_from: date | None
    effective_to: date | None = None
    status: str = "in-force"
    duplicate_of: str | None = (
        None  # path (raw/ or national/) of the same version: the ingest skips this file
    )
    superseded_by: str | None = None  # version_id in raw/ that replaced this version
    # where effective_from comes from: "header" (a 施行 line), "text" (the commencement clause, 本法自…起施行),
    # "decision" (the amending decision in national/, path in dated_by), "raw" (raw/'s version), or
    # "version-date" (nothing states it: the date of the version's adoption/promulgation)
    effective_source: str = "version-date"
    dated_by: str | None = None  # the amending decision whose "本决定自…起施行" dates this version
    amends: tuple[str, ...] = ()  # an amending decision: the titles of the instruments it amends

    @property
    def version_id(self) -> str:
        eff = self.effective_from.isoformat() if self.effective_from else "undated"
        return f"{self.law_id}@{eff}"

    @property
    def indexable(self) -> bool:
        return self.duplicate_of is None

    def in_force_on(self, day: date) -> bool:
        if self.effective_from and day < self.effective_from:
            return False
        return not (self.effective_to and day > self.effective_to)


def _to_date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _read_header(path: Path, marker: str) -> tuple[str | None, str | None, list[str], str]:
    """(title, part, header lines, body) of a file: the header is the lines before the marker (the first 30
    lines if it has none), the body everything after it (the whole text if it has none)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if marker in text:
        head, body = text.split(marker, 1)
    else:
        head, body = "\n".join(text.splitlines()[:30]), text
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    heads = [ln[2:].strip() for ln in lines if ln.startswith("# ")]
    title = heads[0] if heads else None
    part = heads[1] if len(heads) > 1 else None
    return title, part, [ln for ln in lines if not ln.startswith("#")], body


def _header_dates(lines: list[str]) -> tuple[date | None, date | None]:
    """(latest adoption/amendment date, latest '…施行' date) of the header lines."""
    version: list[date] = []
    effective: list[date] = []
    for ln in lines:
        matches = list(_DATE.finditer(ln))
        for m in matches:
            d = _to_date(m)
            if d is None:
                continue
            if _EFFECTIVE_AFTER.match(ln[m.end() :]):
                effective.append(d)  # "2021年1月1日 施行", "自2021年4月15日施行"
            else:
                version.append(d)
                if "公布施行" in ln or "之日施行" in ln or "之日起施行" in ln:
                    effective.append(d)  # in force on promulgation
    return (max(version) if version else None), (max(effective) if effective else None)


def _parse_national(path: Path, root: Path, rule: NationalRule) -> NationalEntry:
    rel = path.relative_to(root).as_posix()
    parts = path.relative_to(root / rule.folder).parts
    folder = parts[0] if len(parts) > 1 else ""
    title, part, lines, body = _read_header(path, rule.info_marker)
    title = title or path.stem
    fm = _FILE_DATE.search(path.name)
    version_date, eff = _header_dates(lines)
    if fm:
        version_date = _to_date(fm) or version_date
    if version_date is None:
        version_date = eff
    if "之日施行" in "".join(lines) and eff is None:
        eff = version_date
    # entry into force: the header's 施行 line, else the text's own commencement clause when it dates this
    # version (not the original enactment kept in an amended text), else the version (promulgation) date
    stated = read_commencement(body).date_for(version_date)
    if eff and version_date and eff >= version_date:
        effective_from, source = eff, "header"
    elif stated is not None:
        effective_from, source = stated, "text"
    else:
        effective_from, source = version_date, "version-date"
    instrument = rule.instrument_by_folder.get(folder, "law")
    if rule.amendment_pattern and rule.amendment_pattern in title:
        instrument = "amendment"
    issuer = parts[1] if folder == "部门规章" and len(parts) > 2 else None
    return NationalEntry(
        path=rel,
        folder=folder,
        title_zh=title,
        part=part,
        law_id=title,
        instrument=instrument,
        issuer=issuer,
        version_date=version_date,
        effective_from=effective_from,
        effective_source=source,
        amends=decision_targets(title, body),
    )


def _date_by_decisions(entries: list[NationalEntry]) -> list[NationalEntry]:
    """Versions that state no date of their own, published between an amending decision's adoption and its entry
    into force, of an instrument the decision amends: the decision's text as amended, in force on its date."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        by_key[normalize_title(e.title_zh)].append(i)
    out = list(entries)
    for d in entries:
        if not d.amends or d.effective_source not in {"header", "text"} or not (d.version_date and d.effective_from):
            continue
        for target in d.amends:
            for i in by_key.get(normalize_title(target), []):
                e = out[i]
                if e.effective_source == "version-date" and e.version_date and (
                    d.version_date <= e.version_date < d.effective_from
                ):
                    out[i] = replace(e, effective_from=d.effective_from, effective_source="decision", dated_by=d.path)
    return out


def _iter_national_files(root: Path, rule: NationalRule) -> list[Path]:
    base = root / rule.folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*.md") if p.is_file() and p.name not in rule.skip)


def scan_national(corpus_root: Path | str, manifest: Manifest | None = None) -> list[NationalEntry]:
    """Apply the [national] rule to every file of national/ and relate each to raw/.

    - law_id: the raw/ law_id when the title matches a raw/ law (normalize_title), else the title.
    - One title in several files: files with the same version date are one version (parts such as the
      Civil Code's books, or the same file filed in two folders → ``duplicate_of`` the first); different
      dates are versions in date order, each in force until the day before the next one's effective_from.
    - raw/ holds the same version (same promulgation or effective date) → ``duplicate_of`` raw's primary;
      raw/ holds a later version → superseded the day before raw's effective_from.
    """
    root = Path(corpus_root)
    manifest = manifest or load_manifest()
    rule = manifest.national
    entries = _date_by_decisions([_parse_national(p, root, rule) for p in _iter_national_files(root, rule)])

    titles = manifest.title_index()
    raw_versions: dict[str, list[LawVersion]] = {}
    for law in manifest.laws():
        raw_versions[law.law_id] = [v for v in law.versions if v.official]
    full_titles = {normalize_title(law.title_zh): law.law_id for law in manifest.laws()}

    def law_id_for(title: str) -> str:
        key = normalize_title(title)
        return full_titles.get(key) or titles.get(key) or title

    # one law = one normalised title; its law_id is the raw/ id or the commonest spelling of the title
    # (the same SPC/SPP interpretation appears as "最高人民法院 最高人民检察院…" and "最高人民法院、最高人民检察院…")
    by_key: dict[str, list[NationalEntry]] = defaultdict(list)
    for e in entries:
        by_key[normalize_title(e.title_zh)].append(e)
    groups: dict[str, list[NationalEntry]] = {}
    for fs in by_key.values():
        spellings = Counter(f.title_zh for f in fs)
        title = max(spellings, key=lambda t: (spellings[t], " " not in t, t))
        groups[law_id_for(title)] = fs

    out: list[NationalEntry] = []
    for law_id, files in groups.items():
        # one version = one effective date (files that agree on it are parts or copies of that version)
        by_version: dict[date | None, list[NationalEntry]] = defaultdict(list)
        for f in files:
            by_version[f.effective_from or f.version_date].append(f)
        ordered = sorted(by_version.items(), key=lambda kv: kv[0] or date.min)
        for i, (eff, fs) in enumerate(ordered):
            nxt = ordered[i + 1][0] if i + 1 < len(ordered) else None
            effective_to = nxt - timedelta(days=1) if (nxt and eff and nxt > eff) else None
            superseded_by = None
            raw_dup: LawVersion | None = None
            vdates = {f.version_date for f in fs if f.version_date}
            for rv in raw_versions.get(law_id, []):
                if vdates & {rv.promulgated, rv.effective_from} or eff == rv.effective_from:
                    raw_dup = rv
                    break
            if raw_dup is not None:
                eff, effective_to = raw_dup.effective_from, raw_dup.effective_to
            elif eff is not None:
                later = [rv for rv in raw_versions.get(law_id, []) if rv.effective_from >= eff]
                if later:
                    rv = min(later, key=lambda v: v.effective_from)
                    cut = rv.effective_from - timedelta(days=1)
                    if effective_to is None or cut < effective_to:
                        effective_to = cut
                        superseded_by = rv.version_id
            seen_parts: dict[str | None, str] = {}
            for f in sorted(fs, key=lambda x: (x.version_date or date.max, x.path), reverse=False):
                dup: str | None = None
                if raw_dup is not None:
                    dup = raw_dup.primary.path if raw_dup.primary else raw_dup.files[0].path
                elif f.part in seen_parts:
                    dup = seen_parts[f.part]  # the same version filed twice (e.g. in 行政法 and 经济法)
                seen_parts.setdefault(f.part, f.path)
                out.append(
                    NationalEntry(
                        path=f.path,
                        folder=f.folder,
                        title_zh=f.title_zh,
                        part=f.part,
                        law_id=law_id,
                        instrument=f.instrument,
                        issuer=f.issuer,
                        version_date=f.version_date,
                        effective_from=eff,
                        effective_to=effective_to,
                        status="superseded" if effective_to else "in-force",
                        duplicate_of=dup,
                        superseded_by=superseded_by,
                        effective_source="raw" if raw_dup is not None else f.effective_source,
                        dated_by=None if raw_dup is not None else f.dated_by,
                        amends=f.amends,
                    )
                )
    out.sort(key=lambda e: e.path)
    return out


# --------------------------------------------------------------------------------------------------- verify


@dataclass
class VerifyReport:
    """What `kb corpus verify` found. ``ok`` is False when any problem was found."""

    corpus_root: str
    manifest_path: str
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    laws: int = 0
    versions: int = 0
    indexable: int = 0
    national_files: int = 0
    national_expected: int | None = None
    national_laws: int = 0
    national_by_instrument: dict[str, int] = field(default_factory=dict)
    national_duplicates_of_raw: list[str] = field(default_factory=list)
    national_duplicates_within: list[str] = field(default_factory=list)
    national_superseded_by_raw: list[str] = field(default_factory=list)
    national_multi_version_laws: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self) -> str:
        lines = [
            f"corpus root : {self.corpus_root}",
            f"manifest    : {self.manifest_path}",
            f"raw/        : {self.files_checked} files checked (size + sha256); {self.laws} laws, "
            f"{self.versions} versions, {self.indexable} files to index",
            f"national/   : {self.national_files} files (expected ≈{self.national_expected}), {self.national_laws} laws, "
            f"{self.national_multi_version_laws} with several versions",
            "              by instrument: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.national_by_instrument.items())),
            f"              duplicates of raw/: {len(self.national_duplicates_of_raw)}; same version filed twice: "
            f"{len(self.national_duplicates_within)}; superseded by raw/: {len(self.national_superseded_by_raw)}",
        ]
        for p in self.national_superseded_by_raw:
            lines.append(f"                superseded: {p}")
        for w in self.warnings:
            lines.append(f"WARNING: {w}")
        for p in self.problems:
            lines.append(f"PROBLEM: {p}")
        lines.append("OK" if self.ok else f"FAILED: {len(self.problems)} problem(s)")
        return "\n".join(lines)


def verify(corpus_root: Path | str | None = None, manifest: Manifest | None = None) -> VerifyReport:
    """Check the manifest against the files: every entry present with its size and sha256, no raw/ file left
    out, the corpus' own manifest.json agreeing (where present), and the national/ rule finding its files."""
    from kb.settings import get_settings

    root = Path(corpus_root) if corpus_root is not None else get_settings().corpus_root
    try:
        manifest = manifest or load_manifest()
    except ManifestError as exc:
        rep = VerifyReport(corpus_root=str(root), manifest_path="?")
        rep.problems.append(exc.message)
        return rep
    rep = VerifyReport(corpus_root=str(root), manifest_path=str(manifest.source or "(in memory)"))
    if not root.is_dir():
        rep.problems.append(f"corpus root not found: {root}")
        return rep
    laws = manifest.laws()
    rep.laws = len(laws)
    rep.versions = sum(len(law.versions) for law in laws)
    rep.indexable = len(manifest.indexable())
    for e in manifest.entries:
        p = e.abs_path(root)
        rep.files_checked += 1
        if not p.is_file():
            rep.problems.append(f"missing: {e.path}")
            continue
        size = p.stat().st_size
        if size != e.bytes:
            rep.problems.append(f"size differs: {e.path} is {size} bytes, manifest says {e.bytes}")
        elif sha256_file(p) != e.sha256:
            rep.problems.append(f"sha256 differs: {e.path}")
    listed = {e.path for e in manifest.entries}
    raw_dir = root / "raw"
    if raw_dir.is_dir():
        for p in sorted(raw_dir.rglob("*")):
            if p.is_file() and p.relative_to(root).as_posix() not in listed:
                rep.problems.append(f"not in manifest: {p.relative_to(root).as_posix()}")
    else:
        rep.problems.append(f"raw/ not found under {root}")
    cj = root / "manifest.json"
    if cj.is_file():
        try:
            files = json.loads(cj.read_text(encoding="utf-8")).get("files", [])
            theirs = {f["path"]: f.get("sha256") for f in files}
            for path in sorted(set(theirs) - listed):
                rep.problems.append(f"in manifest.json but not in manifest.toml: {path}")
            for e in manifest.entries:
                if e.path in theirs and theirs[e.path] != e.sha256:
                    rep.problems.append(f"sha256 differs from manifest.json: {e.path}")
        except (ValueError, KeyError, AttributeError) as exc:
            rep.warnings.append(f"manifest.json unreadable: {exc}")

    nat = scan_national(root, manifest)
    rep.national_files = len(nat)
    rep.national_expected = manifest.national.expected_files
    rep.national_laws = len({e.law_id for e in nat})
    counts: dict[str, int] = defaultdict(int)
    for ne in nat:
        counts[ne.instrument] += 1
    rep.national_by_instrument = dict(counts)
    rep.national_duplicates_of_raw = [
        e.path for e in nat if e.duplicate_of and e.duplicate_of.startswith("raw/")
    ]
    rep.national_duplicates_within = [
        e.path for e in nat if e.duplicate_of and not e.duplicate_of.startswith("raw/")
    ]
    rep.national_superseded_by_raw = [e.path for e in nat if e.superseded_by]
    per_law: dict[str, set[date | None]] = defaultdict(set)
    for ne in nat:
        per_law[ne.law_id].add(ne.effective_from)
    rep.national_multi_version_laws = sum(1 for v in per_law.values() if len(v) > 1)
    for path in [ne.path for ne in nat if ne.version_date is None]:
        rep.problems.append(f"national file without a version date: {path}")
    if not nat:
        rep.problems.append(f"national/ rule found no files under {root / manifest.national.folder}")
    elif rep.national_expected and abs(len(nat) - rep.national_expected) > 0.05 * rep.national_expected:
        rep.problems.append(f"national/ rule found {len(nat)} files, expected ≈{rep.national_expected}")
    return rep
