"""Whether the corpus can answer a question at all, decided from the question's words before any evidence is
weighed (data: kb/data/scope.toml). Three kinds of question have no basis in a corpus of PRC law plus the GDPR
text, and each is refused with a reason the asker can check:

- ``foreign``: asked under another jurisdiction's law: a foreign legal system named outright ("Illinois's
  biometric statute", 日本法), or a foreign place (country, US state, city; Hong Kong, Macao and Taiwan keep their own
  law) in a question not set in China. PRC law or the GDPR asked for by name keeps the question, and so does an EU
  place beside a data-protection word (the GDPR answers it).
- ``not_legal``: craft know-how or business advice: a craft/business word in what the question asks (the last
  clause of its asking sentence) unless that asks permission with another person's face or name at stake, or only in
  its story with nothing else legal about it, and no word by which the law is asked. A lay question with no legal and
  no craft word ("what happens to me if I hand it over?") is a legal one: the evidence score weighs it.
- ``no_statute``: a legal question no article answers: statistics, typical awards or settlements, the odds of
  winning, what a named court decided, lawyers' market rates, rules rumoured but not yet made.

Everything else goes on to the evidence score (kb/confidence.py)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kb.lang import HAN

SCOPE_PATH = Path(__file__).resolve().parent.parent / "data" / "scope.toml"

_CLAUSE = re.compile(r"[，,。;；？?！!：:\n]|\.(?:\s|$)")


@dataclass(frozen=True)
class Refusal:
    kind: str  # foreign | not_legal | no_statute
    matched: str  # the words that decided
    reason_en: str
    reason_zh: str

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


@dataclass(frozen=True)
class _Terms:
    """Lower-case terms split into Chinese substrings and one English regex (whole words, "*" = word prefix)."""

    zh: tuple[str, ...]
    en: re.Pattern[str] | None
    cased: re.Pattern[str] | None = None

    @classmethod
    def of(cls, words: list[str], cased: list[str] | None = None) -> _Terms:
        zh = tuple(w for w in words if HAN.search(w))
        en = [w for w in words if not HAN.search(w)]
        return cls(zh, _words(en, re.IGNORECASE), _words(cased or [], 0))

    def find(self, text: str, low: str) -> list[tuple[int, str]]:
        """(offset, term) of every match; ``low`` is ``text.lower()``."""
        out = [(m.start(), t) for t in self.zh if t in low for m in re.finditer(re.escape(t), low)]
        for pat in (self.en, self.cased):
            if pat is not None:
                out.extend((m.start(), m.group(0).lower()) for m in pat.finditer(text))
        return sorted(out)


def _words(words: list[str], flags: int) -> re.Pattern[str] | None:
    if not words:
        return None
    alts = []
    for w in sorted(words, key=len, reverse=True):
        prefix = w.endswith("*")
        body = re.escape(w.rstrip("*")).replace(r"\ ", r"\s+")
        alts.append(body + (r"[\w'-]*" if prefix else r"(?![A-Za-z])"))
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(alts) + ")", flags)


@dataclass(frozen=True)
class ScopeData:
    foreign_laws: _Terms
    places: _Terms
    demonyms: re.Pattern[str] | None
    eu_places: frozenset[str]
    data_protection: _Terms
    system: _Terms
    prc_law: _Terms
    china: _Terms
    not_mainland: tuple[str, ...]
    choice_of_law: _Terms
    legal: _Terms
    asks: _Terms
    craft: _Terms
    person: _Terms
    person_patterns: tuple[re.Pattern[str], ...] = ()
    no_statute: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)


def _demonym_pattern(demonyms: list[str], system: list[str]) -> re.Pattern[str] | None:
    """A nationality adjective right before a legal-system word ("Japanese rules", "Korean customs law")."""
    if not demonyms:
        return None
    alt = "|".join(re.escape(d).replace(r"\ ", r"\s+") for d in sorted(demonyms, key=len, reverse=True))
    sys_alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(system, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])(?:{alt})(?:'s)?\s+(?:[a-z-]+\s+)?(?:{sys_alt})(?![A-Za-z])", re.IGNORECASE)


@lru_cache(maxsize=4)
def load_scope(path: Path = SCOPE_PATH) -> ScopeData:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    f, n = data["foreign"], data["not_legal"]
    return ScopeData(
        foreign_laws=_Terms.of(f["laws"]),
        places=_Terms.of(f["places_en"] + f["places_zh"], f.get("places_en_cased", [])),
        demonyms=_demonym_pattern(f.get("demonyms_en", []), f["system_en"]),
        eu_places=frozenset(p.lower() for p in f.get("eu_places", [])),
        data_protection=_Terms.of(f.get("data_protection", [])),
        system=_Terms.of(f["system_en"] + f["system_zh"]),
        prc_law=_Terms.of(f["prc_law"]),
        china=_Terms.of(f["china"]),
        not_mainland=tuple(x.lower() for x in f.get("not_mainland", [])),
        choice_of_law=_Terms.of(f.get("choice_of_law", [])),
        legal=_Terms.of(n["legal_en"] + n["legal_zh"]),
        asks=_Terms.of(n.get("asks", [])),
        craft=_Terms.of(n["craft_en"] + n["craft_zh"]),
        person=_Terms.of(n.get("person_en", []) + n.get("person_zh", [])),
        person_patterns=tuple(re.compile(p, re.IGNORECASE) for p in n.get("person_patterns", [])),
        no_statute={kind: tuple(re.compile(p, re.IGNORECASE) for p in pats) for kind, pats in data.get("no_statute", {}).items()},
    )


def _zh_word_start(text: str, pos: int) -> bool:
    """A Chinese place name must begin a word: 法国 in 广告法国家 is the end of 广告法 + 国家."""
    from kb.tokenize import zh_word_starts

    return pos in zh_word_starts(text)


def _places(text: str, low: str, data: ScopeData) -> list[tuple[int, str]]:
    out = []
    for pos, term in data.places.find(text, low):
        if HAN.search(term) and not _zh_word_start(text, pos):
            continue
        out.append((pos, term))
    return out


def _same_clause(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans (start, end) lie in one clause, close together (the text between has no clause break)."""
    lo, hi = (a[1], b[0]) if a[0] <= b[0] else (b[1], a[0])
    return hi - lo <= 60 and not _CLAUSE.search(text, lo, max(lo, hi))


_FROM = re.compile(r"(?:\bfrom|从|自)\s*$")


def _origin(low: str, pos: int) -> bool:
    """Whether the place at ``pos`` is named as where something comes from ("from Germany", "从德国")."""
    return bool(_FROM.search(low[max(0, pos - 6):pos]))


def foreign_jurisdiction(question: str) -> str | None:
    """The words by which ``question`` asks under a foreign jurisdiction's law, or None."""
    data = load_scope()
    low = question.lower()
    if data.prc_law.find(question, low):
        return None  # PRC law or the GDPR asked for by name
    # which law governs a dispute with a party in China, whatever foreign law the question names: the PRC rules on the
    # law applicable to foreign-related civil relations say
    china = _in_china(question, low, data)
    choosing = bool(china) and bool(data.choice_of_law.find(question, low))
    named = data.foreign_laws.find(question, low)
    if named and not choosing:
        return named[0][1]
    adjective = data.demonyms.search(question) if data.demonyms else None
    if adjective and not choosing:
        return " ".join(adjective.group(0).lower().split())
    places = _places(question, low, data)
    if not places:
        return None
    if all(p in data.eu_places for _, p in places) and data.data_protection.find(question, low):
        return None  # the GDPR answers data protection in the EU
    system = data.system.find(question, low)
    for pos, place in places:
        span = (pos, pos + len(place))
        if _origin(low, pos) and any(not _origin(low, cpos) and _same_clause(question, span, (cpos, cpos + len(c)))
                                     for cpos, c in china):
            continue  # "import silicone from Germany into China": the place is where the goods come from
        near = next((s for spos, s in system if spos != pos and _same_clause(question, span, (spos, spos + len(s)))), None)
        if near is not None:
            return f"{place} … {near}"
    if china:
        return None  # set in China: the foreign place is a destination or a party
    return places[0][1]


def _in_china(question: str, low: str, data: ScopeData) -> list[tuple[int, str]]:
    """The mainland places, platforms and authorities ``question`` names (Hong Kong, Macao and Taiwan are not)."""
    rest = low
    for x in data.not_mainland:
        rest = rest.replace(x, " ")
    return data.china.find(question, rest)


def _asking(question: str) -> str:
    """What the question asks: the last clause of each sentence ending in a question mark (of the last sentence when
    none does). "有人按我同学的长相翻模做了面具，我同学能怎么办？" asks "我同学能怎么办"."""
    from kb.answer.text import split_sentences

    parts = split_sentences(question) or [question]
    asking = [p for p in parts if p.rstrip().endswith(("?", "？"))] or parts[-1:]
    return " ".join(([c for c in _CLAUSE.split(p) if c.strip()] or [p])[-1] for p in asking)


def asks_the_law(question: str) -> bool:
    """Whether the question asks something of the law. A legal word (legal_*) anywhere decides yes; a craft or
    business word in what the question asks (_asking) decides no, unless what is asked is permission (asks) and
    another person's face, name or identity is at stake ("can I sell masks sculpted to look like a famous actor?").
    A craft word only in the story decides no only when nothing else makes it a legal question: no asking word of
    permission or consequence (asks, or the broad markers of kb/answer/issues.py) in what is asked, and no other
    person's face, name or identity at stake ("lifelike masks of her face …, can anyone do something about it?").
    A lay question with neither legal nor craft words is a legal one: the evidence score weighs it."""
    from kb.answer.issues import asks_the_law as broad

    data = load_scope()
    low = question.lower()
    if data.legal.find(question, low):
        return True
    asking = _asking(question)
    person = bool(data.person.find(question, low) or any(p.search(question) for p in data.person_patterns))
    permission = bool(data.asks.find(asking, asking.lower()) or broad(asking))
    if data.craft.find(asking, asking.lower()):
        # know-how, unless it asks permission to do something with another person's face or name ("can I sell masks
        # sculpted to look like a famous actor …?")
        return permission and person
    if not data.craft.find(question, low):
        return True
    return permission or person


def no_statute(question: str) -> tuple[str, str] | None:
    """(kind, matched words) when the question asks what no article answers."""
    for kind, patterns in load_scope().no_statute.items():
        for pat in patterns:
            m = pat.search(question)
            if m:
                return kind, m.group(0)
    return None


_NO_STATUTE_WHY = {
    "statistics": ("court or case statistics", "法院或案件统计数据"),
    "odds": ("the odds of winning a particular case", "具体案件胜诉的可能性"),
    "typical_awards": ("typical awards or settlements in practice", "司法实践中通常的判赔或和解金额"),
    "court_decisions": ("what a particular court decided", "某个法院在具体案件中的判决"),
    "lawyer_fees": ("lawyers' market rates", "律师收费的市场行情"),
    "future_rules": ("rules that are rumoured but not enacted", "传闻中尚未出台的规定"),
    "lawyer_recommendation": ("which lawyer or law firm to hire", "推荐哪位律师或哪家律所"),
}


def refusal(question: str) -> Refusal | None:
    """The reason the corpus cannot answer ``question`` (foreign law, then no legal question, then no statute), or
    None."""
    foreign = foreign_jurisdiction(question)
    if foreign:
        return Refusal(
            "foreign", foreign,
            f"the question asks under a foreign jurisdiction's law (“{foreign}”); the corpus holds PRC law (and the EU GDPR text) only",
            f"问题问的是中国大陆以外法域的法律（“{foreign}”）；知识库只收录中华人民共和国法律（及欧盟GDPR文本）",
        )
    if not asks_the_law(question):
        return Refusal(
            "not_legal", "",
            "the question asks nothing of the law (craft know-how, business advice)",
            "问题没有提出法律问题（如工艺技巧、商业建议）",
        )
    found = no_statute(question)
    if found:
        kind, words = found
        en, zh = _NO_STATUTE_WHY.get(kind, (kind, kind))
        return Refusal(
            "no_statute", words,
            f"the question asks for {en} (“{words}”), which no statute or regulation states",
            f"问题问的是{zh}（“{words}”），法律法规条文中没有这类内容",
        )
    return None
