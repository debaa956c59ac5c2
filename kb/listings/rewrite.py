"""A rewritten listing the seller can copy: every risky span replaced or removed.

Each finding's category says how (kb/data/listing_rules.toml: ``rewrite`` = "span", "clause" or "sentence",
and a ``replacement`` in the field's language, or nothing). A sentence ends at 。！？.!? or a line (a claim and
its own qualifier go together: "CE mark on the box (certificate pending)."). A clause is the text between punctuation (and, in
Chinese, spaces, which separate the phrases of a title). Edits that overlap are joined; a field that an edit
would empty keeps its other words (the span alone is removed then). Afterwards doubled punctuation and
spaces are tidied. The detector checks the result again (``ListingChecker``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from kb.lang import HAN as _HAN
from kb.listings.rules import Rules

_CLAUSE_END_EN = re.compile(r"[。！？；;!?\n，,、:：()（）【】\[\]|/]|\.(?:\s|$)|\s[-–—]\s")
_CLAUSE_END_ZH = re.compile(r"[。！？；;!?\n，,、:：()（）【】\[\]|/\s]|\.(?:\s|$)|\s[-–—]\s")


class HitLike(Protocol):
    category: str
    field: str
    start: int
    end: int
    fix: tuple[int, int] | None


_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?:\s|$)")


def _clause(text: str, start: int, end: int, keep_end: bool, sentence: bool = False) -> tuple[int, int]:
    """The clause (or ``sentence``) around [start, end): from the separator before to the one after. Removed,
    the trailing separator goes with it ("A，B，C" without B reads "A，C"); replaced (``keep_end``), it stays."""
    ends = _SENTENCE_END if sentence else _CLAUSE_END_ZH if _HAN.search(text[start:end]) else _CLAUSE_END_EN
    a = 0
    for m in ends.finditer(text, 0, start):
        a = m.end()
    while a < start and text[a] in " \t":
        a += 1
    m = ends.search(text, end)
    if m is None:
        return a, len(text)
    return a, (m.start() if keep_end else m.end())


def _tidy(text: str) -> str:
    text = re.sub(r"[（(]\s*[)）]|[（(]\s*(?=[.。,，;；!?！？]|$)", "", text)  # what a removed clause leaves of a bracket
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\s+([，。、；！？,.;!?])", r"\1", text)
    text = re.sub(r"([，、；,;])(?:\s*[，、；,;])+", r"\1", text)
    text = re.sub(r"([，、；,;:：])\s*([。！？.!?])", r"\2", text)
    text = re.sub(r"\s[-–—]\s*$|\s[-–—]\s+(?=[-–—])", "", text)
    text = re.sub(r"^[\s，。、；,;:：\-–—]+", "", text)
    return re.sub(r"[\s，、；,;:：\-–—]+$", "", text).strip()


def _edits(text: str, hits: list[HitLike], rules: Rules, clauses: bool, sentences: bool = True) -> list[tuple[int, int, str]]:
    zh = bool(_HAN.search(text))
    raw = []
    used: set[str] = set()
    for h in sorted(hits, key=lambda x: x.start):
        cat = rules.categories[h.category]
        repl = cat.replacement_zh if zh else cat.replacement_en
        if repl in used:  # "原创设计" once per field, not for every span of the finding
            repl = ""
        used.add(repl)
        start, end = h.fix or (h.start, h.end)
        if clauses and cat.rewrite in ("clause", "sentence"):
            start, end = _clause(text, h.start, h.end, keep_end=bool(repl), sentence=sentences and cat.rewrite == "sentence")
        raw.append((start, end, repl))
    raw.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, r in raw:
        if merged and s < merged[-1][1]:
            ls, le, lr = merged[-1]
            merged[-1] = (ls, max(le, e), lr or r)
        else:
            merged.append((s, e, r))
    return merged


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out = text
    for s, e, r in sorted(edits, reverse=True):
        piece = r
        if r and e < len(out) and re.match(r"[^\s，。、；！？,.;!?:：)）】\]]", out[e]) and not _HAN.search(r):
            piece = r + " "
        out = out[:s] + piece + out[e:]
    return _tidy(out)


def rewrite_field(text: str, hits: Iterable[HitLike], rules: Rules, *, keep: bool = False, spans: bool = True) -> str:
    """``keep``: a field that must not come out empty (the title) keeps what the clauses (else, with ``spans``,
    the spans) alone leave."""
    hits = list(hits)
    if not hits:
        return text
    out = _apply(text, _edits(text, hits, rules, clauses=True))
    if keep and not out.strip():
        out = _apply(text, _edits(text, hits, rules, clauses=True, sentences=False))
    if keep and spans and not out.strip():
        out = _apply(text, _edits(text, hits, rules, clauses=False))
    if out and text[:1].isupper() and out[:1].islower():
        out = out[:1].upper() + out[1:]
    return out


def _product_title(fields: dict[str, str], hits: list[HitLike], rules: Rules) -> str:
    """A title for a listing whose title was all claims: the first product phrase ("silicone mask", 硅胶面具) of
    the title, then the description, that no finding covers; else ""."""
    lang = "zh" if _HAN.search(fields.get("title", "")) else "en"
    for f in ("title", "description"):
        text = fields.get(f, "")
        spans = [(h.start, h.end) for h in hits if h.field == f]
        for pat_lang in (lang, "en" if lang == "zh" else "zh"):
            pat = rules.product.get(pat_lang)
            for m in pat.finditer(text) if pat else ():
                if not any(a < m.end() and m.start() < b for a, b in spans):
                    phrase = m.group(0).strip()
                    return phrase[:1].upper() + phrase[1:]
    return ""


def rewrite(fields: dict[str, str], hits: Iterable[HitLike], rules: Rules) -> dict[str, str]:
    """The fields with every hit's words replaced or removed. A title whose every clause was a claim becomes the
    product's name (from the listing, else what the spans alone leave, else the plain fallback name)."""
    hits = list(hits)
    out = {f: rewrite_field(text, [h for h in hits if h.field == f], rules, keep=f == "title", spans=f != "title")
           for f, text in fields.items()}
    title = fields.get("title", "")
    if "title" in out and title.strip() and not out["title"].strip():
        out["title"] = (_product_title(fields, hits, rules)
                        or rewrite_field(title, [h for h in hits if h.field == "title"], rules, keep=True)
                        or rules.fallback_title.get("zh" if _HAN.search(title) else "en", ""))
    return out
