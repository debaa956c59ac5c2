"""LLM test doubles implementing LangChain's BaseChatModel (no real LLM can run here)."""

from __future__ import annotations

import json
import threading
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult


def scripted(answer: str, citations: list[dict[str, Any]]) -> GenericFakeChatModel:
    """A chat model that replies once with the JSON the LLM answerer asks for."""
    return GenericFakeChatModel(messages=iter([AIMessage(content=json.dumps({"answer": answer, "citations": citations}, ensure_ascii=False))]))


class SlowChatModel(BaseChatModel):
    """Never answers within the answerer's timeout (waits on an event the test sets at teardown)."""

    release: Any = None

    @property
    def _llm_type(self) -> str:
        return "slow-fake"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        (self.release or threading.Event()).wait(5.0)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content='{"answer": "late", "citations": []}'))])


class BrokenChatModel(BaseChatModel):
    """Fails like an unreachable endpoint."""

    @property
    def _llm_type(self) -> str:
        return "broken-fake"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        raise ConnectionError("endpoint unreachable")


class ProseChatModel(BaseChatModel):
    """Ignores the JSON instruction."""

    @property
    def _llm_type(self) -> str:
        return "prose-fake"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="Sure! It depends."))])


class RecordingChatModel(BaseChatModel):
    """Replies with a fixed JSON text and keeps the messages it was sent (to read the instructions)."""

    reply: str = ""
    seen: list = []  # noqa: RUF012 - pydantic field, one list per instance

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        self.seen.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])
