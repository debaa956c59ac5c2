"""Router: OpenAI-compatible chat completions, so existing chat clients connect. The last user message is
the question; the user and assistant messages before it are the conversation's history, so a follow-up ("and if I
only copy his voice?") is answered with the earlier question in mind (kb/answer/followup.py). The gated citations are appended to the message text and returned in an extra top-level
``citations`` field (in the final chunk when streaming). Extra body field ``as_of`` (YYYY-MM-DD) is honoured."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api.convert import chunks
from api.deps import AnswererDep, SettingsDep, get_index
from api.schemas import ChatCompletionRequest, ChatCompletionResponse, ModelList, ModelOut, error_responses
from kb.answer.deterministic import DeterministicAnswerer, pin
from kb.answer.followup import validate_history
from kb.answer.models import Answer
from kb.answer.service import answer_question
from kb.errors import BadRequest, NotFound

router = APIRouter(prefix="/v1", tags=["chat (OpenAI-compatible)"])
ERRORS = error_responses(400, 404, 413, 422, 503)
MODEL_DEFAULT = "likeness-kb"  # the configured answerer (LLM with fallback when an endpoint is set)
MODEL_DETERMINISTIC = "likeness-kb-deterministic"
MODELS = (MODEL_DEFAULT, MODEL_DETERMINISTIC)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text")
    return ""


def _last_user(req: ChatCompletionRequest) -> int:
    for i in range(len(req.messages) - 1, -1, -1):
        m = req.messages[i]
        if m.role == "user" and _text(m.content).strip():
            return i
    raise BadRequest("The conversation has no user message with text.")


def _question(req: ChatCompletionRequest) -> str:
    return _text(req.messages[_last_user(req)].content).strip()


def _history(req: ChatCompletionRequest) -> list[dict[str, str]]:
    """The user and assistant messages before the question (system, developer and tool messages are not turns)."""
    return [{"role": m.role, "content": _text(m.content)} for m in req.messages[: _last_user(req)] if m.role in ("user", "assistant")]


def _as_of(req: ChatCompletionRequest) -> date | None:
    raw = (req.model_extra or {}).get("as_of")
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise BadRequest("as_of must be a date (YYYY-MM-DD).", details={"as_of": raw}) from None


def _content(ans: Answer) -> str:
    if not ans.citations:
        return ans.answer
    head = "引用：" if ans.lang == "zh" else "Citations:"
    lines = [f"[{i}] {pin(c, ans.lang)} ({c.version}) — “{c.quote}”" + (f" {c.source_url}" if c.source_url else "") for i, c in enumerate(ans.citations, 1)]
    return ans.answer + "\n\n" + head + "\n" + "\n".join(lines)


def _run(req: ChatCompletionRequest, request: Request, settings: Any, answerer: Any) -> Answer:
    """Validate the request (model, messages, as_of) before touching the index, as OpenAI clients expect."""
    if req.model not in MODELS:
        raise NotFound(f"The model {req.model!r} does not exist; use one of {list(MODELS)}.", details={"models": list(MODELS)})
    question, as_of, history = _question(req), _as_of(req), _history(req)
    validate_history(history, settings)  # bounded before the index is touched
    chosen = DeterministicAnswerer() if req.model == MODEL_DETERMINISTIC else answerer
    return answer_question(get_index(request), question, as_of=as_of, answerer=chosen, settings=settings, history=history)


@router.get("/models", response_model=ModelList, summary="Model ids for chat clients")
def models() -> ModelList:
    return ModelList(data=[ModelOut(id=m) for m in MODELS])


@router.post(
    "/chat/completions",
    response_model=ChatCompletionResponse,
    responses={**ERRORS, 200: {"content": {"application/json": {}, "text/event-stream": {}}, "description": "A completion, or chunks when stream=true."}},
    summary="OpenAI-compatible chat completion (plain or streamed)",
)
def chat_completions(req: ChatCompletionRequest, request: Request, settings: SettingsDep, answerer: AnswererDep) -> Any:
    ans = _run(req, request, settings, answerer)
    content = _content(ans)
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    citations = [c.to_dict() for c in ans.citations]
    if not req.stream:
        q_tokens, a_tokens = len(_question(req)), len(content)
        return {
            "id": cid, "object": "chat.completion", "created": created, "model": req.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": q_tokens, "completion_tokens": a_tokens, "total_tokens": q_tokens + a_tokens},
            "citations": citations, "refused": ans.refused, "followup": ans.followup.to_dict() if ans.followup else None,
        }

    def frame(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": req.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False, default=str)}\n\n"

    def events() -> Iterator[str]:
        yield frame({"role": "assistant", "content": ""})
        for piece in chunks(content):
            yield frame({"content": piece})
        yield frame({}, "stop", citations=citations, refused=ans.refused, followup=ans.followup.to_dict() if ans.followup else None)
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
