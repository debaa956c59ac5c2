"""Sentence-level text handling for quoting: whitespace normalisation (the gate's notion of "verbatim"),
sentence splitting of statute text, and the question's terms used to pick decisive sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kb.circumstances import is_fact_pattern
from kb.lang import HAN as _HAN
from kb.lang import has_han

_WS = re.compile(r"[\s\u3000]+")
# A sentence ends at 。！？ (. ! ? for English) or a line break; items （一）… stay with their line. A "；" does not
# end a sentence: the clause after it often decides ("…；平台…未采取必要措施的，与该经营者承担连带责任。").
_ZH_SENT = re.compile(r"[^。！？\n]+[。！？]?")
_EN_SENT = re.compile(r"[^.!?\n]+(?:[.!?](?=\s|$))?")

# Words that make a sentence normative: the decisive sentence states a duty, a prohibition or a sanction.
NORMATIVE_ZH = ("不得", "禁止", "应当", "应", "须", "必须", "有权", "承担", "责任", "处", "罚款", "没收", "吊销", "赔偿", "构成", "依法")
NORMATIVE_EN = ("shall", "must", "may not", "prohibit", "liab", "fine", "penalt", "compensat", "right to")


def normalize(text: str) -> str:
    """Collapse all white space (incl. ideographic) so line breaks in a source file don't defeat a quote."""
    return _WS.sub("", text) if _HAN.search(text) else _WS.sub(" ", text).strip()


def occurs_verbatim(quote: str, text: str | None) -> bool:
    if not text or not quote.strip():
        return False
    q = normalize(quote)
    return bool(q) and q in normalize(text)


def split_sentences(text: str) -> list[str]:
    pattern = _ZH_SENT if has_han(text) else _EN_SENT
    return [s.strip() for s in pattern.findall(text) if s.strip() and len(s.strip()) > 1]


_ITEM = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")


def paragraph_of(quote: str, paragraphs: Iterable[str]) -> int | None:
    """1-based index of the stored paragraph holding the quote, when exactly one does."""
    q = normalize(quote)
    found = [i for i, p in enumerate(paragraphs, 1) if q and q in normalize(p)]
    return found[0] if len(found) == 1 else None


def pinpoint(quote: str, paragraphs: Iterable[str]) -> tuple[int | None, int | None]:
    """(款, 项) of the quote: stored paragraphs that open with （一）… are items (项) of the preceding
    paragraph, not paragraphs of their own."""
    paras = list(paragraphs)
    idx = paragraph_of(quote, paras)
    if idx is None:
        return None, None
    kuan, item = 0, None
    for i, p in enumerate(paras, 1):
        m = _ITEM.match(p.strip())
        if m:
            item = item + 1 if item else 1
        else:
            kuan, item = kuan + 1, None
        if i == idx:
            break
    if kuan == 0:  # items before any paragraph text: treat as the first paragraph
        kuan = 1
    n_kuan = sum(1 for p in paras if not _ITEM.match(p.strip()))
    return (kuan if n_kuan > 1 else None), item


def term_hits(sentence: str, terms: Iterable[str]) -> set[str]:
    low = sentence.lower()
    return {t for t in terms if t and t.lower() in low}


def normative_weight(sentence: str) -> float:
    if has_han(sentence):
        return sum(0.5 for w in NORMATIVE_ZH if w in sentence)
    low = sentence.lower()
    return sum(0.5 for w in NORMATIVE_EN if w in low)


def query_terms(question: str, expansions: Iterable[str] = ()) -> list[str]:
    """Content terms of the question plus the glossary expansions (legal Chinese terms for lay/English
    words). Chinese is cut with the same jieba dictionary as the index; English is kept unstemmed for
    substring matching against translations."""
    return list(_query_terms(question, tuple(expansions)))


_ROLES = frozenset({"被告人", "犯罪嫌疑人", "公诉机关", "公诉人", "辩护人", "被告", "同案犯"})


@lru_cache(maxsize=2048)
def _query_terms(question: str, expansions: tuple[str, ...]) -> tuple[str, ...]:
    """query_terms, once per question (an answer asks for them in several steps)."""
    from kb.tokenize import EN_STOP, ZH_STOP

    terms: list[str] = []
    # In a criminal fact pattern the parties' procedural names (被告人, 犯罪嫌疑人 …) say who, not what: every sentence of
    # the narrative holds them, and an article that merely names them too (刑法第六十七条第二款) is no more on point.
    roles = _ROLES if len(question) > 60 and is_fact_pattern(question) else frozenset()
    for chunk in [question, *expansions]:
        if has_han(chunk):
            from kb.tokenize import _jieba

            for tok in _jieba().cut(chunk):
                tok = tok.strip()
                if len(tok) >= 2 and tok not in ZH_STOP and tok not in roles and _HAN.search(tok):
                    terms.append(tok)
        for word in re.findall(r"[A-Za-z][A-Za-z\-']+", chunk):
            w = word.lower()
            if len(w) > 2 and w not in EN_STOP:
                terms.append(w)
    return tuple(dict.fromkeys(terms))
