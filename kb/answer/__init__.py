"""Grounded answers: answerers (deterministic, LLM through LangChain), the citation gate, issue spotting."""

from kb.answer.deterministic import DeterministicAnswerer
from kb.answer.evidence import Answerer, Evidence
from kb.answer.gate import GateResult, check
from kb.answer.llm import LLMAnswerer
from kb.answer.models import Answer, Citation, Draft, IssueFinding, RemovedCitation
from kb.answer.service import answer_question, refusal_threshold

__all__ = [
    "Answer",
    "Answerer",
    "Citation",
    "DeterministicAnswerer",
    "Draft",
    "Evidence",
    "GateResult",
    "IssueFinding",
    "LLMAnswerer",
    "RemovedCitation",
    "answer_question",
    "check",
    "refusal_threshold",
]
