"""The evidence an answerer works from (retrieved articles for one question) and the shared helpers that
turn an article + quote into a complete citation (titles, version, paragraph, translation, source)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from kb.answer.models import Citation, Draft
from kb.answer.text import paragraph_of, pinpoint
from kb.records import ArticleRecord, Hit, LawRecord, VersionRecord


@dataclass
class Evidence:
    question: str
    lang: str  # language of the question and the answer: "zh" | "en"
    as_of: date
    hits: list[Hit]
    expansions: list[str] = field(default_factory=list)
    store: Any = None  # ArticleStore


class Answerer(Protocol):
    """Writes a draft answer with citations from the evidence; the citation gate checks it afterwards."""

    name: str

    def answer(self, evidence: Evidence) -> Draft: ...


class LawCache:
    """Per-answer memo of law/version look-ups (the store is SQLite; answers touch a handful of laws)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._laws: dict[str, LawRecord | None] = {}
        self._versions: dict[str, VersionRecord | None] = {}

    def law(self, law_id: str) -> LawRecord | None:
        if law_id not in self._laws:
            try:
                self._laws[law_id] = self.store.law(law_id)
            except Exception:
                self._laws[law_id] = None
        return self._laws[law_id]

    def version(self, version_id: str) -> VersionRecord | None:
        if version_id not in self._versions:
            try:
                self._versions[version_id] = self.store.version(version_id)
            except Exception:
                self._versions[version_id] = None
        return self._versions[version_id]


def translation_for(article: ArticleRecord, paragraph: int | None) -> str | None:
    """The English text beside a quote: the aligned paragraph where paragraphs align, else the article."""
    if not article.text_en:
        return None
    if paragraph and article.paragraphs_en and len(article.paragraphs_en) == len(article.paragraphs_zh):
        return article.paragraphs_en[paragraph - 1]
    return article.text_en


def cite(article: ArticleRecord, quote: str, laws: LawCache, *, issue: str | None = None) -> Citation:
    """A complete citation of ``article`` with the verbatim ``quote`` (paragraph located, not guessed)."""
    law = laws.law(article.law_id)
    version = laws.version(article.version_id)
    paragraphs = article.paragraphs_zh or article.paragraphs_en
    paragraph, item = pinpoint(quote, paragraphs) if len(paragraphs) > 1 else (None, None)
    stored = paragraph_of(quote, paragraphs) if len(paragraphs) > 1 else None
    return Citation(
        law=article.law_id,
        article=article.key,
        quote=quote,
        paragraph=paragraph,
        item=item,
        version=article.version_id,
        title_zh=law.title_zh if law else article.law_id,
        title_en=law.title_en if law else None,
        article_label=article.label_zh or article.label_en,
        article_id=article.article_id,
        effective_from=article.effective_from or (version.effective_from if version else None),
        text_en=translation_for(article, stored) if article.text_zh else None,
        source_url=version.source_url if version else None,
        in_force=True,
        issue=issue,
    )
