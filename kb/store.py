"""The article store of one generation: SQLite, opened read-only, verified on open.

Readers (retrieval, answering, listing check, API) only ever see a finished generation; if its database
is truncated, of another schema, or its rows do not match the counts and checksum written at build time,
opening raises ``IndexCorrupt`` rather than serving wrong answers."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import zlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from kb.errors import AmbiguousLaw, IndexCorrupt, LawNotFound, NotFound
from kb.records import ArticleRecord, Edge, LawRecord, LineageLink, VersionRecord
from kb.slugs import assign_slugs, is_slug, title_slug
from kb.store_writer import CHECKSUM_SQL, SCHEMA_VERSION, articles_checksum, unpack_tokens
from kb.titles import normalize_title

__all__ = ["ArticleStore"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REQUIRED_TABLES = {"meta", "files", "laws", "versions", "articles", "paragraphs", "chunks", "edges", "lineage"}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _name_key(name: str) -> str:
    """A law name as the lookup compares it: the shared ``normalize_title``, case-folded (English titles)."""
    return normalize_title(name).casefold()


_CACHED = 20_000  # versions and articles kept per open store (ArticleStore caches)
_MISSING = object()

class ArticleStore:
    """Read API over one generation's ``store.sqlite`` (see docs/ARCHITECTURE.md)."""

    def __init__(self, path: Path, *, verify: bool = True) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._check_header()
        try:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self.meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
            if verify:
                self._verify()
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"article store {self.path} is unreadable: {exc}") from exc
        self._laws: dict[str, LawRecord] | None = None
        self._by_slug: dict[str, str] = {}
        # The store is immutable (one generation's file): the versions of a law, a version, and an article by version
        # and key are read once. Retrieval and every answer ask for the same few hundred again and again (the memory's
        # votes, the answer's evidence, the citation gate). Bounded; the records are frozen.
        self._versions_of: dict[str, tuple[VersionRecord, ...]] = {}
        self._version_by_id: dict[str, VersionRecord] = {}
        self._article_at: dict[tuple[str, str], ArticleRecord | None] = {}

    # --- integrity ------------------------------------------------------------------------------------
    def _check_header(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(100)
        except OSError as exc:
            raise IndexCorrupt(f"article store {self.path} is missing: {exc}") from exc
        if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
            raise IndexCorrupt(f"article store {self.path} is not a SQLite database")
        page_size = int.from_bytes(head[16:18], "big") or 65536
        pages = int.from_bytes(head[28:32], "big")
        if pages and self.path.stat().st_size < page_size * pages:
            raise IndexCorrupt(f"article store {self.path} is truncated")

    def _verify(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not _REQUIRED_TABLES <= tables:
            raise IndexCorrupt(f"article store {self.path} lacks tables {sorted(_REQUIRED_TABLES - tables)}")
        if self.meta.get("schema_version") != SCHEMA_VERSION:
            raise IndexCorrupt(f"article store {self.path} has schema {self.meta.get('schema_version')!r}, expected {SCHEMA_VERSION}")
        n_articles = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        n_chunks = self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        if str(n_articles) != self.meta.get("article_count") or str(n_chunks) != self.meta.get("chunk_count"):
            raise IndexCorrupt(f"article store {self.path}: row counts do not match the build record")
        checksum = articles_checksum(self.db.execute(CHECKSUM_SQL))
        if checksum != self.meta.get("articles_checksum"):
            raise IndexCorrupt(f"article store {self.path}: article checksum mismatch")

    def close(self) -> None:
        self.db.close()

    def _q(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self.db.execute(sql, tuple(args)).fetchall()
            except sqlite3.DatabaseError as exc:
                raise IndexCorrupt(f"article store {self.path}: {exc}") from exc

    # --- laws -----------------------------------------------------------------------------------------
    def _law_map(self) -> dict[str, LawRecord]:
        if self._laws is None:
            rows = self._q("SELECT law_id, title_zh, title_en, jurisdiction, instrument, issuer, layer, short_names, topics FROM laws ORDER BY rowid")
            slugs = assign_slugs(r[0] for r in rows)
            taken = set(slugs.values())
            laws = {}
            by_slug = {}
            for r in rows:
                short = tuple(json.loads(r[7]))
                # a curated law also answers to its title's pinyin (prc-fan-bu-zheng-dang-jing-zheng-fa) unless taken
                reading = title_slug(r[1]) if is_slug(r[0]) and r[1] else None
                reading = reading if reading and reading not in taken else None
                aliases = tuple(x for x in dict.fromkeys((r[0], r[1], reading, *short)) if x and x != slugs[r[0]])
                laws[r[0]] = LawRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], short, tuple(json.loads(r[8])),
                                       slug=slugs[r[0]], aliases=aliases)
                by_slug[slugs[r[0]]] = r[0]
                if reading:
                    by_slug.setdefault(reading, r[0])
            self._by_slug = by_slug
            self._laws = laws
        return self._laws

    def laws(self) -> list[LawRecord]:
        return list(self._law_map().values())

    def law(self, law_id: str) -> LawRecord:
        try:
            return self._law_map()[law_id]
        except KeyError:
            raise LawNotFound(f"no law {law_id!r} in the index", details={"law": law_id}) from None

    def resolve_law(self, name: str) -> LawRecord:
        """Law id, full title (zh or en), short name (民法典, 刑法), title without 中华人民共和国, or any
        part of a title that names exactly one law (深度合成); also its slug (``prc-zhuan-li-fa``) and a version id
        or ``name@date`` form (``中华人民共和国专利法@2020-10-17``), which name the law (the version is the caller's:
        ``version_of_ref``)."""
        laws = self._law_map()
        if name in laws:
            return laws[name]
        if name in self._by_slug:
            return laws[self._by_slug[name]]
        base, at, ver = name.rpartition("@")
        if at and base and _DAY.match(ver):
            return self.resolve_law(base)
        n = _name_key(name)
        if not n:
            raise LawNotFound("empty law name")
        exact = [law for law in laws.values() if n in self._names(law)]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:  # e.g. the same title in two layers: raw wins
            raw = [law for law in exact if law.layer == "raw"]
            if len(raw) == 1:
                return raw[0]
            raise AmbiguousLaw(f"{name!r} names several laws", details={"candidates": [self._cand(x) for x in exact]})
        part = [law for law in laws.values() if any(n in x for x in self._names(law))]
        if len(part) == 1:
            return part[0]
        if not part:
            raise LawNotFound(f"no law matches {name!r}", details={"law": name})
        raise AmbiguousLaw(
            f"{name!r} matches {len(part)} laws; name one of them", details={"candidates": [self._cand(x) for x in part[:50]]}
        )

    def version_of_ref(self, name: str) -> str | None:
        """The version a ``name@date`` law reference names (its id), None when it names none; raises NotFound when
        the law has no version of that id or effective date."""
        base, at, ver = name.rpartition("@")
        if not (at and base and _DAY.match(ver)) or name in self._law_map():
            return None
        law = self.resolve_law(base)
        for v in self.versions(law.law_id):
            if v.version_id == f"{law.law_id}@{ver}" or (v.effective_from is not None and v.effective_from.isoformat() == ver):
                return v.version_id
        raise NotFound(f"{law.law_id} has no version {ver!r}", details={"law": law.law_id, "version": ver})

    @staticmethod
    def _names(law: LawRecord) -> set[str]:
        names = {_name_key(law.law_id), _name_key(law.title_zh), law.slug}
        if law.title_en:
            names.add(_name_key(law.title_en))
        names.update(_name_key(s) for s in law.short_names)
        return names

    @staticmethod
    def _cand(law: LawRecord) -> dict[str, str]:
        return {"law_id": law.law_id, "title_zh": law.title_zh, "title_en": law.title_en or ""}

    def _law_id(self, law: str) -> str:
        return law if law in self._law_map() else self.resolve_law(law).law_id

    # --- versions -------------------------------------------------------------------------------------
    _VCOLS = "version_id, law_id, label, promulgated, effective_from, effective_to, status, layer, source_path, source_url, official"

    @staticmethod
    def _version(r: tuple) -> VersionRecord:
        return VersionRecord(r[0], r[1], r[2], _date(r[3]), _date(r[4]), _date(r[5]), r[6], r[7], r[8], r[9], bool(r[10]))

    def versions(self, law_id: str) -> list[VersionRecord]:
        law_id = self._law_id(law_id)
        got = self._versions_of.get(law_id)
        if got is None:
            rows = self._q(f"SELECT {self._VCOLS} FROM versions WHERE law_id=? ORDER BY coalesce(effective_from, '')", (law_id,))
            got = tuple(self._version(r) for r in rows)
            with self._lock:
                self._versions_of[law_id] = got  # at most one entry per law
        return list(got)

    def version(self, version_id: str) -> VersionRecord:
        got = self._version_by_id.get(version_id)
        if got is None:
            rows = self._q(f"SELECT {self._VCOLS} FROM versions WHERE version_id=?", (version_id,))
            if not rows:
                raise NotFound(f"no version {version_id!r}", details={"version_id": version_id})
            got = self._version(rows[0])
            with self._lock:
                if len(self._version_by_id) >= _CACHED:
                    self._version_by_id.clear()
                self._version_by_id[version_id] = got
        return got

    def version_sources(self, version_id: str) -> list[str]:
        rows = self._q("SELECT sources FROM versions WHERE version_id=?", (version_id,))
        return json.loads(rows[0][0]) if rows else []

    def version_in_force(self, law_id: str, as_of: date) -> VersionRecord | None:
        """The latest version whose effective range contains ``as_of``."""
        live = [v for v in self.versions(law_id) if v.in_force_on(as_of)]
        return live[-1] if live else None

    # --- articles -------------------------------------------------------------------------------------
    _ACOLS = ("a.article_id, a.law_id, a.version_id, a.key, a.number, a.suffix, a.label_zh, a.label_en, a.text_zh, "
              "a.text_en, a.path, v.effective_from, v.effective_to")

    def _articles(self, where: str, args: Iterable[Any]) -> list[ArticleRecord]:
        rows = self._q(f"SELECT {self._ACOLS} FROM articles a JOIN versions v USING (version_id) WHERE {where}", args)
        if not rows:
            return []
        paras: dict[tuple[str, str], list[str]] = {}
        ids = [r[0] for r in rows]
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            for aid, lang, text in self._q(
                f"SELECT article_id, lang, text FROM paragraphs WHERE article_id IN ({','.join('?' * len(part))}) ORDER BY article_id, lang, idx",
                part,
            ):
                paras.setdefault((aid, lang), []).append(text)
        out = []
        for r in rows:
            path = tuple(f"{label}\u3000{title}".strip() for _level, label, title in json.loads(r[10]))
            out.append(ArticleRecord(
                article_id=r[0], law_id=r[1], version_id=r[2], key=r[3], number=r[4], suffix=r[5],
                label_zh=r[6], label_en=r[7], text_zh=r[8], text_en=r[9],
                paragraphs_zh=tuple(paras.get((r[0], "zh"), ())), paragraphs_en=tuple(paras.get((r[0], "en"), ())),
                path=path, effective_from=_date(r[11]), effective_to=_date(r[12]),
            ))
        return out

    def article(self, law_id: str, key: str, *, as_of: date | None = None, version_id: str | None = None) -> ArticleRecord | None:
        """The article ``key`` of the version in force on ``as_of`` (today when None), or of ``version_id``."""
        law_id = self._law_id(law_id)
        if version_id is None:
            v = self.version_in_force(law_id, as_of or date.today())
            if v is None:
                return None
            version_id = v.version_id
        ck = (version_id, key)
        got = self._article_at.get(ck, _MISSING)
        if got is not _MISSING:
            return got  # type: ignore[return-value]
        found = self._articles("a.version_id=? AND a.key=?", ck)
        art = found[0] if found else None
        with self._lock:
            if len(self._article_at) >= _CACHED:
                self._article_at.clear()
            self._article_at[ck] = art
        return art

    def article_by_id(self, article_id: str) -> ArticleRecord | None:
        found = self._articles("a.article_id=?", (article_id,))
        return found[0] if found else None

    def articles_by_ids(self, article_ids: list[str]) -> dict[str, ArticleRecord]:
        """Batch lookup for retrieval (one query instead of one per hit)."""
        out: dict[str, ArticleRecord] = {}
        for i in range(0, len(article_ids), 500):
            part = article_ids[i : i + 500]
            for a in self._articles(f"a.article_id IN ({','.join('?' * len(part))})", part):
                out[a.article_id] = a
        return out

    def articles(self, version_id: str) -> list[ArticleRecord]:
        return self._articles("a.version_id=? ORDER BY a.ord", (version_id,))

    def article_versions(self, law_id: str, key: str) -> list[ArticleRecord]:
        """The same article number in every version of the law (for version comparison), oldest first."""
        law_id = self._law_id(law_id)
        return self._articles("a.law_id=? AND a.key=? ORDER BY coalesce(v.effective_from, '')", (law_id, key))

    # --- citation graph -------------------------------------------------------------------------------
    @staticmethod
    def _edge(r: tuple) -> Edge:
        return Edge(r[0], r[1], r[2], r[3], r[4], r[5], r[6])

    def references(self, article_id: str) -> list[Edge]:
        rows = self._q("SELECT * FROM edges WHERE src_article_id=? ORDER BY rowid", (article_id,))
        return [self._edge(r) for r in rows]

    def cited_by(self, article_id: str) -> list[Edge]:
        rows = self._q("SELECT * FROM edges WHERE dst_article_id=? AND src_article_id<>? ORDER BY rowid", (article_id, article_id))
        return [self._edge(r) for r in rows]

    def cited_through_lineage(self, article_id: str) -> list[tuple[Edge, str]]:
        """References made to the earlier texts of this provision (its predecessors through lineage) by other
        laws: (edge, the earlier article it names). The law's own earlier versions citing their own text are
        left out — the provision's own version holds those references already."""
        law_id = article_id.rpartition("@")[0]
        out: list[tuple[Edge, str]] = []
        for earlier in self.predecessors(article_id):
            for e in self.cited_by(earlier):
                if not e.src_article_id.startswith(f"{law_id}@"):
                    out.append((e, earlier))
        return out

    # --- provision lineage ----------------------------------------------------------------------------
    _LCOLS = "law_id, old_version_id, new_version_id, old_key, new_key, kind, score, text_changed, is_primary"

    @staticmethod
    def _link(r: tuple) -> LineageLink:
        return LineageLink(r[0], r[1], r[2], r[3], r[4], r[5], float(r[6]), None if r[7] is None else bool(r[7]), bool(r[8]))

    def lineage(self, old_version_id: str, new_version_id: str) -> list[LineageLink]:
        """The stored edges between two consecutive versions (empty when they are not consecutive)."""
        rows = self._q(f"SELECT {self._LCOLS} FROM lineage WHERE old_version_id=? AND new_version_id=? ORDER BY rowid",
                       (old_version_id, new_version_id))
        return [self._link(r) for r in rows]

    def lineage_to(self, article_id: str) -> list[LineageLink]:
        """Edges arriving at ``article_id`` from the previous version (primary first)."""
        vid, _, key = article_id.rpartition("#")
        rows = self._q(f"SELECT {self._LCOLS} FROM lineage WHERE new_version_id=? AND new_key=? ORDER BY is_primary DESC, rowid", (vid, key))
        return [self._link(r) for r in rows]

    def lineage_from(self, article_id: str) -> list[LineageLink]:
        """Edges leaving ``article_id`` for the next version (primary first)."""
        vid, _, key = article_id.rpartition("#")
        rows = self._q(f"SELECT {self._LCOLS} FROM lineage WHERE old_version_id=? AND old_key=? ORDER BY is_primary DESC, rowid", (vid, key))
        return [self._link(r) for r in rows]

    def provision_chain(self, article_id: str) -> list[tuple[str, LineageLink | None]]:
        """The provision ``article_id`` continues and is continued by, oldest first, following the primary
        edges: (article id, the edge from the previous step or None for the first)."""
        back: list[tuple[str, LineageLink | None]] = []
        cur, seen = article_id, {article_id}
        while True:
            link = next((x for x in self.lineage_to(cur) if x.primary and x.old_key is not None), None)
            back.append((cur, link))
            if link is None or link.old_article_id in seen:
                break
            cur = link.old_article_id or ""
            seen.add(cur)
        chain = back[::-1]
        cur = article_id
        while True:
            link = next((x for x in self.lineage_from(cur) if x.primary and x.new_key is not None), None)
            if link is None or link.new_article_id in seen:
                break
            cur = link.new_article_id or ""
            seen.add(cur)
            chain.append((cur, link))
        return chain

    def predecessors(self, article_id: str) -> list[str]:
        """Every earlier article this provision continues (primary edges and the parts merged into it or split
        off from), nearest first."""
        out: list[str] = []
        todo, seen = [article_id], {article_id}
        while todo:
            cur = todo.pop(0)
            for link in self.lineage_to(cur):
                old = link.old_article_id
                if old is not None and old not in seen:
                    seen.add(old)
                    out.append(old)
                    todo.append(old)
        return out

    def current_provision(self, article_id: str, as_of: date | None = None) -> str | None:
        """The article that continues ``article_id`` in the version in force on ``as_of`` (today): itself when
        its version is in force, None when the provision was deleted on the way (or no version is in force)."""
        day = as_of or date.today()
        cur: str | None = article_id
        seen = set()
        while cur is not None and cur not in seen:
            seen.add(cur)
            vid = cur.rpartition("#")[0]
            try:
                if self.version(vid).in_force_on(day):
                    return cur
            except NotFound:
                return None
            link = next((x for x in self.lineage_from(cur) if x.primary), None)
            cur = link.new_article_id if link is not None else None
        return None

    # --- structure ------------------------------------------------------------------------------------
    def structure(self, version_id: str) -> list[dict]:
        """Nested headings (编/分编/章/节) with the keys of the articles directly under each; articles
        outside any heading sit in a node with an empty level."""
        roots: list[dict] = []
        index: dict[tuple, dict] = {}
        for key, path_json in self._q("SELECT key, path FROM articles WHERE version_id=? ORDER BY ord", (version_id,)):
            path = [tuple(p) for p in json.loads(path_json)]
            siblings, node = roots, None
            for depth in range(len(path)):
                ident = tuple(path[: depth + 1])
                node = index.get(ident)
                if node is None:
                    level, label, title = path[depth]
                    node = {"level": level, "label": label, "title": title,
                            "display": f"{label}\u3000{title}".strip(), "articles": [], "children": []}
                    index[ident] = node
                    siblings.append(node)
                siblings = node["children"]
            if node is None:
                node = index.get(())
                if node is None:
                    node = {"level": "", "label": "", "title": "", "display": "", "articles": [], "children": []}
                    index[()] = node
                    roots.append(node)
            node["articles"].append(key)
        return roots

    # --- chunks (for retrieval and the lexical index) -------------------------------------------------
    def chunk_rows(self, lang: str, doc_indices: Iterable[int]) -> dict[int, dict[str, Any]]:
        """doc_idx (row of the ``lang`` lexical index) → chunk row."""
        out: dict[int, dict[str, Any]] = {}
        ids = list(doc_indices)
        cols = "doc_idx, chunk_id, article_id, seq, header, text, law_id, version_id, effective_from, effective_to, jurisdiction, instrument, layer"
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            for r in self._q(f"SELECT {cols} FROM chunks WHERE lang=? AND doc_idx IN ({','.join('?' * len(part))})", [lang, *part]):
                out[r[0]] = dict(zip(cols.split(", "), r, strict=True))
        return out

    def chunk_count(self, lang: str) -> int:
        """Chunks of ``lang`` (= rows of that language's lexical index, ``doc_idx`` 0 … n-1)."""
        return int(self._q("SELECT count(*) FROM chunks WHERE lang=?", [lang])[0][0])

    def chunks_by_ids(self, chunk_ids: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        cols = ("chunk_id, article_id, lang, seq, doc_idx, header, text, law_id, version_id, effective_from, effective_to, "
                "jurisdiction, instrument, layer")
        for i in range(0, len(chunk_ids), 500):
            part = chunk_ids[i : i + 500]
            for r in self._q(f"SELECT {cols} FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})", part):
                out[r[0]] = dict(zip(cols.split(", "), r, strict=True))
        return out

    def allowed_docs(
        self,
        lang: str,
        *,
        as_of: date | None = None,
        law_ids: list[str] | None = None,
        jurisdictions: list[str] | None = None,
        instruments: list[str] | None = None,
        layers: list[str] | None = None,
    ) -> set[int]:
        """doc_idx of the ``lang`` lexical index passing the filters (the lexical ``allowed`` set)."""
        where: list[str] = ["lang=?"]
        args: list[Any] = [lang]
        if as_of is not None:
            day = as_of.year * 10000 + as_of.month * 100 + as_of.day
            where.append("effective_from<=? AND effective_to>=?")
            args += [day, day]
        for col, values in (("law_id", law_ids), ("jurisdiction", jurisdictions), ("instrument", instruments), ("layer", layers)):
            if values:
                where.append(f"{col} IN ({','.join('?' * len(values))})")
                args += list(values)
        return {r[0] for r in self._q(f"SELECT doc_idx FROM chunks WHERE {' AND '.join(where)}", args)}

    def chunk_tokens(self) -> dict[str, list[str]]:
        """chunk_id → lexical tokens (reused by the next ingest for unchanged chunks)."""
        out: dict[str, list[str]] = {}
        for cid, blob in self._q("SELECT chunk_id, tokens FROM chunks WHERE tokens IS NOT NULL"):
            try:
                out[cid] = unpack_tokens(blob)
            except (zlib.error, UnicodeDecodeError, TypeError):
                continue  # unreadable: the next ingest tokenises that chunk again
        return out

    # --- files and stats ------------------------------------------------------------------------------
    def files(self) -> list[dict[str, Any]]:
        cols = "path, sha256, size, status, reason, error, articles, law_id, version_id, language, layer, parser_version"
        return [dict(zip(cols.split(", "), r, strict=True)) for r in self._q(f"SELECT {cols} FROM files ORDER BY path")]

    def parsed_file(self, path: str, sha256: str, parser_version: str) -> bytes | None:
        rows = self._q("SELECT parsed FROM files WHERE path=? AND sha256=? AND parser_version=? AND status='ok'", (path, sha256, parser_version))
        return rows[0][0] if rows and rows[0][0] is not None else None

    def stats(self) -> dict:
        """Per layer: laws, versions, articles, chunks (+ totals and per-law article counts)."""
        layers: dict[str, dict[str, int]] = {}
        for table, col in (("laws", "laws"), ("versions", "versions")):
            for layer, n in self._q(f"SELECT layer, count(*) FROM {table} GROUP BY layer"):
                layers.setdefault(layer, {"laws": 0, "versions": 0, "articles": 0, "chunks": 0})[col] = n
        for layer, n in self._q("SELECT v.layer, count(*) FROM articles a JOIN versions v USING (version_id) GROUP BY v.layer"):
            layers.setdefault(layer, {"laws": 0, "versions": 0, "articles": 0, "chunks": 0})["articles"] = n
        for layer, n in self._q("SELECT layer, count(*) FROM chunks GROUP BY layer"):
            layers.setdefault(layer, {"laws": 0, "versions": 0, "articles": 0, "chunks": 0})["chunks"] = n
        total = {k: sum(v[k] for v in layers.values()) for k in ("laws", "versions", "articles", "chunks")}
        edges = self._q("SELECT count(*), count(dst_article_id) FROM edges")[0]
        files = dict(self._q("SELECT status, count(*) FROM files GROUP BY status"))
        chunks_by_lang = dict(self._q("SELECT lang, count(*) FROM chunks GROUP BY lang"))
        return {"layers": layers, "total": total, "edges": edges[0], "edges_resolved": edges[1], "files": files, "chunks_by_lang": chunks_by_lang}

    def articles_per_version(self) -> list[tuple[str, str, int]]:
        """(law_id, version_id, article count), in law order."""
        return [(r[0], r[1], r[2]) for r in self._q(
            "SELECT v.law_id, v.version_id, count(a.id) FROM versions v LEFT JOIN articles a USING (version_id)"
            " GROUP BY v.version_id ORDER BY v.layer DESC, v.law_id, v.effective_from"
        )]
