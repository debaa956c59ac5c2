"""What an answer is made of: citations (pinpoint + verbatim quote), the issues they support, and what the
citation gate removed. Plain dataclasses so the CLI, the API and the metrics share one shape."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any


@dataclass
class Citation:
    """One pinpoint citation. ``law`` is the law id (or a name an LLM wrote; the gate resolves it),
    ``article`` the article key ("1019", "253之一"), ``quote`` a verbatim sentence of the cited text."""

    law: str
    article: str
    quote: str
    paragraph: int | None = None  # 1-based 款 where the quote lies in one paragraph
    item: int | None = None  # 1-based 项 within that paragraph, where the quote lies in one item
    version: str | None = None  # version_id
    title_zh: str = ""
    title_en: str | None = None
    article_label: str | None = None  # 第一千零一十九条
    article_id: str | None = None
    effective_from: date | None = None
    text_en: str | None = None  # English beside the quote, aligned to its sentence/paragraph
    text_en_source: str | None = None  # "translation" (the corpus's English text) | "headnote" (ours, unofficial, not law)
    source_url: str | None = None
    in_force: bool = True
    in_force_version: str | None = None  # named when the cited version is superseded on as_of
    issue: str | None = None  # id of the issue this citation supports

    def to_dict(self) -> dict[str, Any]:
        d = _flat(self)
        d["effective_from"] = self.effective_from.isoformat() if self.effective_from else None
        return d


@dataclass
class RemovedCitation:
    law: str
    article: str
    quote: str
    reason: str  # "law_not_found" | "article_not_found" | "not_in_force" | "quote_not_verbatim" | ...
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return _flat(self)


@dataclass
class IssueFinding:
    """A legal issue spotted in the question and the evidence, with the citations that decide it."""

    id: str
    label: str  # in the answer's language
    summary: str  # what the law requires, in the answer's language
    citation_keys: list[str] = field(default_factory=list)  # article ids

    def to_dict(self) -> dict[str, Any]:
        return {**_flat(self), "citation_keys": list(self.citation_keys)}


@dataclass(frozen=True)
class Segment:
    """One line of a draft and the article ids it rests on: the service drops a line whose articles the
    citation gate removed (headings and notes rest on none)."""

    text: str
    needs: tuple[str, ...] = ()


@dataclass
class Draft:
    """What an answerer writes before the gate: text and the citations it claims."""

    text: str
    citations: list[Citation]
    issues: list[IssueFinding] = field(default_factory=list)
    answerer: str = "deterministic"
    notes: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)  # the text line by line, when the answerer wrote it so
    no_basis: str | None = None  # why there is nothing to cite (no retrieved provision addresses the question's issues)

    def text_after_gate(self, kept_article_ids: set[str]) -> str:
        """The text without the lines whose articles did not pass the gate (the whole text for free prose)."""
        if not self.segments:
            return self.text
        return "\n".join(s.text for s in self.segments if all(a in kept_article_ids for a in s.needs))


@dataclass
class Answer:
    question: str
    lang: str
    answer: str
    citations: list[Citation]
    issues: list[IssueFinding]
    refused: bool
    evidence_score: float
    as_of: date
    refusal_reason: str | None = None
    removed_citations: list[RemovedCitation] = field(default_factory=list)
    answerer: str = "deterministic"
    searched: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    followup: Any = None  # kb.answer.followup.FollowUp: how the question was read against the conversation

    def to_dict(self) -> dict[str, Any]:
        fu = self.followup.to_dict() if self.followup is not None else None
        return {
            "question": self.question,
            "followup": fu,
            "context_from_history": fu["context_from_history"] if fu else None,
            "resolved_question": fu["resolved_question"] if fu else self.question,
            "lang": self.lang,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "issues": [i.to_dict() for i in self.issues],
            "refused": self.refused,
            "refusal_reason": self.refusal_reason,
            "evidence_score": self.evidence_score,
            "as_of": self.as_of.isoformat(),
            "removed_citations": [r.to_dict() for r in self.removed_citations],
            "answerer": self.answerer,
            "searched": self.searched,
            "notes": self.notes,
        }


def _flat(obj: Any) -> dict[str, Any]:
    """A dataclass of plain values (str, int, bool, date, None) as a dict, field by field: what ``asdict`` gives
    for them without its recursive deep copy (an answer holds up to ~20 citations; a list field is copied by the
    caller)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
