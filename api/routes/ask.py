"""Router: ask — grounded answers behind the citation gate, plain JSON and streamed (SSE)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.convert import chunks, sse, to_filters
from api.deps import AnswererDep, IndexDep, SettingsDep
from api.downloads import FORMAT_HELP, MemoFormat, memo_response, memo_responses
from api.schemas import AskRequest, AskResponse, error_responses
from kb.answer.models import Answer
from kb.answer.service import answer_question
from kb.memo import answer_memo

router = APIRouter(prefix="/v1", tags=["ask"])
ERRORS = error_responses(400, 413, 422, 503)


def run(req: AskRequest, index: object, settings: object, answerer: object) -> Answer:
    return answer_question(
        index, req.question, lang=req.lang, as_of=req.as_of or (req.filters.as_of if req.filters else None),
        filters=to_filters(req.filters, req.as_of), k=req.k, answerer=answerer, settings=settings,  # type: ignore[arg-type]
        history=[t.model_dump() for t in req.history] if req.history is not None else None,
    )


@router.post("/ask", response_model=AskResponse, responses={**ERRORS, **memo_responses()},
             summary="Answer a question with gated citations (or download it as a memo: ?format=docx|md)")
def ask(req: AskRequest, index: IndexDep, settings: SettingsDep, answerer: AnswererDep,
        format: Annotated[MemoFormat, Query(description=FORMAT_HELP)] = "json") -> Any:
    body = run(req, index, settings, answerer).to_dict()
    if format != "json":
        return memo_response(answer_memo(body), format, "answer-memo")
    return body


@router.post(
    "/ask/stream",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "SSE: citations, answer deltas, done."}},
    summary="Answer as Server-Sent Events: `citations` first, then `answer` deltas, then `done`",
)
def ask_stream(req: AskRequest, index: IndexDep, settings: SettingsDep, answerer: AnswererDep) -> StreamingResponse:
    result = run(req, index, settings, answerer)  # errors surface as a normal JSON envelope, before streaming
    body = result.to_dict()

    def events() -> Iterator[str]:
        yield sse("citations", {"citations": body["citations"], "refused": body["refused"], "evidence_score": body["evidence_score"],
                                "followup": body.get("followup")})
        for delta in chunks(body["answer"]):
            yield sse("answer", {"delta": delta})
        rest = {k: v for k, v in body.items() if k not in ("answer", "citations")}
        yield sse("done", rest)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
