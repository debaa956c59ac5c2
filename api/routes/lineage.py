"""Router: provision lineage and timeline — the history of one provision across every version of its law
(renumbered, changed, split, merged; with diffs), the comparison of two versions of a law, a law's versions
with counts of changed provisions, and what came into force across the corpus in a date range."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.convert import law_out, version_out
from api.deps import IndexDep
from api.routes.laws import find_article, resolve
from api.schemas import (
    CompareOut,
    ComparePairOut,
    CorpusTimelineOut,
    DiffOp,
    LawTimelineOut,
    LineagePartOut,
    LineageStepOut,
    ProvisionHistoryOut,
    RenumberOut,
    TimelineEntryOut,
    error_responses,
)
from kb.provisions import compare_versions, corpus_timeline, law_timeline, text_diff

router = APIRouter(prefix="/v1", tags=["lineage"])
ERRORS = error_responses(400, 404, 409, 422, 503)


def _part(aid: str, link: Any) -> LineagePartOut:
    return LineagePartOut(article_id=aid, key=aid.rpartition("#")[2], kind=link.kind, score=link.score)


@router.get("/laws/{law_id}/articles/{article}/history", response_model=ProvisionHistoryOut, responses=ERRORS,
            summary="A provision across every version of its law, matched by lineage, with diffs")
def provision_history(
    law_id: str,
    article: str,
    index: IndexDep,
    as_of: Annotated[date | None, Query()] = None,
    version: Annotated[str | None, Query(description="Version id or effective date of the article named; default the version in force on as_of.")] = None,
) -> ProvisionHistoryOut:
    store = index.store
    day = as_of or date.today()
    law, rec = find_article(store, law_id, article, as_of, version)
    versions = {v.version_id: v for v in store.versions(law.law_id)}
    chain = store.provision_chain(rec.article_id)
    records = store.articles_by_ids([aid for aid, _ in chain])
    steps: list[LineageStepOut] = []
    prev_text: str | None = None
    for aid, link in chain:
        a = records[aid]
        text = a.text_zh or a.text_en or ""
        ops = [DiffOp(**op) for op in text_diff(prev_text, text)] if prev_text is not None and link is not None and link.text_changed else []
        steps.append(LineageStepOut(
            version=version_out(versions[a.version_id], day), article_id=aid, key=a.key, label_zh=a.label_zh, label_en=a.label_en,
            text_zh=a.text_zh, text_en=a.text_en, kind=link.kind if link else None, score=link.score if link else None,
            text_changed=link.text_changed if link else None, diff=ops,
            also_from=[_part(x.old_article_id, x) for x in store.lineage_to(aid) if not x.primary and x.old_article_id],
            also_to=[_part(x.new_article_id, x) for x in store.lineage_from(aid) if not x.primary and x.new_article_id],
        ))
        prev_text = text
    last = chain[-1][0]
    gone = next((x for x in store.lineage_from(last) if x.kind == "deleted"), None)
    first = chain[0][0]
    born = next((x for x in store.lineage_to(first) if x.kind == "new"), None)
    return ProvisionHistoryOut(
        law=law_out(law), article_id=rec.article_id, as_of=day, steps=steps,
        deleted_in=gone.new_version_id if gone else None, new_in=born.new_version_id if born else None,
    )


@router.get("/laws/{law_id}/compare", response_model=CompareOut, responses=ERRORS,
            summary="Compare two versions of a law: renumbering map, counts per edge kind, changed/new/deleted provisions")
def compare(
    law_id: str,
    index: IndexDep,
    old: Annotated[str | None, Query(alias="from", description="Older version (id or effective date); default the one before `to`.")] = None,
    new: Annotated[str | None, Query(alias="to", description="Newer version (id or effective date); default the one in force on as_of.")] = None,
    as_of: Annotated[date | None, Query()] = None,
) -> CompareOut:
    store = index.store
    day = as_of or date.today()
    law = resolve(store, law_id)
    cmp = compare_versions(store, law.law_id, old, new, as_of=day)
    labels = {a.article_id: a.label_zh or a.label_en for vid in (cmp.old.version_id, cmp.new.version_id) for a in store.articles(vid)}
    pairs = [ComparePairOut(
        kind=x.kind, old_key=x.old_key, new_key=x.new_key, old_label=labels.get(x.old_article_id or ""),
        new_label=labels.get(x.new_article_id or ""), score=x.score, text_changed=x.text_changed, primary=x.primary,
    ) for x in cmp.links]
    return CompareOut(
        law=law_out(law), old=version_out(cmp.old, day), new=version_out(cmp.new, day), stored=cmp.stored, counts=cmp.counts,
        changed_provisions=cmp.changed_provisions, renumbering=[RenumberOut(old_key=o, new_key=n) for o, n in cmp.renumbering],
        pairs=pairs,
    )


@router.get("/laws/{law_id}/timeline", response_model=LawTimelineOut, responses=ERRORS,
            summary="A law's versions with dates and the count of changed provisions in each")
def timeline_of_law(law_id: str, index: IndexDep, as_of: Annotated[date | None, Query()] = None) -> LawTimelineOut:
    store = index.store
    day = as_of or date.today()
    law = resolve(store, law_id)
    entries = []
    prev = None
    for e in law_timeline(store, law.law_id):
        entries.append(TimelineEntryOut(version=version_out(e["version"], day), previous_version_id=prev, articles=e["articles"],
                                        counts=e["counts"], changed=e["changed"]))
        prev = e["version"].version_id
    return LawTimelineOut(law=law_out(law), versions=entries)


@router.get("/timeline", response_model=CorpusTimelineOut, responses=ERRORS,
            summary="Versions that came into force in a date range, across the corpus or some laws")
def timeline(
    index: IndexDep,
    start: Annotated[date, Query(alias="from", description="First day of the range.")],
    end: Annotated[date, Query(alias="to", description="Last day of the range.")],
    law: Annotated[list[str] | None, Query(description="Law ids or names; default every law.")] = None,
    as_of: Annotated[date | None, Query()] = None,
) -> CorpusTimelineOut:
    store = index.store
    day = as_of or date.today()
    law_ids = [resolve(store, x).law_id for x in law] if law else None
    entries = [TimelineEntryOut(
        law=law_out(e["law"]), version=version_out(e["version"], day),
        previous_version_id=e["previous"].version_id if e["previous"] else None, counts=e["counts"], changed=e["changed"],
    ) for e in corpus_timeline(store, start, end, law_ids)]
    return CorpusTimelineOut(start=start, end=end, entries=entries)
