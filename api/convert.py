"""Conversions between API schemas and the kb read models (kept out of the routes so they stay short)."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.schemas import FiltersIn, HeadnoteOut, LawOut, VersionOut
from kb.records import LawRecord, SearchFilters, VersionRecord


def to_filters(f: FiltersIn | None, as_of: date | None = None) -> SearchFilters:
    if f is None:
        return SearchFilters(as_of=as_of)
    return SearchFilters(
        jurisdiction=f.jurisdiction, law=f.law, instrument=f.instrument, topic=f.topic, layer=f.layer,
        as_of=as_of or f.as_of,
    )


def law_out(law: LawRecord) -> LawOut:
    return LawOut(
        law_id=law.law_id, slug=law.slug or law.law_id, aliases=list(law.aliases), title_zh=law.title_zh, title_en=law.title_en, jurisdiction=law.jurisdiction,
        instrument=law.instrument, issuer=law.issuer, layer=law.layer, short_names=list(law.short_names),
        topics=list(law.topics),
    )


def version_out(v: VersionRecord, as_of: date) -> VersionOut:
    return VersionOut(
        version_id=v.version_id, label=v.label, promulgated=v.promulgated, effective_from=v.effective_from,
        effective_to=v.effective_to, status=v.status, layer=v.layer, source_url=v.source_url, official=v.official,
        in_force=v.in_force_on(as_of),
    )


def sse(event: str, data: Any) -> str:
    import json

    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def chunks(text: str, size: int = 48) -> list[str]:
    """Answer text in deltas for streaming (line-aware so quotes are not cut mid-character sequence)."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(line) > size:
            out.append(line[:size])
            line = line[size:]
        if line:
            out.append(line)
    return out


def headnote_out(index: Any, article_id: str) -> HeadnoteOut | None:
    """Our headnote of the article (labelled unofficial), None when we wrote none."""
    notes = getattr(index, "notes", None)
    head = notes.headnote(article_id) if notes is not None else {}
    return HeadnoteOut(en=head.get("en"), zh=head.get("zh")) if head else None
