"""The evidence an answerer works from (retrieved articles for one question) and the shared helpers that
turn an article + quote into a complete citation (titles, version, paragraph, translation, source)."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from kb.answer.models import Citation, Draft
from kb.answer.text import normalize, paragraph_of, pinpoint, split_sentences
from kb.records import ArticleRecord, Hit, LawRecord, VersionRecord


@dataclass
class Evidence:
    question: str
    lang: str  # language of the question and the answer: "zh" | "en"
    as_of: date
    hits: list[Hit]
    expansions: list[str] = field(default_factory=list)
    store: Any = None  # ArticleStore
    notes: Any = None  # ArticleNotes: our unofficial headnotes (English beside Chinese-only articles)
    asked: str = ""  # the question as asked, when ``question`` is a follow-up resolved with the earlier question's terms
    followup_of: str = ""  # the earlier question a follow-up is read with (kb/answer/followup.py)


class Answerer(Protocol):
    """Writes a draft answer with citations from the evidence; the citation gate checks it afterwards."""

    name: str

    def answer(self, evidence: Evidence) -> Draft: ...


class LawCache:
    """Per-answer memo of law/version look-ups (the store is SQLite; answers touch a handful of laws)."""

    def __init__(self, store: Any, notes: Any = None) -> None:
        self.store = store
        self.notes = notes
        self._laws: dict[str, LawRecord | None] = {}
        self._versions: dict[str, VersionRecord | None] = {}

    def law(self, law_id: str) -> LawRecord | None:
        if law_id not in self._laws:
            try:
                self._laws[law_id] = self.store.law(law_id)
            except Exception:
                self._laws[law_id] = None
        return self._laws[law_id]

    def headnote_en(self, article_id: str) -> str | None:
        """Our English headnote of the article (unofficial, written by this project), if any."""
        if self.notes is None:
            return None
        try:
            return self.notes.headnote(article_id).get("en") or None
        except Exception:
            return None

    def version(self, version_id: str) -> VersionRecord | None:
        if version_id not in self._versions:
            try:
                self._versions[version_id] = self.store.version(version_id)
            except Exception:
                self._versions[version_id] = None
        return self._versions[version_id]


def translation_for(article: ArticleRecord, quote: str) -> str | None:
    """The English text beside a Chinese quote, aligned to the quote: the same sentence where the aligned
    paragraphs have as many sentences in both languages, else the same paragraph; the whole English
    article only when it is one paragraph. None when the English cannot be aligned."""
    if not article.text_en:
        return None
    zh, en = article.paragraphs_zh, article.paragraphs_en
    if len(zh) <= 1 and len(en) <= 1:
        para_zh, para_en = (zh[0] if zh else article.text_zh or ""), (en[0] if en else article.text_en)
    elif len(zh) == len(en):
        idx = paragraph_of(quote, zh)
        if idx is None:
            return None
        para_zh, para_en = zh[idx - 1], en[idx - 1]
    else:
        return None
    s_zh, s_en = split_sentences(para_zh), split_sentences(para_en)
    q = normalize(quote)
    hits = [i for i, s in enumerate(s_zh) if normalize(s) == q]
    if len(s_zh) > 1 and len(s_zh) == len(s_en) and len(hits) == 1:
        return s_en[hits[0]]
    return para_en


_ISSUER = re.compile(r"^(?:最高人民法院|最高人民检察院|国务院|全国人民代表大会常务委员会|全国人民代表大会)+")
_TITLE_NOISE = re.compile(r"[《》〈〉“”\"'\s（）()、，,·]|\d{4}-\d{2}-\d{2}")


def title_signature(title: str) -> str:
    """A law's title without issuer prefixes, 中华人民共和国, brackets, dates and punctuation: the national/
    copy of a raw/ law has the same signature whatever its title form (with or without 最高人民法院)."""
    t = _TITLE_NOISE.sub("", title or "")
    t = _ISSUER.sub("", t)
    return t.replace("中华人民共和国", "")


_SIGNATURES: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def _raw_signatures(store: Any) -> dict[str, str]:
    """Title signature → law id of every raw/ law in the store (computed once per store)."""
    if store is None:
        return {}
    try:
        return _SIGNATURES[store]
    except (KeyError, TypeError):
        pass
    try:
        sigs = {title_signature(law.title_zh): law.law_id for law in store.laws() if law.layer == "raw"}
    except Exception:
        return {}
    try:
        _SIGNATURES[store] = sigs
    except TypeError:  # a store that cannot be weakly referenced is simply not cached
        pass
    return sigs


def canonical_hits(hits: list[Hit], store: Any, as_of: date) -> list[Hit]:
    """The evidence without copies: a national/ article whose law is a raw/ law under another title form
    becomes the raw/ article (same key, in force on ``as_of``); an article whose text another hit already
    holds is dropped. Raw/ wins; order is kept."""
    raw_by_sig = _raw_signatures(store)
    out: list[Hit] = []
    seen_ids: set[str] = set()
    seen_text: dict[str, int] = {}
    for hit in hits:
        art = hit.article
        title = hit.title_zh
        law = None
        if store is not None:
            try:
                law = store.law(art.law_id)
            except Exception:
                law = None
        if law is not None and law.layer != "raw":
            raw_id = raw_by_sig.get(title_signature(law.title_zh))
            if raw_id and raw_id != art.law_id:
                try:
                    twin = store.article(raw_id, art.key, as_of=as_of)
                except Exception:
                    twin = None
                if twin is None:
                    continue  # a copy of a raw law whose article is not in raw/ in force: not evidence twice
                art = twin
                try:
                    raw_law = store.law(raw_id)
                    title = raw_law.title_zh
                    hit = replace(hit, article=art, title_zh=title, title_en=raw_law.title_en)
                except Exception:
                    hit = replace(hit, article=art)
        body = normalize(art.text_zh or art.text_en or "")
        if art.article_id in seen_ids or (len(body) >= 20 and body in seen_text):
            continue
        seen_ids.add(art.article_id)
        if body:
            seen_text[body] = len(out)
        out.append(hit)
    return out


def cite(article: ArticleRecord, quote: str, laws: LawCache, *, issue: str | None = None) -> Citation:
    """A complete citation of ``article`` with the verbatim ``quote`` (paragraph located, not guessed)."""
    law = laws.law(article.law_id)
    version = laws.version(article.version_id)
    paragraphs = article.paragraphs_zh or article.paragraphs_en
    paragraph, item = pinpoint(quote, paragraphs) if len(paragraphs) > 1 else (None, None)
    text_en, en_source = None, None
    if article.text_zh:
        text_en = translation_for(article, quote)
        en_source = "translation" if text_en else None
        if text_en is None:
            text_en = laws.headnote_en(article.article_id)
            en_source = "headnote" if text_en else None
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
        text_en=text_en,
        text_en_source=en_source,
        source_url=version.source_url if version else None,
        in_force=True,
        issue=issue,
    )
