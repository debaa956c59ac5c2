"""The reviewed bilingual glossary (corpus/glossary.toml) and query expansion.

Why: people ask in lay words ("looks like a celebrity", "老板不给工资") or in English, while the statutes speak
legal Chinese (肖像权, 拖欠劳动报酬). `Glossary.expand` finds the lay/English/legal phrases of each concept in a
question and returns the concept's legal Chinese and English terms, so both lexical and dense retrieval can
reach the right articles across languages. Called once per query: matching is a dictionary walk, and results
are cached.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kb.errors import KBError
from kb.lang import HAN

__all__ = ["Concept", "Expansion", "Glossary", "GlossaryError", "expand", "load_glossary"]

SCOPES = frozenset({"core", "national", "none", "foreign"})
_EN_TOKEN = re.compile(r"[a-z0-9]+")
_EN_DROP = frozenset({"a", "an", "the"})
# A lay phrase this long (Han characters) describes a situation ("仍然卖给他", "不处理") rather than naming a
# thing with a synonym ("卖家", "名字"); concepts found only through such phrases are `Expansion.lay`.
LAY_PHRASE_MIN = 3


class GlossaryError(KBError):
    """The glossary file is missing or malformed (a deployment error)."""

    status = 500
    code = "glossary_invalid"


# Words whose "plural" means something else: folding "customs" to "custom" made "custom masks" a customs question.
_KEEP_PLURAL = frozenset({"customs", "goods", "news", "means", "premises", "series", "species", "arms", "glasses"})


def _stem(word: str) -> str:
    """Harman's S-stemmer: folds plurals only ("reviews" → "review", "parties" → "party"). A light stemmer on
    purpose: Porter would merge "customs" with "customers" and "masked" with "mask"; verb forms the glossary
    needs are listed as phrases."""
    if word in _KEEP_PLURAL:
        return word
    n = len(word)
    if n > 3 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if n > 3 and word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if n > 2 and word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


# "Face" is the likeness (a noun) and also what one faces (a verb: "what fine could we face?", "he is facing charges"):
# as a verb it raises no concept. It is a verb after a modal or a pronoun, or before a penalty or a consequence.
_VERB_SENSE = frozenset({"face", "facing", "faced"})
_BEFORE_A_VERB = frozenset({"could", "would", "will", "may", "might", "can", "shall", "should", "must", "to", "we", "they",
                            "i", "you", "he", "she", "it", "doe", "do", "did", "not", "also", "still", "now", "who", "that",
                            "is", "are", "wa", "be", "been"})
_FACED = frozenset({"fine", "penalty", "charge", "liability", "prison", "jail", "sanction", "consequence", "lawsuit",
                    "prosecution", "punishment", "criminal", "legal", "detention", "sentence", "claim", "risk"})


# "Face" is also the body part a product hurts ("the mask burned her face", "a rash on my face"): near a word of harm it
# is an injury (product liability, consumer remedies), not someone's likeness.
_BODY_SENSE = frozenset({"face", "facial", "cheek", "skin"})
_HARM = frozenset({"burn", "burned", "burnt", "burning", "rash", "injury", "injured", "injure", "hurt", "hurting", "scar",
                   "scarred", "swollen", "swelling", "allergy", "allergic", "irritation", "irritated", "blister",
                   "blistered", "itch", "itchy", "itching", "sore", "wound", "wounded", "damage", "damaged", "infection",
                   "inflamed", "peel", "peeling", "red", "bleeding", "cut", "chemical", "toxic", "reaction", "harmed"})
_HARM_WINDOW = 3  # words on either side (articles not counted)


_HARM_ZH = re.compile("烫伤|烧伤|灼伤|受伤|划伤|过敏|红肿|肿胀|起疹|疹子|溃烂|瘙痒|发痒|发炎|起泡|刺痛|伤口|毁容|腐蚀|留疤|疤痕")
_BODY_ZH = frozenset({"脸", "面部", "脸部", "皮肤"})


def _body_sense_zh(text: str, start: int, end: int) -> bool:
    """Whether the face at text[start:end] is hurt by something (a word of harm within eight characters)."""
    return text[start:end] in _BODY_ZH and bool(_HARM_ZH.search(text, max(0, start - 8), end + 8))


def _body_sense(toks: list[str], pos: int, n: int) -> bool:
    """Whether the one word at ``pos`` is a face hurt by something (see _BODY_SENSE)."""
    if n != 1 or toks[pos] not in _BODY_SENSE:
        return False
    return any(t in _HARM for t in toks[max(0, pos - _HARM_WINDOW) : pos + 1 + _HARM_WINDOW])


def _verb_sense(toks: list[str], pos: int, n: int) -> bool:
    """Whether the one word at ``pos`` is "face" used as a verb (see _VERB_SENSE)."""
    if n != 1 or toks[pos] not in _VERB_SENSE:
        return False
    return (pos > 0 and toks[pos - 1] in _BEFORE_A_VERB) or (pos + 1 < len(toks) and toks[pos + 1] in _FACED)


def en_tokens(text: str) -> list[str]:
    """Lower-cased, plural-folded English word tokens (possessive 's and articles dropped); the matching unit."""
    text = text.lower().replace("’", "'").replace("'s ", " ").replace("'s", "")
    return [_stem(t) for t in _EN_TOKEN.findall(text) if t not in _EN_DROP]


@dataclass(frozen=True)
class Concept:
    id: str
    scope: str  # core | national | none | foreign
    topics: tuple[str, ...]
    zh: tuple[str, ...]  # legal Chinese terms
    en: tuple[str, ...]  # English legal terms
    lay_zh: tuple[str, ...]
    lay_en: tuple[str, ...]


@dataclass
class Expansion:
    """What a question's wording maps to. ``terms_zh``/``terms_en`` are the legal terms of every matched concept
    (in match order, de-duplicated); ``matched`` the phrases found in the question."""

    terms_zh: list[str] = field(default_factory=list)
    terms_en: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    topics: set[str] = field(default_factory=set)
    matched: list[str] = field(default_factory=list)
    lay: list[str] = field(default_factory=list)  # concepts the question describes in lay words (a lay phrase of
    # LAY_PHRASE_MIN+ characters or 2+ English words) and never names by one of their legal terms
    out_of_corpus: list[str] = field(default_factory=list)  # matched concepts with scope "none"
    foreign: list[str] = field(
        default_factory=list
    )  # a foreign place is named: PRC law may or may not be asked

    def terms(self, lang: str) -> list[str]:
        return list(self.terms_zh if lang == "zh" else self.terms_en)

    def __bool__(self) -> bool:
        return bool(self.concepts)


def _tuple(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise GlossaryError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(x.strip() for x in value)


class Glossary:
    """Concepts plus two match indexes: Chinese substrings by first character, English stem sequences by first stem."""

    def __init__(self, concepts: list[Concept]) -> None:
        from kb.topics import TOPICS

        self.concepts = concepts
        self._by_id = {c.id: c for c in concepts}
        if len(self._by_id) != len(concepts):
            raise GlossaryError("glossary: duplicate concept ids")
        self._zh: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._en: dict[str, list[tuple[tuple[str, ...], int, str]]] = defaultdict(list)
        # per concept, its legal terms as matches report them: zh lower-cased, en as written
        self._legal = [(frozenset(t.lower() for t in c.zh), frozenset(c.en)) for c in concepts]
        for i, c in enumerate(concepts):
            bad = set(c.topics) - TOPICS
            if bad:
                raise GlossaryError(f"concept {c.id}: unknown topics {sorted(bad)}")
            if c.scope not in SCOPES:
                raise GlossaryError(f"concept {c.id}: scope {c.scope!r} not one of {sorted(SCOPES)}")
            for term in {*c.zh, *c.lay_zh}:
                t = term.lower()
                self._zh[t[0]].append((t, i))
            for phrase in {*c.en, *c.lay_en}:
                toks = tuple(en_tokens(phrase))
                if toks:
                    self._en[toks[0]].append((toks, i, phrase))
            for term in c.zh + c.lay_zh:  # Latin-only lay_zh entries (e.g. "logo") also match English text
                if not HAN.search(term):
                    toks = tuple(en_tokens(term))
                    if toks:
                        self._en[toks[0]].append((toks, i, term))
        self._cached = lru_cache(maxsize=8192)(self._expand_key)

    # -- loading -----------------------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, text: str, *, source: str = "glossary") -> Glossary:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise GlossaryError(f"{source}: not valid TOML: {exc}") from exc
        rows = data.get("concept")
        if not isinstance(rows, list) or not rows:
            raise GlossaryError(f"{source}: no [[concept]] entries")
        concepts = []
        for n, raw in enumerate(rows, 1):
            where = f"{source} [[concept]] #{n} ({raw.get('id', '?')})"
            if not isinstance(raw.get("id"), str) or not raw["id"]:
                raise GlossaryError(f"{where}: 'id' is required")
            zh = _tuple(raw, "zh", where)
            if not zh:
                raise GlossaryError(f"{where}: 'zh' needs at least one legal Chinese term")
            concepts.append(
                Concept(
                    id=raw["id"],
                    scope=raw.get("scope", "core"),
                    topics=_tuple(raw, "topics", where),
                    zh=zh,
                    en=_tuple(raw, "en", where),
                    lay_zh=_tuple(raw, "lay_zh", where),
                    lay_en=_tuple(raw, "lay_en", where),
                )
            )
        return cls(concepts)

    @classmethod
    def load(cls, path: Path | str) -> Glossary:
        p = Path(path)
        if not p.is_file():
            raise GlossaryError(f"glossary not found: {p}")
        return cls.from_toml(p.read_text(encoding="utf-8"), source=str(p))

    def concept(self, concept_id: str) -> Concept:
        return self._by_id[concept_id]

    # -- matching ------------------------------------------------------------------------------------------
    def _match_zh(self, text: str) -> list[tuple[int, int, int, str]]:
        low = text.lower()
        out = []
        for pos, ch in enumerate(low):
            for term, ci in self._zh.get(ch, ()):
                if low.startswith(term, pos):
                    out.append((pos, pos + len(term), ci, term))
        out = [m for m in out if not _body_sense_zh(low, m[0], m[1])]
        if any(self.concepts[ci].scope == "foreign" for _, _, ci, _ in out):
            # A place name must begin a word: "法国" in "违反广告法国家…" is the end of 广告法 + 国家, not France.
            from kb.tokenize import zh_word_starts

            starts = zh_word_starts(text)
            out = [m for m in out if self.concepts[m[2]].scope != "foreign" or m[0] in starts]
        return out

    def _match_en(self, text: str) -> list[tuple[int, int, int, str]]:
        toks = en_tokens(text)
        out = []
        for pos, tok in enumerate(toks):
            for phrase, ci, raw in self._en.get(tok, ()):
                if tuple(toks[pos : pos + len(phrase)]) == phrase and not _verb_sense(toks, pos, len(phrase)) \
                        and not _body_sense(toks, pos, len(phrase)):
                    out.append((pos, pos + len(phrase), ci, raw))
        return out

    @staticmethod
    def _longest(matches: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
        """Drop a one-unit match (one Han character, one English word) lying inside a longer match of another
        concept: "脸" inside "人脸识别", "face" inside "face recognition". Longer overlaps all stay ("造谣" inside
        "网上造谣" is both a civil and a criminal matter)."""
        keep = []
        for m in matches:
            s, e, ci, _ = m
            inside = e - s == 1 and any(
                s2 <= s and e <= e2 and e2 - s2 > 1 and c2 != ci for s2, e2, c2, _ in matches
            )
            if not inside:
                keep.append(m)
        return keep

    def _expand_key(
        self, query: str
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[str, ...], frozenset[int]]:
        matches = self._longest(self._match_zh(query)) + self._longest(self._match_en(query))
        order: list[int] = []
        phrases: list[str] = []
        legal: set[int] = set()
        described: set[int] = set()
        spans: set[tuple[int, int, int]] = set()
        for s, e, ci, raw in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
            if ci not in order:
                order.append(ci)
            legal_zh, legal_en = self._legal[ci]
            if raw.lower() in legal_zh or raw in legal_en:
                legal.add(ci)
            elif len(raw) >= LAY_PHRASE_MIN if HAN.search(raw) else len(raw.split()) >= 2:
                described.add(ci)
            span = (s, e, ci)
            if span not in spans and raw not in phrases:  # one phrase per span ("sell"/"sells" fold alike)
                spans.add(span)
                phrases.append(raw)
        zh: list[str] = []
        en: list[str] = []
        for ci in order:
            c = self.concepts[ci]
            zh.extend(t for t in c.zh if t not in zh)
            en.extend(t for t in c.en if t not in en)
        return tuple(zh), tuple(en), tuple(order), tuple(phrases), frozenset(described - legal)

    def expand(self, query: str, lang: str | None = None) -> Expansion:
        """Legal Chinese and English terms for the concepts named in ``query`` (any language; both matchers run,
        so mixed questions work). ``lang`` is accepted for symmetry with the retriever; it does not filter."""
        if not query or not query.strip():
            return Expansion()
        zh, en, order, phrases, lay = self._cached(query.strip()[:4000])
        concepts = [self.concepts[i] for i in order]
        return Expansion(
            terms_zh=list(zh),
            terms_en=list(en),
            concepts=[c.id for c in concepts],
            topics={t for c in concepts for t in c.topics},
            matched=list(phrases),
            lay=[self.concepts[i].id for i in order if i in lay],
            out_of_corpus=[c.id for c in concepts if c.scope == "none"],
            foreign=[c.id for c in concepts if c.scope == "foreign"],
        )


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int) -> Glossary:
    return Glossary.load(path)


def load_glossary(path: Path | str | None = None) -> Glossary:
    """The glossary at ``path`` (default: settings.glossary_path), cached until the file changes."""
    if path is None:
        from kb.settings import get_settings

        path = get_settings().glossary_path
    p = Path(path)
    if not p.is_file():
        raise GlossaryError(f"glossary not found: {p}")
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns)


def expand(query: str, lang: str | None = None) -> Expansion:
    """Expand with the default glossary (see `Glossary.expand`)."""
    return load_glossary().expand(query, lang)
