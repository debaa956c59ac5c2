"""Query analysis: language, glossary expansion (lay/English → legal Chinese), law-name mentions.

Why: an English question about advertising must reach the Chinese-only Advertising Law, and a lay
Chinese question ("用我的脸") must reach the legal term (肖像). The glossary (corpus/glossary.toml, reviewed
data) supplies the bridge terms; law names written in the query ("广告法", "Anti-Unfair Competition Law")
become a soft prior on that law, never a hard filter."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kb.lang import detect_lang, has_han
from kb.qmemory import law_key
from kb.tokenize import query_tokens_zh, tokenize_en, tokenize_zh_terms

__all__ = ["QueryAnalysis", "analyze", "detect_lang", "LawNames", "load_glossary"]

log = logging.getLogger(__name__)
_EN_NAME = re.compile(r"[^a-z0-9]+")


@dataclass
class QueryAnalysis:
    text: str
    lang: str
    expansions: list[str] = field(default_factory=list)  # legal Chinese (and English) terms from the glossary
    zh_text: str = ""  # the question's own Chinese text (searched in the Chinese index)
    zh_expansion: str = ""  # glossary legal Chinese terms (a second, weighted search of the Chinese index)
    zh_bridge: str = ""  # legal Chinese terms of the concepts the question describes only in lay phrases
    en_text: str = ""  # what is searched in the English index / embedded (English queries)
    law_mentions: list[str] = field(default_factory=list)  # law ids named in the query
    content_tokens: list[str] = field(default_factory=list)  # the query's own content words (zh or en tokens)
    concepts: list[str] = field(default_factory=list)  # glossary concept ids recognised
    out_of_corpus: list[str] = field(default_factory=list)  # recognised concepts the corpus does not cover

    @property
    def zh_tokens(self) -> list[str]:
        return list(_zh_tokens(self.zh_text)) if self.zh_text else []

    @property
    def zh_expansion_tokens(self) -> list[str]:
        own = set(self.zh_tokens)
        return [t for t in _zh_terms(self.zh_expansion) if t not in own] if self.zh_expansion else []

    @property
    def zh_bridge_tokens(self) -> list[str]:
        """Legal Chinese tokens of the concepts the question describes only in lay phrases ("卖家仍然卖给他" →
        共同犯罪, "平台…不处理" → 知道或者应当知道, 必要措施): the question's own words cannot match the article
        that defines the situation, so these terms join the question's own lexical query (weighted)."""
        own = set(self.zh_tokens)
        return [t for t in _zh_terms(self.zh_bridge) if t not in own] if self.zh_bridge else []

    @property
    def en_tokens(self) -> list[str]:
        return list(_en_tokens(self.en_text)) if self.en_text else []


# A question's token lists are asked for by every channel, the sub-queries and the answerer: each text is tokenised
# once (distinct tokens in order; bounded, the texts are questions and their parts, not articles).
@lru_cache(maxsize=4096)
def _zh_tokens(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(query_tokens_zh(text)))


@lru_cache(maxsize=4096)
def _zh_terms(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tokenize_zh_terms(text)))


@lru_cache(maxsize=4096)
def _en_tokens(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tokenize_en(text)))


class LawNames:
    """Law names → law ids for spotting mentions: Chinese titles with and without 中华人民共和国, short
    names from the store, English titles. Only names of at least 3 characters (Chinese) or 2 words."""

    def __init__(self, laws: Iterable[Any]) -> None:
        zh: dict[str, set[str]] = {}
        en: dict[str, set[str]] = {}
        for law in laws:
            names = {law.title_zh, law_key(law.title_zh), *getattr(law, "short_names", ())}
            for n in names:
                n = (n or "").strip()
                if has_han(n) and len(n) >= 3:
                    zh.setdefault(n, set()).add(law.law_id)
                elif n and len(n.split()) >= 2:
                    en.setdefault(_en_key(n), set()).add(law.law_id)
            if law.title_en:
                title = re.sub(r"(?i)^(the\s+)?(law|civil code|criminal law)?\s*of the people's republic of china\s*(on)?\s*", "", law.title_en)
                for n in {law.title_en, title, re.sub(r"(?i)\s+of the people's republic of china", "", law.title_en)}:
                    if len(n.split()) >= 2:
                        en.setdefault(_en_key(n), set()).add(law.law_id)
        # longest names first, so 反不正当竞争法 wins over a shorter name inside it
        self._zh = sorted(zh.items(), key=lambda kv: -len(kv[0]))
        self._en = sorted(en.items(), key=lambda kv: -len(kv[0]))

    def find(self, text: str) -> list[str]:
        found: list[str] = []
        if has_han(text):
            rest = text
            for name, ids in self._zh:
                if name in rest:
                    found.extend(sorted(ids))
                    rest = rest.replace(name, "\x00")
        low = f" {_en_key(text)} "
        for name, ids in self._en:
            if f" {name} " in low:
                found.extend(sorted(ids))
                low = low.replace(f" {name} ", " \x00 ")
        return list(dict.fromkeys(found))


def _en_key(text: str) -> str:
    return _EN_NAME.sub(" ", text.lower()).strip()


def load_glossary(path: str) -> Any | None:
    """The reviewed glossary (kb.glossary); None when it is missing or broken (search then runs without
    expansion, and says so in the log)."""
    try:
        from kb.glossary import load_glossary as _load

        return _load(path)
    except Exception as exc:  # noqa: BLE001 - a broken glossary must not break search
        log.warning("glossary %s unusable: %s", path, exc)
        return None


IN_CORPUS_SCOPES = frozenset({"core", "national"})
# A foreign place beside China ("a Chinese seller in India", "我国卖家在美国") still asks about PRC law.
_NAMES_CHINA = re.compile(r"中国|我国|国内|境内|中华人民共和国|大陆|\b(?:china|chinese|prc|mainland)\b", re.IGNORECASE)


def expand(glossary: Any | None, text: str, lang: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """(legal terms not already in the question, concept ids, ids of recognised concepts the corpus does
    not cover: glossary scope other than "core"/"national", e.g. "none" or "foreign" jurisdictions, legal
    Chinese terms of the concepts the question describes only in lay phrases (`Expansion.lay`))."""
    if glossary is None:
        return [], [], [], []
    exp = glossary.expand(text, lang)
    terms = [*getattr(exp, "terms_zh", []), *getattr(exp, "terms_en", [])] if not isinstance(exp, list) else exp
    out = [t.strip() for t in terms if t and t.strip() and t.strip() not in text]
    concepts = list(getattr(exp, "concepts", []))
    outside = set(getattr(exp, "out_of_corpus", []))
    lay = set(getattr(exp, "lay", []))
    bridge: list[str] = []
    lookup = getattr(glossary, "concept", None)
    for cid in concepts:
        try:
            concept = lookup(cid) if callable(lookup) else None
        except Exception:  # noqa: BLE001 - an unknown id is simply not classified
            continue
        scope = getattr(concept, "scope", "core")
        if scope not in IN_CORPUS_SCOPES and not (scope == "foreign" and _NAMES_CHINA.search(text)):
            outside.add(cid)
        # A lay phrase for the consequence asked about ("罚多少钱") is not the conduct that decides the article:
        # penalty concepts stay synonyms; the penalty article is reached from the conduct's (kb.retrieval).
        if cid in lay and concept is not None and "penalty" not in concept.topics:
            bridge.extend(t for t in concept.zh if t not in bridge)
    return list(dict.fromkeys(out)), concepts, [c for c in concepts if c in outside], bridge


def analyze(text: str, *, lang: str | None = None, glossary: Any | None = None, law_names: LawNames | None = None) -> QueryAnalysis:
    text = text.strip()
    lang = lang if lang in ("zh", "en") else detect_lang(text)
    expansions, concepts, out_of_corpus, bridge = expand(glossary, text, lang)
    zh_exp = [t for t in expansions if has_han(t)]
    en_exp = [t for t in expansions if not has_han(t)]
    qa = QueryAnalysis(text=text, lang=lang, expansions=expansions, concepts=concepts, out_of_corpus=out_of_corpus)
    if lang == "zh":
        qa.zh_text = text
        qa.zh_expansion = " ".join(zh_exp)
        qa.zh_bridge = " ".join(t for t in bridge if t not in text)
        qa.en_text = ""  # every article has Chinese text; English translations would only echo it
        qa.content_tokens = list(_zh_tokens(text))
    else:
        qa.zh_text = " ".join(re.findall(r"[\u3400-\u9fff]+", text))
        qa.zh_expansion = " ".join(zh_exp)
        qa.en_text = " ".join([text, *en_exp])
        qa.content_tokens = list(_en_tokens(text))
    if law_names is not None:
        qa.law_mentions = law_names.find(text)
    return qa
