"""Router: the seller self-check of product listings — one listing, or a batch (JSON Lines / CSV upload).

Each finding names the risky span, why it is risky, the articles in force on ``as_of`` (with the penalty
article) quoted verbatim from the store, and a safer wording."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import IndexDep, SettingsDep
from api.downloads import FORMAT_HELP, MemoFormat, memo_response, memo_responses
from api.schemas import ErrorResponse
from kb.errors import BadRequest, InputTooLarge
from kb.listings import ListingChecker
from kb.listings.batch import MAX_FIELD_CHARS, check_rows, parse_listings, results_to_csv, summary
from kb.memo import listing_memo

router = APIRouter(prefix="/v1/listings", tags=["listings"])
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}


class ListingIn(BaseModel):
    title: str = Field(default="", max_length=MAX_FIELD_CHARS, description="Product title.")
    description: str = Field(default="", max_length=MAX_FIELD_CHARS, description="Product description.")
    lang: Literal["zh", "en"] | None = Field(default=None, description="Language of explanations; default: detected.")
    as_of: date | None = Field(default=None, description="Cite the law in force on this date (default today).")


class SpanOut(BaseModel):
    field: Literal["title", "description"]
    start: int
    end: int
    text: str


class CitationOut(BaseModel):
    law: str
    title_zh: str
    title_en: str | None = None
    version: str
    effective_from: str | None = None
    effective_to: str | None = None
    article: str
    article_key: str
    article_id: str
    label_en: str | None = None
    quote: str
    in_force: bool
    penalty: bool = False


class FindingOut(BaseModel):
    category: str
    category_name: str
    severity: Literal["low", "medium", "high"]
    span: SpanOut = Field(description="The first risky span of this category.")
    spans: list[SpanOut] = Field(default_factory=list, description="Every risky span of this category (one finding per category).")
    person: str | None = None
    people: list[str] = Field(default_factory=list)
    explanation: str
    citations: list[CitationOut]
    note: str | None = Field(default=None, description="Set when no article in force on as_of supports the finding.")
    suggestion: str
    trigger: str


class RewrittenOut(BaseModel):
    title: str
    description: str
    changed: bool
    remaining: int = Field(description="Findings a check of the rewritten listing still raises (0: clean).")


class ListingCheckOut(BaseModel):
    findings: list[FindingOut]
    overall_risk: Literal["none", "low", "medium", "high"]
    as_of: str
    lang: Literal["zh", "en"]
    rewritten: RewrittenOut | None = Field(default=None, description="The listing with every risky span replaced or removed.")


def checker_for(request: Request, index: Any) -> ListingChecker:
    """One checker (and its citation cache) per open store; a new generation gets a new one."""
    store = getattr(index, "store", index)
    cached = getattr(request.app.state, "listing_checker", None)
    if cached is None or cached[0] is not store:
        cached = (store, ListingChecker(store))
        request.app.state.listing_checker = cached
    return cached[1]


@router.post("/check", response_model=ListingCheckOut, responses={**ERRORS, **memo_responses()},
             summary="Check one product listing (or download the check as a memo: ?format=docx|md)")
def check_listing(req: ListingIn, request: Request, index: IndexDep,
                  format: Annotated[MemoFormat, Query(description=FORMAT_HELP)] = "json") -> Any:
    if not req.title.strip() and not req.description.strip():
        raise BadRequest("Give a title or a description to check.")
    result = checker_for(request, index).check(req.title, req.description, lang=req.lang, as_of=req.as_of)
    if format != "json":
        return memo_response(listing_memo(result, req.title, req.description), format, "listing-check-memo")
    return result


async def _upload(request: Request, limit: int) -> tuple[bytes, str | None, str | None]:
    ctype = request.headers.get("content-type", "")
    if ctype.lower().startswith("multipart/form-data"):
        form = await request.form()
        for value in form.values():
            if hasattr(value, "read"):
                data = await value.read()
                return data, getattr(value, "content_type", None), getattr(value, "filename", None)
        raise BadRequest("The form has no file: upload a JSON Lines or CSV file.")
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:
            raise InputTooLarge(f"The upload exceeds the limit of {limit} bytes.")
    return bytes(data), ctype or None, None


@router.post(
    "/check-batch",
    responses={**ERRORS, 200: {"content": {"application/json": {}, "text/csv": {}}}},
    summary="Check many listings (JSON Lines or CSV body or file upload)",
    openapi_extra={"requestBody": {"content": {
        "application/x-ndjson": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
    }}},
)
async def check_batch(
    request: Request,
    index: IndexDep,
    settings: SettingsDep,
    format: Annotated[Literal["json", "csv"], Query(description="Response format.")] = "json",
    as_of: Annotated[date | None, Query(description="Default date for rows without as_of.")] = None,
    lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
) -> Any:
    data, ctype, filename = await _upload(request, settings.max_upload_bytes)
    if len(data) > settings.max_upload_bytes:
        raise InputTooLarge(f"The upload exceeds the limit of {settings.max_upload_bytes} bytes.")
    rows = parse_listings(data, ctype, filename)
    checker = checker_for(request, index)
    from starlette.concurrency import run_in_threadpool

    results = await run_in_threadpool(check_rows, checker, rows, as_of=as_of, lang=lang)
    if format == "csv":
        return Response(results_to_csv(results), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="listing-check.csv"'})
    return {"results": results, "summary": summary(results), "as_of": (as_of or date.today()).isoformat()}
