"""Files → one new index generation (article store + lexical indexes + vector collection), then switch.

This module decides what a generation holds (``_build``: hash → parse → assemble → chunk and tokenise → edges and
lineage); ``kb.generation_builder.GenerationBuilder`` writes it through the backend interfaces and publishes it.

Sources: the manifest's indexable raw/ files (the English translation of a version is merged into it by
article key) and the national/ rule (`scan_national`; files that repeat a raw/ version are skipped), by
layer (``raw`` | ``national`` | ``all``), plus extra files handed in by ``ingest_files`` (admin upload).

Incremental: the generation records a fingerprint (sha256 of every source file, the law/version facts the
manifest gives them, the parser code, the embedding model). An ingest whose fingerprint equals the
current generation's changes nothing and says "unchanged". Otherwise only new or changed files are parsed;
unchanged files' parsed documents, the lexical tokens of unchanged chunks and the vectors of unchanged
chunk ids are carried over from the previous generation.

A file that cannot be parsed is reported with its reason code (``ingest.errors``) and the rest ingests;
``strict`` makes any failure fatal (nothing is published). Parsing and tokenising run in a process pool
when there are many files (national/)."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.errors import IngestError
from ingest.model import Article, Heading, ParsedDocument
from kb.checksums import sha256_file
from kb.chunking import NO_START, OPEN_END, Chunk, chunk_article, date_int
from kb.lineage import LineageEdge, Provision, align
from kb.records import Edge, LawRecord, VersionRecord
from kb.settings import Settings
from kb.store_writer import SCHEMA_VERSION, STORE_FILE, ArticleRow, FileRow

if TYPE_CHECKING:
    from kb.generation_builder import StoreContent, VectorCounts
    from kb.notes import NoteRow
    from kb.store_writer import Counts

log = logging.getLogger(__name__)

__all__ = ["SourceFile", "IngestReport", "IngestFailed", "run_ingest", "ingest_files", "collect_sources", "parser_version"]

PIPELINE_VERSION = "2"  # 2: vectors partitioned by language (one Chroma collection per language)
POOL_MIN_FILES = 40  # below this, a process pool costs more than it saves


# ------------------------------------------------------------------------------------------- sources


@dataclass
class SourceFile:
    """One file to ingest and the law/version it belongs to (facts from the manifest or the uploader)."""

    rel: str  # identity in reports and caches: path under the corpus root, or "upload/<name>"
    path: Path
    language: str  # "zh" | "en"
    law: LawRecord
    version: VersionRecord
    order: int = 0  # position among the files of its version (parts of one law)
    sha256: str = ""
    size: int = 0

    def facts(self) -> dict[str, Any]:
        return {"rel": self.rel, "lang": self.language, "law": asdict(self.law), "version": asdict(self.version), "order": self.order}


@dataclass
class Skipped:
    rel: str
    reason: str
    detail: str


def _version_label(label: str, eff: date | None) -> str:
    return f"{label} (effective {eff.isoformat()})" if eff else label


def _national_label(e: Any) -> str:
    """A national/ version's label: its text's date and when it took effect, saying so when no source states
    the date of entry into force (an amended text whose amending decision is not in the snapshot)."""
    if e.version_date is None:
        return _version_label("national/ text (undated)", e.effective_from)
    label = f"national/ text of {e.version_date.isoformat()}"
    if e.effective_source == "version-date":
        return f"{label} (dated by its adoption/promulgation: the text states no later entry into force)"
    if e.effective_source == "decision" and e.effective_from is not None:
        return f"{label} (effective {e.effective_from.isoformat()}, as its amending decision states)"
    return _version_label(label, e.effective_from)


def collect_sources(settings: Settings, layer: str = "raw") -> tuple[list[SourceFile], list[Skipped], str]:
    """The files of ``layer`` with their facts, the files deliberately skipped, and the manifest's sha256."""
    from ingest.manifest import load_manifest, scan_national

    if layer not in {"raw", "national", "all"}:
        raise ValueError(f"layer must be raw, national or all, not {layer!r}")
    manifest = load_manifest(settings.manifest_path)
    manifest_sha = hashlib.sha256(Path(settings.manifest_path).read_bytes()).hexdigest()
    root = Path(settings.corpus_root)
    sources: list[SourceFile] = []
    skipped: list[Skipped] = []
    raw_laws = manifest.laws()
    if layer in {"raw", "all"}:
        for law in raw_laws:
            rec = LawRecord(
                law_id=law.law_id, title_zh=law.title_zh, title_en=law.title_en, jurisdiction=law.jurisdiction,
                instrument=law.instrument, issuer=law.issuer, layer="raw", short_names=tuple(law.short_names),
                topics=tuple(law.topics),
            )
            for v in law.versions:
                files = v.indexed
                if not files:
                    continue
                primary = v.primary or files[0]
                ver = VersionRecord(
                    version_id=v.version_id, law_id=law.law_id, label=_version_label(v.label, v.effective_from),
                    promulgated=v.promulgated, effective_from=v.effective_from, effective_to=v.effective_to,
                    status=v.status, layer="raw", source_path=primary.path, source_url=primary.source_url,
                    official=v.official,
                )
                for i, f in enumerate(sorted(files, key=lambda e: (e.role != "primary", e.path))):
                    sources.append(SourceFile(f.path, root / f.path, f.language, rec, ver, i))
    if layer in {"national", "all"}:
        raw_by_id = {law.law_id: law for law in raw_laws}
        entries = scan_national(root, manifest)
        by_version: dict[str, list[Any]] = defaultdict(list)
        for e in entries:
            if e.duplicate_of:
                skipped.append(Skipped(e.path, "duplicate", f"same version as {e.duplicate_of}"))
                continue
            by_version[e.version_id].append(e)
        for version_id, parts in by_version.items():
            e0 = parts[0]
            raw_law = raw_by_id.get(e0.law_id)
            if raw_law is not None:  # an older version of a raw/ law, kept in the national layer
                rec = LawRecord(
                    law_id=raw_law.law_id, title_zh=raw_law.title_zh, title_en=raw_law.title_en,
                    jurisdiction=raw_law.jurisdiction, instrument=raw_law.instrument, issuer=raw_law.issuer,
                    layer="raw", short_names=tuple(raw_law.short_names), topics=tuple(raw_law.topics),
                )
            else:
                rec = LawRecord(
                    law_id=e0.law_id, title_zh=e0.title_zh, title_en=None, jurisdiction=manifest.national.jurisdiction,
                    instrument=e0.instrument, issuer=e0.issuer, layer="national",
                )
            ver = VersionRecord(
                version_id=version_id, law_id=e0.law_id, label=_national_label(e0),
                promulgated=e0.version_date, effective_from=e0.effective_from, effective_to=e0.effective_to,
                status=e0.status, layer="national", source_path=e0.path, source_url=None, official=True,
            )
            for i, part in enumerate(parts):
                sources.append(SourceFile(part.path, root / part.path, manifest.national.language, rec, ver, i))
    return sources, skipped, manifest_sha


# ------------------------------------------------------------------------------------------- reports


@dataclass
class IngestReport:
    status: str  # "built" | "unchanged" | "failed"
    generation: str | None
    previous: str | None = None
    layer: str = "raw"
    files: list[dict[str, Any]] = field(default_factory=list)  # path, status, reason, error, articles
    counts: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)  # parsed files, token lists, vectors carried over
    timings: dict[str, float] = field(default_factory=dict)
    message: str = ""

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [f for f in self.files if f["status"] == "failed"]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "failures": self.failures}


class IngestFailed(Exception):
    """A strict ingest met a failed file (nothing was published); carries the report."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__(report.message)
        self.report = report


# ------------------------------------------------------------------------------------------- parsing


def parser_version() -> str:
    """Hash of the parser code (ingest/ except this module): a parser change re-parses every file."""
    base = Path(__file__).resolve().parent
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    for f in sorted(base.rglob("*.py")):
        if f.name != "pipeline.py":
            h.update(f.relative_to(base).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def tokenizer_version() -> str:
    """Hash of the tokeniser code and the jieba user dictionary: lexical tokens carried over from the
    previous generation are reused only when this is unchanged (index and query must tokenise alike)."""
    import jieba

    from kb import tokenize

    h = hashlib.sha256(getattr(jieba, "__version__", "?").encode())
    for f in (Path(tokenize.__file__), getattr(tokenize, "_LEGAL_DICT", None)):
        if f is not None and Path(f).is_file():
            h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]



def _encode_doc(doc: ParsedDocument) -> bytes:
    return zlib.compress(json.dumps(asdict(doc), ensure_ascii=False).encode(), 6)


def _decode_doc(blob: bytes) -> ParsedDocument:
    d = json.loads(zlib.decompress(blob))
    arts = [
        Article(a["number"], a["suffix"], a["label"], list(a["paragraphs"]), tuple(Heading(**h) for h in a["path"]))
        for a in d["articles"]
    ]
    return ParsedDocument(
        language=d["language"], title=d["title"], articles=arts, headings=[Heading(**h) for h in d.get("headings", [])],
        metadata=d.get("metadata", {}), preamble=d.get("preamble", ""), warnings=d.get("warnings", []),
    )


def _parse_one(path: str, language: str) -> tuple[str, Any]:
    """Worker: ("ok", ParsedDocument) or ("failed", (reason, message)). Never raises."""
    from ingest.parse import parse_file

    try:
        doc = parse_file(Path(path), language="en" if language == "en" else "zh")
        if not doc.articles:
            return "failed", ("no_articles", "the file holds no article")
        return "ok", doc
    except IngestError as exc:
        return "failed", (exc.reason, str(exc))
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the batch
        return "failed", ("parser_error", f"{type(exc).__name__}: {exc}")


def _tokenize_batch(batch: list[tuple[str, str]]) -> list[list[str]]:
    from kb.tokenize import tokenize

    return [tokenize(text, lang) for lang, text in batch]


def _process_alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (killed, not yet reaped by its parent) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _die_with(ingest_pid: int) -> None:
    """Pool worker initializer: a worker never outlives the ingest that started it (a ``kill -9`` of ``kb ingest``
    left its forkserver and workers running, ~180 MB each). A worker is a child of the forkserver, not of the
    ingest, and the forkserver waits for its children (each holds its liveness pipe), so nothing in multiprocessing
    ends them. A watch thread checks the ingest process every half second and exits the worker when it is gone;
    the forkserver then exits by itself. PR_SET_PDEATHSIG covers a forkserver that is killed first."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux/glibc: the watch thread below still holds
        pass

    def watch() -> None:
        while _process_alive(ingest_pid):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-ingest", daemon=True).start()


def _pool(n_tasks: int) -> ProcessPoolExecutor | None:
    workers = min(2, os.cpu_count() or 1)
    if n_tasks < POOL_MIN_FILES or workers < 2:
        return None
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_die_with, initargs=(os.getpid(),))


# ------------------------------------------------------------------------------------------- assembly


@dataclass
class _Version:
    law: LawRecord
    version: VersionRecord
    zh: list[ParsedDocument] = field(default_factory=list)
    en: list[ParsedDocument] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _path_rows(path: Sequence[Heading]) -> list[list[str]]:
    return [[h.level, h.label, h.title] for h in path]


def _assemble(v: _Version) -> list[tuple[ArticleRow, list[list[str]]]]:
    """Articles of one version, zh and en aligned by key, in zh order (English-only keys after).
    Returns (row, English heading path) pairs."""
    from kb.numerals import article_label, english_label

    zh: dict[str, Article] = {}
    for doc in v.zh:
        for art in doc.articles:
            zh.setdefault(art.key, art)  # a key twice in one version: the first text wins
    en: dict[str, Article] = {}
    for doc in v.en:
        for art in doc.articles:
            en.setdefault(art.key, art)
    keys = list(zh) + [k for k in en if k not in zh]
    rows = []
    for i, key in enumerate(keys):
        z, e = zh.get(key), en.get(key)
        a: Article | None = z if z is not None else e
        assert a is not None
        rows.append((
            ArticleRow(
                article_id=f"{v.version.version_id}#{key}", law_id=v.law.law_id, version_id=v.version.version_id,
                key=key, number=a.number, suffix=a.suffix, ord=i,
                label_zh=(z.label if z else None) or (article_label(a.number, a.suffix) if z else None),
                label_en=english_label(a.number, a.suffix) if (e or v.law.jurisdiction != "eu") else None,
                paragraphs_zh=list(z.paragraphs) if z else [], paragraphs_en=list(e.paragraphs) if e else [],
                path=_path_rows(a.path),
            ),
            _path_rows(e.path) if e else [],
        ))
    return rows


def _chunks_for(row: ArticleRow, en_path: list[list[str]], law: LawRecord, ver: VersionRecord) -> list[Chunk]:
    meta = {
        "law_id": law.law_id, "version_id": ver.version_id, "article_id": row.article_id, "key": row.key,
        "effective_from": date_int(ver.effective_from, NO_START), "effective_to": date_int(ver.effective_to, OPEN_END),
        "jurisdiction": law.jurisdiction, "instrument": law.instrument, "layer": ver.layer,
    }
    out: list[Chunk] = []
    if row.paragraphs_zh:
        head = " ".join([law.title_zh, *(f"{lb}\u3000{t}".strip() for _lv, lb, t in row.path), row.label_zh or ""]).strip()
        out += chunk_article(article_id=row.article_id, lang="zh", header=head, paragraphs=row.paragraphs_zh, metadata=meta)
    if row.paragraphs_en:
        parts = [law.title_en or law.title_zh, *(f"{lb} {t}".strip() for _lv, lb, t in en_path), row.label_en or ""]
        out += chunk_article(article_id=row.article_id, lang="en", header=" ".join(parts).strip(), paragraphs=row.paragraphs_en, metadata=meta)
    return out


# ------------------------------------------------------------------------------------------- edges


def _find_edges(
    rows: list[ArticleRow], versions: dict[str, _Version], title_index: dict[str, str],
    keys_by_version: dict[str, set[str]], versions_by_law: dict[str, list[VersionRecord]],
) -> list[Edge]:
    """Cross-references in the Chinese text → edges; the cited law is resolved by title against the
    laws of this generation, the article within the version in force on the citing version's start."""
    from ingest.xrefs import find_references

    edges: list[Edge] = []
    for row in rows:
        if not row.paragraphs_zh:
            continue
        v = versions[row.version_id]
        own = v.law.title_zh
        seen: set[tuple] = set()
        for ref in find_references("\n".join(row.paragraphs_zh), own_title=own):
            if ref.kind == "paragraph":
                continue  # 本条第二款: a pointer inside the citing article itself, not an edge
            if ref.kind == "preceding":
                edge = Edge(row.article_id, row.law_id, own, row.key, row.article_id, "preceding-paragraph", ref.text)
            else:
                dst_law = row.law_id if ref.target_title is None else _resolve_title(ref.target_title, title_index)
                if dst_law == row.law_id:  # 本法第X条 (or the law's own title written out)
                    dst_id = f"{row.version_id}#{ref.article}" if ref.article in keys_by_version[row.version_id] else None
                    edge = Edge(row.article_id, row.law_id, own, ref.article, dst_id, "same-law", ref.text)
                else:
                    dst_id = None
                    if dst_law is not None and ref.article is not None:
                        target = _version_on(versions_by_law.get(dst_law, []), v.version.effective_from)
                        if target is not None and ref.article in keys_by_version.get(target.version_id, set()):
                            dst_id = f"{target.version_id}#{ref.article}"
                    edge = Edge(row.article_id, dst_law, ref.target_title or own, ref.article, dst_id, "other-law", ref.text)
            ident = (edge.dst_law_id, edge.dst_law_title, edge.dst_key, edge.kind, edge.text)
            if ident not in seen:
                seen.add(ident)
                edges.append(edge)
    return edges


def _lineage(
    versions_by_law: dict[str, list[VersionRecord]], rows_by_version: dict[str, list[tuple[ArticleRow, list[list[str]]]]],
) -> list[tuple[str, str, str, list[LineageEdge]]]:
    """Provision lineage of every pair of consecutive versions of a law (kb.lineage.align):
    (law_id, older version id, next version id, edges)."""
    out = []
    for law_id, vs in versions_by_law.items():
        held = [v for v in vs if rows_by_version.get(v.version_id)]
        for old, new in zip(held, held[1:], strict=False):
            out.append((law_id, old.version_id, new.version_id,
                        align(_provisions(rows_by_version[old.version_id]), _provisions(rows_by_version[new.version_id]))))
    return out


def _provisions(rows: list[tuple[ArticleRow, list[list[str]]]]) -> list[Provision]:
    return [Provision(r.key, "\n".join(r.paragraphs_zh or r.paragraphs_en), r.path[-1][2] if r.path else "") for r, _ in rows]


def _resolve_title(title: str, title_index: dict[str, str]) -> str | None:
    """law_id for a cited title: exact (normalised) match, else the longest known title the citation
    ends with ("人民法院认定反不正当竞争法" → the AUCL) — reference extraction can over-reach leftwards."""
    from kb.titles import normalize_title

    key = normalize_title(title)
    if key in title_index:
        return title_index[key]
    best = max((k for k in title_index if len(k) >= 3 and key.endswith(k)), key=len, default=None)
    return title_index[best] if best else None


def _version_on(versions: list[VersionRecord], day: date | None) -> VersionRecord | None:
    """The version in force on ``day`` (latest start), else the earliest one after it, else the last."""
    if not versions:
        return None
    if day is not None:
        live = [x for x in versions if x.in_force_on(day)]
        if live:
            return live[-1]
        later = [x for x in versions if x.effective_from and x.effective_from > day]
        if later:
            return later[0]
    return versions[-1]


# ------------------------------------------------------------------------------------------- build


def _fingerprint(sources: Sequence[SourceFile], manifest_sha: str, pversion: str, model: str, layer: str, tversion: str) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([PIPELINE_VERSION, SCHEMA_VERSION, manifest_sha, pversion, model, layer, tversion]).encode())
    for s in sorted(sources, key=lambda s: s.rel):
        h.update(json.dumps([s.rel, s.sha256, s.facts()], default=str, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def _open_previous(settings: Settings) -> _Previous:
    """The generation id, manifest and ArticleStore of CURRENT (Nones when it is absent/broken)."""
    from kb.generations import current_generation, generation_dir, read_generation_manifest
    from kb.store import ArticleStore

    gen = current_generation(settings)
    if gen is None:
        return _Previous(None, None, None)
    try:
        gpath = generation_dir(settings, gen)
        manifest = read_generation_manifest(gpath)
        return _Previous(gen, manifest, ArticleStore(gpath / STORE_FILE))
    except Exception as exc:  # noqa: BLE001 - a broken previous generation just means a full build
        log.warning("previous generation %s unusable (%s); building from scratch", gen, exc)
        return _Previous(gen, None, None)


def run_ingest(
    settings: Settings,
    *,
    layer: str = "raw",
    strict: bool = False,
    extra: Sequence[SourceFile] = (),
    hook: Callable[[str], None] | None = None,
    progress: Callable[[str], None] | None = None,
    defer_vectors: bool = False,
    force: bool = False,
) -> IngestReport:
    """Build (or confirm unchanged) the generation for ``layer`` + ``extra`` files and switch CURRENT.

    ``hook(stage)`` is called at each stage (tests use it to simulate a crash midway). ``force`` builds and publishes a
    new generation even when nothing changed (its parsed files, tokens and vectors are still reused)."""
    from kb.generations import ingest_lock

    say = progress or (lambda _msg: None)
    with ingest_lock(settings):
        t0 = time.perf_counter()
        sources, skipped, manifest_sha = collect_sources(settings, layer) if layer != "none" else ([], [], "")
        if extra:
            sources = _merge_extra(settings, sources, extra)
        return _build(settings, sources, skipped, manifest_sha, layer, strict, hook or (lambda _s: None), say, t0,
                      defer_vectors=defer_vectors, force=force)


def _merge_extra(settings: Settings, sources: list[SourceFile], extra: Sequence[SourceFile]) -> list[SourceFile]:
    """Uploaded files add a law or replace the versions of a law they name; a version given by upload
    replaces the same version from the corpus."""
    replaced = {s.version.version_id for s in extra}
    kept = [s for s in sources if s.version.version_id not in replaced]
    return kept + list(extra)


@dataclass
class _Previous:
    """The generation CURRENT names when the build starts: what can be reused from it."""

    generation: str | None
    manifest: dict[str, Any] | None
    store: Any  # kb.store.ArticleStore, or None when absent/broken

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


@dataclass
class _Parsed:
    docs: dict[str, ParsedDocument]  # by source rel
    failures: dict[str, tuple[str, str]]  # rel -> (reason, message)
    reused: int  # parsed documents carried over from the previous generation


@dataclass
class _Assembly:
    versions: dict[str, _Version]  # by version id
    dropped: set[str]  # versions whose main text failed
    versions_by_law: dict[str, list[VersionRecord]]  # by effective date
    rows_by_version: dict[str, list[tuple[ArticleRow, list[list[str]]]]]
    keys_by_version: dict[str, set[str]]

    def ordered(self) -> list[str]:
        """Version ids in store order: the curated layer first."""
        return sorted(self.versions, key=lambda x: (self.versions[x].law.layer != "raw", x))


@dataclass
class _Chunked:
    rows: list[ArticleRow]
    chunks: list[Chunk]
    tokens: list[list[str] | None]
    reused: int  # token lists carried over from the previous generation


class _Workers:
    """The process pool that parsing and tokenising share: started when a step has enough work, shut down on exit."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    def start(self, n_tasks: int) -> ProcessPoolExecutor | None:
        if self.pool is None:
            self.pool = _pool(n_tasks)
        return self.pool

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown()


@contextmanager
def _timed(timings: dict[str, float], key: str) -> Iterator[None]:
    t = time.perf_counter()
    yield
    timings[key] = time.perf_counter() - t


def _build(
    settings: Settings, sources: list[SourceFile], skipped: list[Skipped], manifest_sha: str, layer: str,
    strict: bool, hook: Callable[[str], None], say: Callable[[str], None], t0: float, *, defer_vectors: bool = False,
    force: bool = False,
) -> IngestReport:
    """hash → (unchanged?) → parse → assemble → chunk + tokenise → link (edges, lineage) → write the generation
    (kb.generation_builder: store, lexical, vectors, notes) → publish."""
    from kb.embedder import get_embedder
    from kb.generation_builder import GenerationBuilder

    timings: dict[str, float] = {}
    pversion, tversion = parser_version(), tokenizer_version()
    embedder = get_embedder(settings)
    ok_sources, file_rows = _hash_sources(sources, pversion)
    fingerprint = _fingerprint(sources, manifest_sha + _notes_digest(settings), pversion, embedder.name, layer, tversion)
    timings["hash"] = time.perf_counter() - t0

    prev = _open_previous(settings)
    report = IngestReport(status="built", generation=None, previous=prev.generation, layer=layer)
    try:
        if not force and _is_unchanged(prev, fingerprint, defer_vectors):
            return _unchanged_report(report, prev, timings, t0)
        with GenerationBuilder(settings, embedder, hook=hook, say=say) as builder:
            with _Workers() as workers:
                with _timed(timings, "parse"):
                    parsed = _parse(ok_sources, prev, pversion, workers, say)
                hook("parsed")
                assembly = _assemble_versions(ok_sources, parsed.docs)
                with _timed(timings, "tokenize"):
                    chunked = _chunk_and_tokenize(assembly, prev, tversion, workers, say)
            hook("tokenized")
            with _timed(timings, "edges"):
                edges = _edges(assembly, chunked.rows)
            with _timed(timings, "lineage"):
                lineage = _lineage(assembly.versions_by_law, assembly.rows_by_version)
            with _timed(timings, "store"):
                file_rows += _file_rows(ok_sources, skipped, parsed, assembly, pversion)
                content = _store_content(file_rows, assembly, chunked, edges, lineage)
                counts = builder.write_store(content, {"generation": builder.generation, "fingerprint": fingerprint,
                                                       "layer": layer, "embedding_model": embedder.name})
            with _timed(timings, "lexical"):
                builder.write_lexical(chunked.chunks, chunked.tokens)
            with _timed(timings, "vectors"):
                vectors = builder.write_vectors(chunked.chunks, defer=defer_vectors)
            with _timed(timings, "notes"):
                notes = builder.write_notes(_note_rows(settings, assembly, say), defer=defer_vectors)
            _record(report, file_rows, counts, vectors, notes, parsed, chunked)
            if strict and report.failures:
                report.status = "failed"
                report.message = f"{len(report.failures)} file(s) failed; strict mode: nothing was published"
                raise IngestFailed(report)
            timings["total"] = time.perf_counter() - t0
            report.timings = {k: round(x, 3) for k, x in timings.items()}
            builder.publish({
                "parent": prev.generation, "created": datetime.now(UTC).isoformat(timespec="seconds"), "layer": layer,
                "fingerprint": fingerprint, "parser_version": pversion, "tokenizer_version": tversion,
                "counts": report.counts, "reused": report.reused, "timings": report.timings, "report_files": report.files,
                "articles_checksum": counts.extra.get("articles_checksum"),
            }, keep={prev.generation} if prev.generation else set())
            report.generation = builder.generation
            report.message = (f"built generation {builder.generation}: {counts.articles} articles, {counts.chunks} chunks, "
                              f"{len(report.failures)} failed file(s)")
        return report
    finally:
        prev.close()


def _record(report: IngestReport, file_rows: Sequence[FileRow], counts: Counts, vectors: VectorCounts,
            notes: tuple[int, int], parsed: _Parsed, chunked: _Chunked) -> None:
    """What the build holds and what it reused, into the report (and so into the generation manifest)."""
    report.files = [
        {"path": f.path, "status": f.status, "reason": f.reason, "error": f.error, "articles": f.articles,
         "law_id": f.law_id, "version_id": f.version_id}
        for f in file_rows
    ]
    report.counts = {"laws": counts.laws, "versions": counts.versions, "articles": counts.articles,
                     "chunks": counts.chunks, "edges": counts.edges, "vectors": vectors.present,
                     "vectors_missing": vectors.missing, "notes": notes[0], "notes_vectors_missing": notes[1]}
    report.reused = {"parsed_files": parsed.reused, "tokens": chunked.reused,
                     "vectors": max(0, vectors.present - vectors.embedded), "embedded": vectors.embedded}


def _notes_digest(settings: Settings) -> str:
    from ingest.notes import notes_digest

    return notes_digest(settings.notes_dir)


def _hash_sources(sources: Sequence[SourceFile], pversion: str) -> tuple[list[SourceFile], list[FileRow]]:
    """Size and sha256 of every source (set on it): the readable ones, and a failed row for each unreadable one."""
    ok: list[SourceFile] = []
    failed: list[FileRow] = []
    for s in sources:
        try:
            s.size = s.path.stat().st_size
            s.sha256 = sha256_file(s.path)
            ok.append(s)
        except OSError as exc:
            failed.append(FileRow(s.rel, None, None, "failed", "missing_file", str(exc), 0, s.law.law_id,
                                  s.version.version_id, s.language, s.version.layer, pversion))
    return ok, failed


def _is_unchanged(prev: _Previous, fingerprint: str, defer_vectors: bool) -> bool:
    """The current generation was built from the same inputs (and holds every vector, unless this build defers)."""
    if prev.manifest is None or prev.store is None:
        return False
    complete = defer_vectors or prev.manifest.get("vectors_complete", True)
    return bool(complete) and prev.manifest.get("fingerprint") == fingerprint


def _unchanged_report(report: IngestReport, prev: _Previous, timings: dict[str, float], t0: float) -> IngestReport:
    assert prev.manifest is not None
    report.status, report.generation = "unchanged", prev.generation
    report.files = prev.manifest.get("report_files", [])
    report.counts = prev.manifest.get("counts", {})
    report.message = f"nothing changed: generation {prev.generation} is current"
    timings["total"] = time.perf_counter() - t0
    report.timings = timings
    return report


def _parse(ok_sources: Sequence[SourceFile], prev: _Previous, pversion: str, workers: _Workers,
           say: Callable[[str], None]) -> _Parsed:
    """Parse every source; an unchanged file's parse (same sha256 and parser) comes from the previous generation."""
    docs: dict[str, ParsedDocument] = {}
    to_parse: list[SourceFile] = []
    reused = 0
    for s in ok_sources:
        blob = prev.store.parsed_file(s.rel, s.sha256, pversion) if prev.store is not None else None
        if blob is not None:
            try:
                docs[s.rel] = _decode_doc(blob)
                reused += 1
                continue
            except (ValueError, KeyError, TypeError, zlib.error):
                pass
        to_parse.append(s)
    say(f"parsing {len(to_parse)} files ({reused} unchanged reused)")
    failures: dict[str, tuple[str, str]] = {}
    pool = workers.start(len(to_parse))
    results: Iterable[tuple[str, Any]]
    if pool is not None:
        results = pool.map(_parse_one, [str(s.path) for s in to_parse], [s.language for s in to_parse], chunksize=4)
    else:
        results = (_parse_one(str(s.path), s.language) for s in to_parse)
    for s, (status, value) in zip(to_parse, results, strict=True):
        if status == "ok":
            docs[s.rel] = value
        else:
            failures[s.rel] = value
    return _Parsed(docs, failures, reused)


def _assemble_versions(ok_sources: Sequence[SourceFile], docs: dict[str, ParsedDocument]) -> _Assembly:
    """Versions from their files (zh + en aligned by key); a version whose main text failed is dropped; each law's
    versions in date order, an open range closed at the next version's start."""
    versions: dict[str, _Version] = {}
    for s in sorted(ok_sources, key=lambda s: (s.version.version_id, s.order)):
        v = versions.setdefault(s.version.version_id, _Version(s.law, s.version))
        v.sources.append(s.rel)
        if s.rel in docs:
            (v.zh if s.language == "zh" else v.en).append(docs[s.rel])
    dropped: set[str] = set()
    for vid, v in versions.items():
        primary_lang = "en" if v.law.jurisdiction == "eu" else "zh"
        if not (v.zh if primary_lang == "zh" else v.en):
            dropped.add(vid)  # its main text failed: an English-only shadow would mislead
    for vid in dropped:
        del versions[vid]
    versions_by_law: dict[str, list[VersionRecord]] = defaultdict(list)
    for v in versions.values():
        versions_by_law[v.law.law_id].append(v.version)
    for law_id, vs in versions_by_law.items():
        vs.sort(key=lambda x: x.effective_from or date.min)
        for i, cur in enumerate(vs[:-1]):  # close an open range at the next version's start
            nxt = vs[i + 1]
            if cur.effective_to is None and nxt.effective_from and cur.effective_from and nxt.effective_from > cur.effective_from:
                fixed = VersionRecord(**{**asdict(cur), "effective_to": nxt.effective_from - timedelta(days=1), "status": "superseded"})
                versions[cur.version_id].version = fixed
                vs[i] = fixed
        versions_by_law[law_id] = vs
    rows_by_version = {vid: _assemble(v) for vid, v in versions.items()}
    keys_by_version = {vid: {r.key for r, _ in rows} for vid, rows in rows_by_version.items()}
    return _Assembly(versions, dropped, versions_by_law, rows_by_version, keys_by_version)


def _chunk_and_tokenize(assembly: _Assembly, prev: _Previous, tversion: str, workers: _Workers,
                        say: Callable[[str], None]) -> _Chunked:
    """Chunks of every article (curated layer first) and their lexical tokens; the tokens of an unchanged chunk id
    come from the previous generation when the tokeniser is the same."""
    rows: list[ArticleRow] = []
    chunks: list[Chunk] = []
    for vid in assembly.ordered():
        v = assembly.versions[vid]
        for row, en_path in assembly.rows_by_version[vid]:
            rows.append(row)
            chunks += _chunks_for(row, en_path, v.law, v.version)
    same_tokenizer = prev.manifest is not None and prev.manifest.get("tokenizer_version") == tversion
    old_tokens = prev.store.chunk_tokens() if prev.store is not None and same_tokenizer else {}
    tokens: list[list[str] | None] = [old_tokens.get(c.chunk_id) for c in chunks]
    todo = [i for i, tok in enumerate(tokens) if tok is None]
    say(f"tokenising {len(todo)} chunks ({len(chunks) - len(todo)} reused)")
    batch = [(chunks[i].lang, chunks[i].full_text) for i in todo]
    pool = workers.pool if workers.pool is not None or len(todo) <= 5000 else workers.start(POOL_MIN_FILES)
    if pool is not None and len(batch) > 2000:
        size = max(500, len(batch) // 16)
        parts = [batch[i : i + size] for i in range(0, len(batch), size)]
        new_tokens = [tok for part in pool.map(_tokenize_batch, parts) for tok in part]
    else:
        new_tokens = _tokenize_batch(batch)
    for i, tok in zip(todo, new_tokens, strict=True):
        tokens[i] = tok
    return _Chunked(rows, chunks, tokens, len(chunks) - len(todo))


def _edges(assembly: _Assembly, rows: list[ArticleRow]) -> list[Edge]:
    """The citation graph of this build: references resolved against its laws' titles and short names."""
    from kb.titles import normalize_title

    title_index: dict[str, str] = {}
    for v in assembly.versions.values():
        for name in (v.law.title_zh, *(v.law.short_names or ())):
            title_index.setdefault(normalize_title(name), v.law.law_id)
    return _find_edges(rows, assembly.versions, title_index, assembly.keys_by_version, assembly.versions_by_law)


def _file_rows(ok_sources: Sequence[SourceFile], skipped: Sequence[Skipped], parsed: _Parsed, assembly: _Assembly,
               pversion: str) -> list[FileRow]:
    """One row per readable source (ok, failed with its reason, or skipped with its version) and per skipped file;
    a parsed file keeps its parse for the next build's reuse."""
    rows: list[FileRow] = []
    for s in ok_sources:
        n = len(parsed.docs[s.rel].articles) if s.rel in parsed.docs else 0
        facts = (s.law.law_id, s.version.version_id, s.language, s.version.layer, pversion)
        if s.rel in parsed.failures:
            reason, err = parsed.failures[s.rel]
            rows.append(FileRow(s.rel, s.sha256, s.size, "failed", reason, err, 0, *facts))
        elif s.version.version_id in assembly.dropped:
            blob = _encode_doc(parsed.docs[s.rel]) if s.rel in parsed.docs else None
            rows.append(FileRow(s.rel, s.sha256, s.size, "skipped", "primary_failed", "the main text of this version failed", n, *facts, blob))
        else:
            rows.append(FileRow(s.rel, s.sha256, s.size, "ok", None, None, n, *facts, _encode_doc(parsed.docs[s.rel])))
    for sk in skipped:
        rows.append(FileRow(sk.rel, None, None, "skipped", sk.reason, sk.detail))
    return rows


def _store_content(file_rows: list[FileRow], assembly: _Assembly, chunked: _Chunked, edges: list[Edge],
                   lineage: list[tuple[str, str, str, list[LineageEdge]]]) -> StoreContent:
    from kb.generation_builder import StoreContent

    laws: dict[str, LawRecord] = {}
    for v in sorted(assembly.versions.values(), key=lambda v: all(r.startswith("upload/") for r in v.sources)):
        laws.setdefault(v.law.law_id, v.law)  # the manifest's facts about a law win over an upload's
    return StoreContent(
        files=file_rows, laws=sorted(laws.values(), key=lambda x: (x.layer != "raw", x.law_id)),
        versions=[(assembly.versions[vid].version, assembly.versions[vid].sources) for vid in assembly.ordered()],
        articles=chunked.rows, chunks=chunked.chunks, tokens=chunked.tokens, edges=edges, lineage=lineage,
    )


def _note_rows(settings: Settings, assembly: _Assembly, say: Callable[[str], None]) -> list[NoteRow]:
    """Our notes of corpus/notes (headnotes, example questions, charge names) resolved to this build's articles (law
    + version date + key); a note naming an article not in the build is dropped."""
    from ingest.notes import load_notes
    from kb.notes import NoteRow

    by_law_date: dict[tuple[str, str], _Version] = {}
    for v in assembly.versions.values():
        eff = v.version.effective_from
        by_law_date[(v.law.law_id, eff.isoformat() if eff else "")] = v
    # a note may still name a national/ version by its promulgation date (its key before versions were dated by
    # entry into force): it resolves to that version unless the date is another version's effective date
    by_promulgation: dict[tuple[str, str], _Version] = {}
    for v in assembly.versions.values():
        prom = v.version.promulgated
        if prom is not None and (v.law.law_id, prom.isoformat()) not in by_law_date:
            by_promulgation.setdefault((v.law.law_id, prom.isoformat()), v)
    rows: list[NoteRow] = []
    dropped = by_old_key = 0
    for note in load_notes(settings.notes_dir):
        held = by_law_date.get((note.law_id, note.version))
        old_key = held is None
        if old_key:
            held = by_promulgation.get((note.law_id, note.version))
        if held is None or note.key not in assembly.keys_by_version.get(held.version.version_id, ()):
            dropped += 1
            continue
        by_old_key += old_key
        ver, law = held.version, held.law
        rows.append(NoteRow(
            article_id=f"{ver.version_id}#{note.key}", law_id=law.law_id, kind=note.kind, lang=note.lang, text=note.text,
            effective_from=date_int(ver.effective_from, NO_START), effective_to=date_int(ver.effective_to, OPEN_END),
            jurisdiction=law.jurisdiction, instrument=law.instrument, layer=ver.layer, scope=note.scope,
        ))
    old = f"; {by_old_key} name their version by its promulgation date" if by_old_key else ""
    say(f"notes: {len(rows)} for this build ({dropped} name articles outside it{old})")
    return rows


def embedded_texts(settings: Settings, layer: str = "raw") -> dict[str, list[str]]:
    """The texts a build of ``layer`` hands the vector cache, as it keys them: ``chunks`` — the full text of every
    chunk in the embedding model's languages (parsed and chunked as a build does, nothing written) — and ``notes`` —
    every note of corpus/notes with its kind's prefix — and ``notes_plain``, the same notes as the notes' second model
    (``KB_NOTES_MODEL``) embeds them, without a prefix. `scripts/build_vector_seed.py` seeds these."""
    from ingest.notes import load_notes
    from kb.notes import note_cache_text

    sources, _skipped, _sha = collect_sources(settings, layer)
    ok_sources, _rows = _hash_sources(sources, parser_version())
    with _Workers() as workers:
        parsed = _parse(ok_sources, _Previous(None, None, None), parser_version(), workers, lambda _m: None)
    assembly = _assemble_versions(ok_sources, parsed.docs)
    langs = settings.embedding_langs()
    chunks: list[str] = []
    for vid in assembly.ordered():
        v = assembly.versions[vid]
        for row, en_path in assembly.rows_by_version[vid]:
            chunks += [c.full_text for c in _chunks_for(row, en_path, v.law, v.version) if c.lang in langs]
    loaded = load_notes(settings.notes_dir)
    notes = [note_cache_text(n.kind, n.text) for n in loaded]
    return {"chunks": chunks, "notes": notes, "notes_plain": [n.text for n in loaded]}


def ingest_files(
    settings: Settings,
    files: Sequence[tuple[Path | str, dict[str, Any]]],
    *,
    layer: str = "raw",
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    defer_vectors: bool = False,
    force: bool = False,
) -> IngestReport:
    """Build a new generation = the corpus ``layer`` + these files (admin upload). Each metadata dict:
    ``law_id`` (required), ``title_zh`` (required), optional ``title_en``, ``language`` (zh), ``jurisdiction``
    (cn), ``instrument`` (other), ``issuer``, ``short_names``, ``topics``, ``effective_from`` /
    ``effective_to`` / ``promulgated`` (ISO dates), ``status``, ``version_label``, ``source_url``, ``name``.
    A file naming an existing version (same law_id + effective_from) replaces it; otherwise it adds one."""
    extra: list[SourceFile] = []
    for i, (path, meta) in enumerate(files):
        p = Path(path)
        if not meta.get("law_id") or not meta.get("title_zh"):
            raise ValueError(f"{p.name}: metadata needs law_id and title_zh")
        eff = _iso(meta.get("effective_from"))
        law = LawRecord(
            law_id=meta["law_id"], title_zh=meta["title_zh"], title_en=meta.get("title_en"),
            jurisdiction=meta.get("jurisdiction", "cn"), instrument=meta.get("instrument", "other"),
            issuer=meta.get("issuer"), layer=meta.get("layer", "raw"), short_names=tuple(meta.get("short_names", ())),
            topics=tuple(meta.get("topics", ())),
        )
        vid = f"{law.law_id}@{eff.isoformat() if eff else 'undated'}"
        eff_to = _iso(meta.get("effective_to"))
        ver = VersionRecord(
            version_id=vid, law_id=law.law_id, label=_version_label(meta.get("version_label", "uploaded text"), eff),
            promulgated=_iso(meta.get("promulgated")), effective_from=eff, effective_to=eff_to,
            status=meta.get("status", "superseded" if eff_to else "in-force"), layer=law.layer,
            source_path=f"upload/{meta.get('name', p.name)}", source_url=meta.get("source_url"), official=bool(meta.get("official", True)),
        )
        extra.append(SourceFile(f"upload/{meta.get('name', p.name)}", p, meta.get("language", "zh"), law, ver, i))
    return run_ingest(settings, layer=layer, strict=strict, extra=extra, progress=progress, defer_vectors=defer_vectors, force=force)


def _iso(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))
