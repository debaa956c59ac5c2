"""Router: laws — the list (filtered), one law's structure (编/分编/章/节 with article keys) and versions, and
one article with its text (zh/en), heading path, versions (dates, whether the text changed), references and
cited-by."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.convert import headnote_out, law_out, version_out
from api.deps import IndexDep
from api.schemas import (
    ArticleOut,
    ArticleVersionOut,
    EdgeOut,
    LawDetailOut,
    LawListOut,
    error_responses,
)
from kb.answer.keys import normalize_key
from kb.errors import ArticleNotFound, BadRequest, NotFound
from kb.records import LawRecord, VersionRecord

router = APIRouter(prefix="/v1", tags=["laws"])
ERRORS = error_responses(400, 404, 409, 422, 503)
ListParam = Annotated[list[str] | None, Query()]


def resolve(store: Any, law_id: str) -> LawRecord:
    """The law of any id form: index id, slug, title, short name, or ``…@date`` (a version of it)."""
    try:
        return store.law(law_id)
    except NotFound:
        return store.resolve_law(law_id)  # slugs, short names, titles; raises LawNotFound / AmbiguousLaw


def resolve_ref(store: Any, law_id: str, version: str | None) -> tuple[LawRecord, str | None]:
    """(law, version asked for): a ``law@date`` id names its version unless ``?version=`` names another."""
    law = resolve(store, law_id)
    return law, version or store.version_of_ref(law_id)


def pick_version(store: Any, law: LawRecord, as_of: date, version: str | None) -> VersionRecord | None:
    if version:
        v = next((v for v in store.versions(law.law_id) if v.version_id == version or str(v.effective_from) == version), None)
        if v is None:
            raise NotFound(f"{law.law_id} has no version {version!r}", details={"law": law.law_id, "version": version})
        return v
    return store.version_in_force(law.law_id, as_of)


def lineage_versions(store: Any, rec: Any, all_versions: list[VersionRecord], day: date) -> list[ArticleVersionOut]:
    """Every version of the law with this provision's place in it, matched by lineage (not by number)."""
    steps = {aid.rpartition("#")[0]: (aid, link) for aid, link in store.provision_chain(rec.article_id)}
    out = []
    for ver in all_versions:
        aid, link = steps.get(ver.version_id, (None, None))
        out.append(ArticleVersionOut(
            version_id=ver.version_id, effective_from=ver.effective_from, effective_to=ver.effective_to, status=ver.status,
            in_force=ver.in_force_on(day), present=aid is not None,
            text_changed=link.text_changed if link is not None else None,
            key=aid.rpartition("#")[2] if aid else None, kind=link.kind if link is not None else None,
            score=link.score if link is not None else None,
        ))
    return out


def references_out(store: Any, article_id: str, day: date) -> list[EdgeOut]:
    """References of the article; one to a superseded text also names the provision that continues it today."""
    out = []
    for e in store.references(article_id):
        current = None
        if e.dst_article_id and e.dst_article_id != article_id:
            now = store.current_provision(e.dst_article_id, day)
            current = now if now and now != e.dst_article_id else None
        out.append(EdgeOut(**vars(e), current_article_id=current, current_key=current.rpartition("#")[2] if current else None))
    return out


def cited_by_out(store: Any, article_id: str) -> list[EdgeOut]:
    """Citing articles: those naming this text, then those naming an earlier text of the provision (marked)."""
    out = [EdgeOut(**vars(e)) for e in store.cited_by(article_id)]
    for e, earlier in store.cited_through_lineage(article_id):
        out.append(EdgeOut(**vars(e), earlier_article_id=earlier, earlier_key=earlier.rpartition("#")[2]))
    return out


def find_article(store: Any, law_id: str, article: str, as_of: date | None, version: str | None) -> tuple[LawRecord, Any]:
    """(law, article record) of ``article`` (any label form) in the version asked for or in force on ``as_of``."""
    day = as_of or date.today()
    law, version = resolve_ref(store, law_id, version)
    key = normalize_key(article)
    if key is None:
        raise BadRequest(f"{article!r} is not an article number (try 1019, 第一千零一十九条, 253之一, Article 253a).")
    v = pick_version(store, law, day, version)
    rec = store.article(law.law_id, key, version_id=v.version_id) if v else None
    if rec is None:
        details = {"law": law.law_id, "article": key, "as_of": day.isoformat(),
                   "versions_with_article": [a.version_id for a in store.article_versions(law.law_id, key)]}
        raise ArticleNotFound(f"{law.title_zh} has no article {key} in the version in force on {day.isoformat()}"
                              if not version else f"{law.title_zh} has no article {key} in version {version}", details=details)
    return law, rec


@router.get("/laws", response_model=LawListOut, responses=ERRORS, summary="Laws in the corpus, filtered")
def list_laws(
    index: IndexDep,
    jurisdiction: ListParam = None,
    instrument: ListParam = None,
    topic: ListParam = None,
    layer: ListParam = None,
    q: Annotated[str | None, Query(max_length=200, description="Substring of the title (zh or en), a short name, the id or the slug (pinyin, hyphens optional).")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=2000)] = 100,
) -> LawListOut:
    laws = index.store.laws()
    if jurisdiction:
        laws = [x for x in laws if x.jurisdiction in jurisdiction]
    if instrument:
        laws = [x for x in laws if x.instrument in instrument]
    if topic:
        laws = [x for x in laws if set(x.topics) & set(topic)]
    if layer:
        laws = [x for x in laws if x.layer in layer]
    if q:
        needle = q.strip().lower()
        bare = needle.replace("-", "").replace(" ", "")
        laws = [x for x in laws if needle in x.title_zh.lower() or needle in (x.title_en or "").lower() or needle in x.law_id.lower()
                or (bare and bare in x.slug.replace("-", "")) or any(needle in s.lower() for s in x.short_names)]
    return LawListOut(total=len(laws), offset=offset, limit=limit, laws=[law_out(x) for x in laws[offset : offset + limit]])


@router.get("/laws/{law_id}", response_model=LawDetailOut, responses=ERRORS, summary="A law: versions and structure")
def get_law(
    law_id: str,
    index: IndexDep,
    as_of: Annotated[date | None, Query()] = None,
    version: Annotated[str | None, Query(description="Version id or effective date; default the version in force on as_of.")] = None,
) -> LawDetailOut:
    store = index.store
    day = as_of or date.today()
    law, version = resolve_ref(store, law_id, version)
    versions = store.versions(law.law_id)
    shown = pick_version(store, law, day, version) or (versions[-1] if versions else None)
    structure = store.structure(shown.version_id) if shown else []
    count = len(store.articles(shown.version_id)) if shown else 0
    return LawDetailOut(
        law=law_out(law), versions=[version_out(v, day) for v in versions], version=shown.version_id if shown else None,
        as_of=day, structure=structure, article_count=count,
    )


@router.get("/laws/{law_id}/articles/{article}", response_model=ArticleOut, responses=ERRORS, summary="One article, its versions and cross-references")
def get_article(
    law_id: str,
    article: str,
    index: IndexDep,
    as_of: Annotated[date | None, Query()] = None,
    version: Annotated[str | None, Query(description="Version id or effective date; default the version in force on as_of.")] = None,
) -> ArticleOut:
    store = index.store
    day = as_of or date.today()
    law, rec = find_article(store, law_id, article, as_of, version)
    all_versions = store.versions(law.law_id)
    history = lineage_versions(store, rec, all_versions, day)
    version_rec = next(x for x in all_versions if x.version_id == rec.version_id)
    return ArticleOut(
        article_id=rec.article_id, law=law_out(law), version=version_out(version_rec, day), key=rec.key,
        label_zh=rec.label_zh, label_en=rec.label_en, text_zh=rec.text_zh, text_en=rec.text_en,
        paragraphs_zh=list(rec.paragraphs_zh), paragraphs_en=list(rec.paragraphs_en), path=list(rec.path), as_of=day,
        versions=history,
        references=references_out(store, rec.article_id, day),
        cited_by=cited_by_out(store, rec.article_id),
        headnote=headnote_out(index, rec.article_id),
    )

