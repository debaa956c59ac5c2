"""What an answer is made of: citations (pinpoint + verbatim quote), the issues they support, and what the
citation gate removed. Plain dataclasses so the CLI, the API and the metrics share one shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
    text_en: str | None = None  # English translation beside the quote, where the corpus has one
    source_url: str | None = None
    in_force: bool = True
    in_force_version: str | None = None  # named when the cited version is superseded on as_of
    issue: str | None = None  # id of the issue this citation supports

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
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
        return asdict(self)


@dataclass
class IssueFinding:
    """A legal issue spotted in the question and the evidence, with the citations that decide it."""

    id: str
    label: str  # in the answer's language
    summary: str  # what the law requires, in the answer's language
    citation_keys: list[str] = field(default_factory=list)  # article ids

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Draft:
    """What an answerer writes before the gate: text and the citations it claims."""

    text: str
    citations: list[Citation]
    issues: list[IssueFinding] = field(default_factory=list)
    answerer: str = "deterministic"
    notes: list[str] = field(default_factory=list)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
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
