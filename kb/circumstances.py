"""Sentencing circumstances a criminal fact pattern states (data: kb/data/circumstances.toml, written by this project
from the Criminal Law's general part; not law).

Why: an indictment or a judgment's findings ("公诉机关指控：被告人甲某伙同乙某……到案后如实供述……") is answered by the
article that defines the crime and by the general-part articles its facts trigger — joint crime (第二十五至二十七条),
attempt (第二十三条), surrender and confession (第六十七条), meritorious service (第六十八条), recidivism (第六十五条),
several crimes (第六十九条), forfeiture (第六十四条) … Those articles share almost no words with the facts (the statute
says "二人以上共同故意犯罪", the facts "伙同"), and every fact pattern is like every other to them, so no channel ranks
them: on the development sets' 30 indictments, 20 of their 35 gold general-part articles were outside the top 5. Each
circumstance here is the article's condition as a fact pattern words it; the retriever places the articles found right
after the crime's own articles."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.lang import HAN_CHARS

__all__ = ["Circumstance", "Circumstances", "load_circumstances", "is_fact_pattern", "defendants"]

DEFAULT_PATH = Path(__file__).parent / "data" / "circumstances.toml"

# a defendant as an indictment names one: 被告人 + surname + 某 (某某, 某甲 …), and the co-defendants listed after it
_NAME = rf"[{HAN_CHARS}]某+[甲乙丙丁戊]?"
_DEFENDANTS = re.compile(rf"(?:被告人|犯罪嫌疑人)({_NAME}(?:[、和与及](?:被告人|犯罪嫌疑人)?{_NAME})*)")
_ONE = re.compile(_NAME)


def is_fact_pattern(text: str) -> bool:
    """A criminal fact pattern: it names a defendant or a suspect."""
    return "被告人" in text or "犯罪嫌疑人" in text


def defendants(text: str) -> set[str]:
    """The different defendants (and suspects) the text names."""
    return {name for m in _DEFENDANTS.finditer(text) for name in _ONE.findall(m.group(1))}


@dataclass(frozen=True)
class Circumstance:
    id: str
    article: str  # the Criminal Law article's key ("25")
    statute: str  # the article's own words this circumstance restates
    patterns: tuple[re.Pattern[str], ...]
    requires: tuple[str, ...] = ()
    defendants: int = 0  # also found when the text names at least this many defendants (0 = never)
    charges: int = 0  # also found when the text names at least this many different charges (0 = never)


class Circumstances:
    def __init__(self, items: list[Circumstance]) -> None:
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def found(self, text: str, *, charges: int = 0) -> list[Circumstance]:
        """The circumstances ``text`` states, in the data's order (``charges``: how many different charges it names)."""
        n_defendants = len(defendants(text))
        hit: dict[str, Circumstance] = {}
        for c in self.items:
            if (c.defendants and n_defendants >= c.defendants) or (c.charges and charges >= c.charges) \
                    or any(p.search(text) for p in c.patterns):
                hit[c.id] = c
        return [c for c in hit.values() if all(r in hit for r in c.requires)]


def _parse(data: dict, source: str) -> Circumstances:
    rows = data.get("circumstance")
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{source}: no [[circumstance]] entries")
    items = []
    for raw in rows:
        try:
            items.append(Circumstance(
                id=raw["id"], article=str(raw["article"]), statute=raw["statute"],
                patterns=tuple(re.compile(p) for p in raw.get("patterns", ())), requires=tuple(raw.get("requires", ())),
                defendants=int(raw.get("defendants", 0)), charges=int(raw.get("charges", 0)),
            ))
        except (KeyError, re.error, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: bad [[circumstance]] {raw.get('id', '?')!r}: {exc}") from exc
    known = {c.id for c in items}
    for c in items:
        if set(c.requires) - known:
            raise ValueError(f"{source}: {c.id!r} requires unknown {sorted(set(c.requires) - known)}")
    return Circumstances(items)


@lru_cache(maxsize=2)
def load_circumstances(path: str | None = None) -> Circumstances:
    p = Path(path) if path else DEFAULT_PATH
    return _parse(tomllib.loads(p.read_text(encoding="utf-8")), str(p))
