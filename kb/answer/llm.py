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

from kb.answer import guide as guide_data
from kb.answer import issues as issue_data
from kb.answer.evidence import Answerer, Evidence, canonical_hits
from kb.answer.models import Citation, Draft, Segment

log = logging.getLogger("kb.answer.llm")
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kb-llm")
MAX_EVIDENCE_CHARS = 1500

SYSTEM = """You are a careful Chinese-law research assistant writing an answer a lawyer would sign. Answer ONLY from the
numbered evidence articles.
Structure (write every heading and sentence in {lang_name}, the language of the question):
1. Short answer first: per issue, one or two sentences stating the rule and what follows for the asker. Where the
   issue guide below gives a statement for an issue, use it (it is this project's summary, not law) and cite its
   governing article; give no statement for an issue whose governing article is not among the evidence.
2. Then per issue, in this order: the governing rule, its exceptions, liability and remedies, penalties - each
   quoted verbatim from the evidence with its paragraph (款) / item (项) pinpoint.
3. Scope, commencement and definition articles only where they decide the question. Do not cite an article
   that addresses none of the question's issues. Never quote the same provision twice.
4. Say what the evidence does not cover, and which version of each law you cite (the version given).
5. List the citations most decisive first: the governing rule of the question's main issue, then the provision that
   answers what the question asks (the remedy, the penalty, the exception), then the rest.
Rules:
- Every sentence that states law must cite an evidence article by its law id and article key exactly as given.
- Each citation must quote one or more whole consecutive sentences (or a whole item with the sentence that
  introduces it) copied character for character from that article's Chinese text; never cut a sentence at "；".
- Quote Chinese law text in Chinese.
- If the evidence does not answer the question, say so and return no citations.
Return a single JSON object and nothing else:
{{"answer": "<the whole answer as text>",
  "segments": [{{"text": "<one line of the answer>", "cites": [<0-based indices into citations that line rests on>]}}],
  "citations": [{{"law": "<law id>", "article": "<article key>", "paragraph": <number or null>, "quote": "<verbatim sentence>"}}]}}
"segments" repeats the answer line by line (headings with "cites": []), so a line whose citation fails verification
can be removed; the short answer's lines come first."""


def _guide_block(evidence: Evidence, hits: list[Any]) -> str:
    """The issue-guide statements whose governing article is among the evidence (ours, not law)."""
    ids = {h.article.article_id for h in hits}
    spotted = issue_data.spot(evidence.question, evidence.expansions)
    top = {h.article.article_id for h in hits[:3]}
    lines = []
    for e in guide_data.active_entries(evidence.question, spotted, issue_data.excluded(evidence.question), ids, top):
        gov = [r for r in e.governing if r.article_id in ids]
        if gov:
            refs = ", ".join(f"{r.law} {r.key}" for r in gov)
            lines.append(f"- {e.label(evidence.lang)} [governing: {refs}]: {e.statement(evidence.lang)}")
    return "\n".join(lines)


def _evidence_block(evidence: Evidence, hits: list[Any] | None = None) -> str:
    parts = []
    for i, hit in enumerate(hits if hits is not None else evidence.hits, 1):
        a = hit.article
        text = (a.text_zh or a.text_en or "")[:MAX_EVIDENCE_CHARS]
        roles = ", ".join(sorted({f"{e.id}: {role}" for e, role in guide_data.entries_naming(a.article_id)}))
        parts.append(
            f"[{i}] law id: {a.law_id} | {hit.title_zh} | article key: {a.key} ({a.label_zh or a.label_en}) | version: {a.version_id}"
            + (f" | issue guide role: {roles}" if roles else "")
            + f"\n{text}"
        )
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


def parse_segments(content: str, n_citations: int) -> list[tuple[str, list[int]]]:
    """The reply's optional "segments": (line, citation indices); malformed entries are skipped."""
    m = re.search(r"\{.*\}", content, re.DOTALL)
    data = json.loads(m.group(0)) if m else {}
    out = []
    for raw in data.get("segments") or [] if isinstance(data, dict) else []:
        if isinstance(raw, dict) and isinstance(raw.get("text"), str):
            idx = [i for i in raw.get("cites") or [] if isinstance(i, int) and 0 <= i < n_citations]
            out.append((raw["text"], idx))
    return out


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
        hits = canonical_hits(evidence.hits, evidence.store, evidence.as_of)
        guide = _guide_block(evidence, hits)
        human = (
            f"Question (as of {evidence.as_of.isoformat()}): {evidence.asked or evidence.question}\n\n"
            + (f"It follows up the earlier question: {evidence.followup_of}\nRead it in the light of that question, and answer "
               f"in the language of the follow-up.\n\n" if evidence.followup_of else "")
            + (f"Issue guide (written by this project, not law):\n{guide}\n\n" if guide else "")
            + f"Evidence articles:\n{_evidence_block(evidence, hits)}"
        )
        return [SystemMessage(SYSTEM.format(lang_name=lang_name)), HumanMessage(human)]

    @staticmethod
    def _segments(content: str, citations: list[Citation], evidence: Evidence) -> list[Segment]:
        """The reply's lines with the article ids they rest on (a citation that names no real article needs an id
        no gate keeps, so its line goes with it)."""
        from kb.answer.gate import check

        ids: list[str] = []
        for i, c in enumerate(citations):
            kept = check([c], evidence.store, evidence.as_of).kept if evidence.store is not None else []
            ids.append(kept[0].article_id if kept and kept[0].article_id else f"unverified:{i}")
        return [Segment(text, tuple(dict.fromkeys(ids[i] for i in idx))) for text, idx in parse_segments(content, len(citations))]

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
        try:
            segments = self._segments(content, citations, evidence)
        except Exception:  # segments are optional; the gate still checks every citation
            segments = []
        return Draft(text=text, citations=citations, answerer=self.name, segments=segments)

    def _fallback(self, evidence: Evidence, why: str) -> Draft:
        draft = self.fallback.answer(evidence)
        draft.answerer = f"{self.fallback.name} (llm fallback: {why})"
        draft.notes.append(f"LLM answerer unavailable ({why}); deterministic answer given.")
        return draft
