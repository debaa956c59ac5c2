"""Optional LLM answerer through LangChain (any OpenAI-compatible endpoint via ``ChatOpenAI``, or any
``BaseChatModel``). The model must return JSON with its citations; anything unparseable, an error or a
timeout falls back to the deterministic answerer. Its citations still go through the gate."""

from __future__ import annotations

import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from kb.answer.evidence import Answerer, Evidence
from kb.answer.models import Citation, Draft

log = logging.getLogger("kb.answer.llm")
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kb-llm")
MAX_EVIDENCE_CHARS = 1500

SYSTEM = """You are a careful Chinese-law research assistant. Answer ONLY from the numbered evidence articles.
Rules:
- Every statement of law must cite an evidence article by its law id and article key exactly as given.
- Each citation must quote one or more consecutive sentences copied character for character from that article's Chinese text.
- Answer in {lang_name}. Quote Chinese law text in Chinese.
- If the evidence does not answer the question, say so and return no citations.
Return a single JSON object and nothing else:
{{"answer": "<your answer>", "citations": [{{"law": "<law id>", "article": "<article key>", "paragraph": <number or null>, "quote": "<verbatim sentence>"}}]}}"""


def _evidence_block(evidence: Evidence) -> str:
    parts = []
    for i, hit in enumerate(evidence.hits, 1):
        a = hit.article
        text = (a.text_zh or a.text_en or "")[:MAX_EVIDENCE_CHARS]
        parts.append(f"[{i}] law id: {a.law_id} | {hit.title_zh} | article key: {a.key} ({a.label_zh or a.label_en}) | version: {a.version_id}\n{text}")
    return "\n\n".join(parts)


def parse_reply(content: str) -> tuple[str, list[Citation]]:
    """Extract {"answer", "citations"} from a model reply (tolerates code fences and prose around it)."""
    m = re.search(r"\{.*\}", content, re.DOTALL)
    if not m:
        raise ValueError("no JSON object in the model reply")
    data = json.loads(m.group(0))
    if not isinstance(data, dict) or not isinstance(data.get("answer"), str):
        raise ValueError("the model reply has no 'answer' string")
    cites = []
    for raw in data.get("citations") or []:
        if not isinstance(raw, dict):
            continue
        para = raw.get("paragraph")
        cites.append(
            Citation(
                law=str(raw.get("law", "")),
                article=str(raw.get("article", "")),
                quote=str(raw.get("quote", "")),
                paragraph=para if isinstance(para, int) else None,
                version=str(raw["version"]) if raw.get("version") else None,
            )
        )
    return data["answer"], cites


class LLMAnswerer:
    name = "llm"

    def __init__(self, model: Any, *, fallback: Answerer, timeout: float = 30.0) -> None:
        self.model = model
        self.fallback = fallback
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Any, *, fallback: Answerer) -> LLMAnswerer:
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        model = ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=SecretStr(settings.llm_api_key or "unused"),
            timeout=settings.llm_timeout,
            max_retries=0,
            temperature=0,
        )
        return cls(model, fallback=fallback, timeout=settings.llm_timeout)

    def _messages(self, evidence: Evidence) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        lang_name = "Chinese" if evidence.lang == "zh" else "English"
        human = f"Question (as of {evidence.as_of.isoformat()}): {evidence.question}\n\nEvidence articles:\n{_evidence_block(evidence)}"
        return [SystemMessage(SYSTEM.format(lang_name=lang_name)), HumanMessage(human)]

    def answer(self, evidence: Evidence) -> Draft:
        try:
            future = _POOL.submit(self.model.invoke, self._messages(evidence))
            reply = future.result(timeout=self.timeout)
            content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
            text, citations = parse_reply(content)
        except FutureTimeout:
            log.warning("LLM answerer timed out after %.1fs; deterministic fallback", self.timeout)
            return self._fallback(evidence, "timeout")
        except Exception as exc:  # any model/parse failure → the deterministic answer
            log.warning("LLM answerer failed (%s); deterministic fallback", type(exc).__name__)
            return self._fallback(evidence, type(exc).__name__)
        return Draft(text=text, citations=citations, answerer=self.name)

    def _fallback(self, evidence: Evidence, why: str) -> Draft:
        draft = self.fallback.answer(evidence)
        draft.answerer = f"{self.fallback.name} (llm fallback: {why})"
        draft.notes.append(f"LLM answerer unavailable ({why}); deterministic answer given.")
        return draft
