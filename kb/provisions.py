"""What analysts ask of provision lineage, answered from one generation's article store: the comparison of two
versions of a law (counts per edge kind, renumbering map, changed / new / deleted provisions), a text diff,
and the timeline of a law or of the corpus (versions coming into force, with counts of changed provisions).

Consecutive versions use the edges the ingest stored; two versions further apart are aligned on request with
the same function (``kb.lineage.align``)."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kb.errors import BadRequest
from kb.lineage import KINDS, Provision, align
from kb.records import LineageLink, VersionRecord

__all__ = ["Comparison", "compare_versions", "text_diff", "law_timeline", "corpus_timeline"]


@dataclass
class Comparison:
    law_id: str
    old: VersionRecord
    new: VersionRecord
    links: list[LineageLink]
    stored: bool  # True: the ingest's edges (consecutive versions); False: aligned on request
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = Counter(x.kind for x in self.links)
        self.counts = {k: c.get(k, 0) for k in KINDS}

    @property
    def renumbering(self) -> list[tuple[str, str]]:
        """(old key, new key) of every primary edge whose number changed, in the new version's order."""
        return [(x.old_key, x.new_key) for x in self.links if x.primary and x.old_key and x.new_key and x.old_key != x.new_key]

    @property
    def changed_provisions(self) -> int:
        """Provisions whose text changed (a renumbered article with the same words does not count; a merged
        provision counts once, each part split off counts), plus the new and the deleted ones."""
        return sum(1 for x in self.links
                   if x.kind in ("new", "deleted") or (x.text_changed and (x.primary or x.kind == "split")))


def _provisions(store: Any, version_id: str) -> list[Provision]:
    return [Provision(a.key, a.text_zh or a.text_en or "", (a.path[-1].split("\u3000", 1)[-1] if a.path else ""))
            for a in store.articles(version_id)]


def compare_versions(store: Any, law_id: str, old_version: str | None = None, new_version: str | None = None,
                     *, as_of: date | None = None) -> Comparison:
    """Compare two versions of ``law_id`` (ids or effective dates). Defaults: the version in force on ``as_of``
    (today; else the latest) and the one before it."""
    law_id = store.resolve_law(law_id).law_id
    versions: list[VersionRecord] = store.versions(law_id)
    if len(versions) < 2:
        raise BadRequest(f"{law_id} has {len(versions)} version(s) in the index; nothing to compare",
                         details={"law": law_id, "versions": [v.version_id for v in versions]})

    def pick(ref: str | None) -> VersionRecord:
        v = next((x for x in versions if ref in (x.version_id, str(x.effective_from))), None)
        if v is None:
            raise BadRequest(f"{law_id} has no version {ref!r}", details={"law": law_id, "versions": [x.version_id for x in versions]})
        return v

    if new_version is not None:
        new = pick(new_version)
    else:
        new = store.version_in_force(law_id, as_of or date.today()) or versions[-1]
        if old_version is None and new is versions[0]:
            new = versions[1]
    if old_version is not None:
        old = pick(old_version)
    else:
        i = versions.index(new)
        old = versions[i - 1] if i > 0 else versions[1]
    if old.version_id == new.version_id:
        raise BadRequest("compare two different versions", details={"version": old.version_id})
    if (old.effective_from or date.min) > (new.effective_from or date.min):
        old, new = new, old
    links = store.lineage(old.version_id, new.version_id)
    if links:
        return Comparison(law_id, old, new, links, True)
    edges = align(_provisions(store, old.version_id), _provisions(store, new.version_id))
    links = [LineageLink(law_id, old.version_id, new.version_id, e.old_key, e.new_key, e.kind, e.score, e.text_changed, e.primary)
             for e in edges]
    return Comparison(law_id, old, new, links, False)


def text_diff(before: str, after: str) -> list[dict[str, str]]:
    """Character diff: [{"op": "eq" | "del" | "ins", "text"}] (Chinese text: per character)."""
    ops: list[dict[str, str]] = []
    sm = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ops.append({"op": "eq", "text": before[i1:i2]})
            continue
        if i2 > i1:
            ops.append({"op": "del", "text": before[i1:i2]})
        if j2 > j1:
            ops.append({"op": "ins", "text": after[j1:j2]})
    return ops


def law_timeline(store: Any, law_id: str) -> list[dict[str, Any]]:
    """Each version of the law, oldest first, with the counts per edge kind against the version before it."""
    versions: list[VersionRecord] = store.versions(law_id)
    out: list[dict[str, Any]] = []
    per_version = {vid: n for law, vid, n in store.articles_per_version() if law == law_id}
    for i, v in enumerate(versions):
        entry: dict[str, Any] = {"version": v, "articles": per_version.get(v.version_id, 0), "counts": None, "changed": None}
        if i > 0:
            links = store.lineage(versions[i - 1].version_id, v.version_id)
            if links:
                cmp = Comparison(law_id, versions[i - 1], v, links, True)
                entry["counts"], entry["changed"] = cmp.counts, cmp.changed_provisions
        out.append(entry)
    return out


def corpus_timeline(store: Any, start: date, end: date, law_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Versions that came into force between ``start`` and ``end`` (inclusive), oldest first, each with its
    counts of changed provisions against the version before it (None for a law's first version)."""
    if end < start:
        raise BadRequest("the date range ends before it starts", details={"from": start.isoformat(), "to": end.isoformat()})
    wanted = set(law_ids) if law_ids else None
    out: list[dict[str, Any]] = []
    for law in store.laws():
        if wanted is not None and law.law_id not in wanted:
            continue
        versions = store.versions(law.law_id)
        for i, v in enumerate(versions):
            if v.effective_from is None or not (start <= v.effective_from <= end):
                continue
            entry: dict[str, Any] = {"law": law, "version": v, "previous": versions[i - 1] if i else None, "counts": None, "changed": None}
            if i:
                links = store.lineage(versions[i - 1].version_id, v.version_id)
                if links:
                    cmp = Comparison(law.law_id, versions[i - 1], v, links, True)
                    entry["counts"], entry["changed"] = cmp.counts, cmp.changed_provisions
            out.append(entry)
    out.sort(key=lambda e: (e["version"].effective_from, e["law"].law_id))
    return out
