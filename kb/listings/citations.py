"""Turns a rule's citation reference into a citation taken from the knowledge base, for a date.

Only the version of the law in force on ``as_of`` is ever cited: the article key is looked up for that
version (``keys`` per version, else ``key``), checked against the rule's anchor phrase, and if the key does
not hold the anchor (a renumbered law) the version's articles are searched for it. The quote is one
sentence of the stored article text, verbatim. A law or article the store does not hold is not cited."""

from __future__ import annotations

import logging
import re
import threading
from datetime import date
from typing import Any, Protocol

from kb.errors import KBError
from kb.listings.rules import CitationRef
from kb.records import ArticleRecord, LawRecord, VersionRecord

log = logging.getLogger("kb.listings")
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_WS = re.compile(r"\s+")


class StoreLike(Protocol):
    def law(self, law_id: str) -> LawRecord: ...
    def resolve_law(self, name: str) -> LawRecord: ...
    def version_in_force(self, law_id: str, as_of: date) -> VersionRecord | None: ...
    def article(self, law_id: str, key: str, *, as_of: date | None = None, version_id: str | None = None) -> ArticleRecord | None: ...
    def articles(self, version_id: str) -> list[ArticleRecord]: ...


def _norm(text: str) -> str:
    return _WS.sub("", text)


def article_text(article: ArticleRecord) -> str:
    return article.text_zh or article.text_en or ""


def pick_quote(text: str, hint: str | None) -> str:
    """The first sentence (。；！？ or line) of ``text`` containing ``hint`` (whitespace ignored), else the
    first sentence. Always a verbatim substring of ``text``."""
    sentences = [m.group(0).strip() for m in _SENTENCE.finditer(text)]
    sentences = [s for s in sentences if s]
    if not sentences:
        return text.strip()
    if hint:
        h = _norm(hint)
        for s in sentences:
            if h in _norm(s):
                return s
    return sentences[0]


class CitationResolver:
    """Resolves citation references against one store; results are cached per (reference, version)."""

    def __init__(self, store: StoreLike) -> None:
        self.store = store
        self._laws: dict[str, LawRecord | None] = {}
        self._cache: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._lock = threading.Lock()

    def _law(self, name: str) -> LawRecord | None:
        if name not in self._laws:
            law: LawRecord | None = None
            try:
                law = self.store.law(name)
            except KBError:
                try:
                    law = self.store.resolve_law(name)
                except KBError:
                    law = None
            self._laws[name] = law
        return self._laws[name]

    def _find_by_anchor(self, version_id: str, anchor: str) -> ArticleRecord | None:
        a = _norm(anchor)
        for art in self.store.articles(version_id):
            if a in _norm(article_text(art)):
                return art
        return None

    def resolve(self, ref: CitationRef, as_of: date) -> dict[str, Any] | None:
        law = self._law(ref.law)
        if law is None:
            return None
        version = self.store.version_in_force(law.law_id, as_of)
        if version is None or not version.in_force_on(as_of):
            return None
        key = (ref.id, version.version_id)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        result = self._resolve(ref, law, version, as_of)
        with self._lock:
            self._cache[key] = result
        return result

    def _resolve(self, ref: CitationRef, law: LawRecord, version: VersionRecord, as_of: date) -> dict[str, Any] | None:
        eff = version.effective_from.isoformat() if version.effective_from else ""
        art_key = ref.keys.get(eff) or ref.key
        art = self.store.article(law.law_id, art_key, version_id=version.version_id) if art_key else None
        if art is not None and ref.anchor and _norm(ref.anchor) not in _norm(article_text(art)):
            art = None
        if art is None and ref.anchor:
            art = self._find_by_anchor(version.version_id, ref.anchor)
        if art is None:
            log.warning("listing rule citation %s: no article in %s", ref.id, version.version_id)
            return None
        text = article_text(art)
        return {
            "law": law.law_id,
            "title_zh": law.title_zh,
            "title_en": law.title_en,
            "version": version.version_id,
            "effective_from": version.effective_from.isoformat() if version.effective_from else None,
            "effective_to": version.effective_to.isoformat() if version.effective_to else None,
            "article": art.label_zh or art.label_en or art.key,
            "article_key": art.key,
            "article_id": art.article_id,
            "label_en": art.label_en,
            "quote": pick_quote(text, ref.quote),
            "in_force": True,
            "penalty": ref.penalty,
        }
