"""Loads the reviewed listing rules (kb/data/listing_rules.toml) into compiled, validated objects.

The rules are data a reviewer edits; this module only checks them (unknown categories or citations, bad
regular expressions fail at load time with the offending entry named) and compiles the patterns once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "listing_rules.toml"
SEVERITIES = ("low", "medium", "high")
SEVERITY_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3}
# A run of capitalised words (an English personal name candidate), matched case-sensitively.
_NAME_TOKEN = r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]\.)"
# the particles are whole words ("Napoleon's death mask" is no "Napoleon's de")
EN_NAME = rf"{_NAME_TOKEN}(?:[ \t]+(?:{_NAME_TOKEN}|(?:de|van|von|da|di|del|le|la|bin)\b)){{0,3}}"


class RulesError(ValueError):
    """The rules file is malformed; the message names the entry."""


@dataclass(frozen=True)
class CitationRef:
    id: str
    law: str
    key: str | None
    keys: dict[str, str]  # version effective date (ISO) -> article key
    anchor: str | None
    quote: str | None
    penalty: bool = False
    national: bool = False  # the law is in the national layer only: a raw-only index does not cite it


@dataclass(frozen=True)
class Category:
    id: str
    name_zh: str
    name_en: str
    severity: str
    citations: tuple[str, ...]
    explanation_zh: str
    explanation_en: str
    suggestion_zh: str
    suggestion_en: str
    rewrite: str = "span"  # "span": replace the risky words; "clause" / "sentence": the clause / sentence holding them
    replacement_zh: str = ""  # what takes their place in the rewritten listing ("" = removed)
    replacement_en: str = ""
    # words inside the quoted title of a work ("a comic called “The Best-Selling Dead”", 《天下第一楼》) are
    # not the seller's claim
    not_in_titles: bool = False


@dataclass(frozen=True)
class Trigger:
    index: int
    category: str
    pattern: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...] = ()
    needs: re.Pattern[str] | None = None
    negatable: bool = True
    severity: str | None = None
    suggestion_zh: str | None = None
    suggestion_en: str | None = None
    citations: tuple[str, ...] = ()  # cited in addition to the category's
    needs_person: bool = False  # kept only in a listing that names or portrays a real person


@dataclass(frozen=True)
class NameRules:
    zh_surnames: frozenset[str]
    zh_double_surnames: tuple[str, ...]
    zh_not_names: frozenset[str]
    zh_likeness_after: re.Pattern[str]
    zh_likeness_before: re.Pattern[str]
    zh_endorse_after: re.Pattern[str]
    zh_endorse_before: re.Pattern[str]
    zh_person_context: re.Pattern[str]
    zh_translit_chars: frozenset[str]
    en_given_names: frozenset[str]
    en_not_names: frozenset[str]
    en_likeness: tuple[re.Pattern[str], ...]
    en_endorse: tuple[re.Pattern[str], ...]
    en_mention: tuple[re.Pattern[str], ...] = ()
    pinyin_syllables: frozenset[str] = frozenset()
    pinyin_not_names: frozenset[str] = frozenset()
    foreign_not_names: tuple[str, ...] = ()
    licensed: re.Pattern[str] = re.compile("(?!)")
    character: re.Pattern[str] = re.compile("(?!)")
    real_person: re.Pattern[str] = re.compile("(?!)")
    # a museum's reproduction of a historical figure's portrait: every pattern matches the listing
    historical: tuple[re.Pattern[str], ...] = ()
    # public figures known by one word (Putin, Zendaya): a name wherever it stands capitalised
    en_single_names: frozenset[str] = frozenset()
    zh_single_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    citations: dict[str, CitationRef]
    categories: dict[str, Category]
    triggers: tuple[Trigger, ...]
    names: NameRules
    source: str = ""
    # evasions undone before matching (kb/listings/normalise.py): a pinyin syllable written inside Chinese → its
    # character; a look-alike or sound-alike character sequence → the word it stands for
    evasion_pinyin: dict[str, str] = field(default_factory=dict)
    evasion_homophones: dict[str, str] = field(default_factory=dict)
    evasion_traditional: dict[str, str] = field(default_factory=dict)  # one character → one character
    # what a title left empty by the rewrite becomes: the listing's first product phrase outside the findings, else
    # the fallback (per language)
    product: dict[str, re.Pattern[str]] = field(default_factory=dict)
    fallback_title: dict[str, str] = field(default_factory=dict)


def _compile(pattern: str, where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RulesError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc


def _severity(value: object, where: str) -> str:
    if value not in SEVERITIES:
        raise RulesError(f"{where}: severity must be one of {SEVERITIES}, not {value!r}")
    return str(value)


def _rewrite(value: object, where: str) -> str:
    if value not in ("span", "clause", "sentence"):
        raise RulesError(f"{where}: rewrite must be 'span', 'clause' or 'sentence', not {value!r}")
    return str(value)


def parse_rules(data: dict, source: str = "") -> Rules:
    citations: dict[str, CitationRef] = {}
    for i, c in enumerate(data.get("citation", [])):
        where = f"citation #{i + 1} ({c.get('id', '?')})"
        if not c.get("id") or not c.get("law"):
            raise RulesError(f"{where}: needs id and law")
        if not c.get("key") and not c.get("keys") and not c.get("anchor"):
            raise RulesError(f"{where}: needs key, keys or anchor")
        if c["id"] in citations:
            raise RulesError(f"{where}: duplicate id")
        citations[c["id"]] = CitationRef(
            id=c["id"], law=c["law"], key=str(c["key"]) if c.get("key") else None,
            keys={str(k): str(v) for k, v in (c.get("keys") or {}).items()},
            anchor=c.get("anchor"), quote=c.get("quote"), penalty=bool(c.get("penalty", False)),
            national=bool(c.get("national", False)),
        )
    categories: dict[str, Category] = {}
    for i, c in enumerate(data.get("category", [])):
        where = f"category #{i + 1} ({c.get('id', '?')})"
        missing = [k for k in ("id", "name_zh", "name_en", "severity", "explanation_zh", "explanation_en", "suggestion_zh", "suggestion_en") if not c.get(k)]
        if missing:
            raise RulesError(f"{where}: missing {', '.join(missing)}")
        unknown = [x for x in c.get("citations", []) if x not in citations]
        if unknown:
            raise RulesError(f"{where}: unknown citations {unknown}")
        categories[c["id"]] = Category(
            id=c["id"], name_zh=c["name_zh"], name_en=c["name_en"], severity=_severity(c["severity"], where),
            citations=tuple(c.get("citations", [])), explanation_zh=c["explanation_zh"],
            explanation_en=c["explanation_en"], suggestion_zh=c["suggestion_zh"], suggestion_en=c["suggestion_en"],
            rewrite=_rewrite(c.get("rewrite", "span"), where),
            replacement_zh=str(c.get("replacement_zh", "")), replacement_en=str(c.get("replacement_en", "")),
            not_in_titles=bool(c.get("not_in_titles", False)),
        )
    triggers: list[Trigger] = []
    for i, t in enumerate(data.get("trigger", [])):
        where = f"trigger #{i + 1} ({t.get('category', '?')})"
        if t.get("category") not in categories:
            raise RulesError(f"{where}: unknown category {t.get('category')!r}")
        if not t.get("pattern"):
            raise RulesError(f"{where}: needs a pattern")
        unknown = [x for x in t.get("citations", []) if x not in citations]
        if unknown:
            raise RulesError(f"{where}: unknown citations {unknown}")
        triggers.append(Trigger(
            index=i, category=t["category"], pattern=_compile(t["pattern"], where),
            unless=tuple(_compile(u, where) for u in t.get("unless", [])),
            needs=_compile(t["needs"], where) if t.get("needs") else None,
            negatable=bool(t.get("negatable", True)),
            severity=_severity(t["severity"], where) if t.get("severity") else None,
            suggestion_zh=t.get("suggestion_zh"), suggestion_en=t.get("suggestion_en"),
            citations=tuple(t.get("citations", [])),
            needs_person=bool(t.get("needs_person", False)),
        ))
    n = data.get("names", {})
    where = "[names]"

    def en(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
        out = []
        for p in patterns:
            if "(?P<name>NAME)" not in p and "(?P<name2>NAME)" not in p:
                raise RulesError(f"{where}: English name pattern {p!r} has no (?P<name>NAME) or (?P<name2>NAME)")
            out.append(_compile(p.replace("NAME", EN_NAME), where, 0))
        return tuple(out)

    names = NameRules(
        zh_surnames=frozenset(n.get("zh_surnames", "")),
        zh_double_surnames=tuple(n.get("zh_double_surnames", [])),
        zh_not_names=frozenset(n.get("zh_not_names", [])),
        zh_likeness_after=_compile(n.get("zh_likeness_after", "(?!)"), where),
        zh_likeness_before=_compile(n.get("zh_likeness_before", "(?!)"), where),
        zh_endorse_after=_compile(n.get("zh_endorse_after", "(?!)"), where),
        zh_endorse_before=_compile(n.get("zh_endorse_before", "(?!)"), where),
        zh_person_context=_compile(n.get("zh_person_context", "(?!)"), where),
        zh_translit_chars=frozenset(n.get("zh_translit_chars", "")),
        en_given_names=frozenset(n.get("en_given_names", "").split()),
        en_not_names=frozenset(n.get("en_not_names", [])),
        en_likeness=en(n.get("en_likeness", [])),
        en_endorse=en(n.get("en_endorse", [])),
        en_mention=en(n.get("en_mention", [])),
        pinyin_syllables=frozenset(n.get("pinyin_syllables", "").split()),
        pinyin_not_names=frozenset(n.get("pinyin_not_names", [])),
        foreign_not_names=tuple(n.get("foreign_not_names", [])),
        licensed=_compile(n.get("licensed", "(?!)"), where),
        character=_compile(n.get("character", "(?!)"), where),
        real_person=_compile(n.get("real_person", "(?!)"), where),
        historical=tuple(_compile(x, where) for x in n.get("historical", [])),
        en_single_names=frozenset(n.get("en_single_names", "").split()),
        zh_single_names=tuple(sorted(n.get("zh_single_names", []), key=len, reverse=True)),
    )
    for needed in ("likeness", "name_use", "endorsement"):
        if needed not in categories:
            raise RulesError(f"category {needed!r} is required by the person-name finder")
    ev = data.get("evasion", {})
    pinyin = {str(k).lower(): str(v) for k, v in (ev.get("pinyin") or {}).items()}
    homophones = {str(k): str(v) for k, v in (ev.get("homophones") or {}).items()}
    trad = str(ev.get("traditional", ""))
    if len(trad) % 2:
        raise RulesError("[evasion]: traditional must be pairs of characters (traditional, simplified)")
    traditional = {trad[i]: trad[i + 1] for i in range(0, len(trad), 2)}
    bad = [k for k, v in pinyin.items() if not k.isascii() or not k.isalpha() or not v] + [k for k, v in homophones.items() if not k or not v]
    if bad:
        raise RulesError(f"[evasion]: bad entries {bad} (pinyin keys are ASCII letters; no empty words)")
    rw = data.get("rewrite", {})
    product = {lang: _compile(rw[f"product_{lang}"], "[rewrite]") for lang in ("zh", "en") if rw.get(f"product_{lang}")}
    fallback = {lang: str(rw[f"fallback_title_{lang}"]) for lang in ("zh", "en") if rw.get(f"fallback_title_{lang}")}
    return Rules(citations=citations, categories=categories, triggers=tuple(triggers), names=names, source=source,
                 evasion_pinyin=pinyin, evasion_homophones=homophones, evasion_traditional=traditional, product=product, fallback_title=fallback)


def load_rules(path: Path | str | None = None) -> Rules:
    """Load and validate a rules file (the reviewed default when ``path`` is None, cached)."""
    if path is None:
        return _default_rules()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{p}: {exc}") from exc
    return parse_rules(data, str(p))


@lru_cache(maxsize=1)
def _default_rules() -> Rules:
    return load_rules(RULES_PATH)
