"""The citation gate, applied to every draft whoever wrote it. A citation survives only if its law and
article exist in the store, the cited version is in force on as_of (or it is marked superseded with the
version in force named), and its quote occurs verbatim (whitespace-normalised) in the cited text.
Everything else is removed and reported with a reason; surviving citations are completed from the store."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kb.answer.evidence import LawCache, cite
from kb.answer.keys import normalize_key
from kb.answer.models import Citation, RemovedCitation
from kb.answer.text import occurs_verbatim
from kb.records import ArticleRecord


@dataclass
class GateResult:
    kept: list[Citation]
    removed: list[RemovedCitation]


def _resolve_law(store: Any, name: str) -> str | None:
    try:
        return store.law(name).law_id
    except Exception:
        pass
    try:
        return store.resolve_law(name.strip("《》 ")).law_id
    except Exception:
        return None


def _find(store: Any, law_id: str, key: str, version: str | None, as_of: date) -> tuple[ArticleRecord | None, str | None]:
    """(article, failure reason). A named version is looked up as such; else the version in force."""
    if version:
        try:
            art = store.article(law_id, key, version_id=version)
        except Exception:
            art = None
        if art is not None:
            return art, None
    art = store.article(law_id, key, as_of=as_of)
    if art is not None:
        return art, None
    for v in store.versions(law_id):
        if store.article(law_id, key, version_id=v.version_id) is not None:
            return None, "not_in_force"
    return None, "article_not_found"


def check(citations: list[Citation], store: Any, as_of: date, notes: Any = None) -> GateResult:
    laws = LawCache(store, notes)
    kept: list[Citation] = []
    removed: list[RemovedCitation] = []
    seen: set[tuple[str, str]] = set()

    def drop(c: Citation, reason: str, detail: str = "") -> None:
        removed.append(RemovedCitation(law=c.law, article=c.article, quote=c.quote, reason=reason, detail=detail))

    for c in citations:
        law_id = _resolve_law(store, c.law)
        if law_id is None:
            drop(c, "law_not_found", f"no law named {c.law!r} in the corpus")
            continue
        key = normalize_key(str(c.article))
        if key is None:
            drop(c, "article_not_found", f"cannot read an article number from {c.article!r}")
            continue
        art, reason = _find(store, law_id, key, c.version, as_of)
        if art is None:
            detail = (
                f"{law_id} article {key} exists only in versions not in force on {as_of.isoformat()}"
                if reason == "not_in_force"
                else f"{law_id} has no article {key}"
            )
            drop(c, reason or "article_not_found", detail)
            continue
        if not c.quote or not c.quote.strip():
            drop(c, "missing_quote", "a citation must quote the cited text")
            continue
        if not (occurs_verbatim(c.quote, art.text_zh) or occurs_verbatim(c.quote, art.text_en)):
            drop(c, "quote_not_verbatim", f"the quote does not occur in {art.article_id}")
            continue
        version = laws.version(art.version_id)
        in_force = version.in_force_on(as_of) if version else False
        current = None
        if not in_force:
            current = store.version_in_force(law_id, as_of)
            if current is None:
                drop(c, "not_in_force", f"no version of {law_id} is in force on {as_of.isoformat()}")
                continue
        full = cite(art, c.quote.strip(), laws, issue=c.issue)
        if not in_force and current is not None:
            full = replace(full, in_force=False, in_force_version=current.version_id)
        sig = (full.article_id or "", full.quote)
        if sig in seen:
            continue
        seen.add(sig)
        kept.append(full)
    return GateResult(kept=kept, removed=removed)
