"""Read models shared by the store, retrieval, answering, listing check and API (flat, serialisable)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


def in_force(effective_from: date | None, effective_to: date | None, day: date) -> bool:
    """A text is in force from its effective date through its last day (``effective_to``; None = open)."""
    if effective_from and day < effective_from:
        return False
    return not (effective_to and day > effective_to)


@dataclass(frozen=True)
class LawRecord:
    law_id: str  # manifest id ("civil-code") or, for national/-only laws, the Chinese title
    title_zh: str
    title_en: str | None
    jurisdiction: str  # "cn", "eu"
    instrument: str  # law | administrative-regulation | departmental-rule | judicial-interpretation | constitution | amendment | eu-regulation | other
    issuer: str | None
    layer: str  # "raw" or "national" (raw wins where both hold the law)
    short_names: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    slug: str = ""  # stable ASCII id (kb.slugs): the curated id, or the title in pinyin; set by the store
    aliases: tuple[str, ...] = ()  # other ids and names that resolve to the law (Chinese title, old id, short names)


@dataclass(frozen=True)
class VersionRecord:
    version_id: str  # f"{law_id}@{effective_from}"
    law_id: str
    label: str  # human label, e.g. "2019 amendment (effective 2019-04-23)"
    promulgated: date | None
    effective_from: date | None
    effective_to: date | None  # last day in force, None = open
    status: str  # "in-force" | "superseded" | "repealed" | "unknown"
    layer: str
    source_path: str  # path under the corpus root
    source_url: str | None
    official: bool = True  # False for unofficial consolidations

    def in_force_on(self, day: date) -> bool:
        return in_force(self.effective_from, self.effective_to, day)


@dataclass(frozen=True)
class ArticleRecord:
    article_id: str  # f"{version_id}#{key}"
    law_id: str
    version_id: str
    key: str  # "1019", "253之一"
    number: int
    suffix: int
    label_zh: str | None  # 第一千零一十九条 (None for English-only laws)
    label_en: str | None  # "Article 1019"
    text_zh: str | None
    text_en: str | None
    paragraphs_zh: tuple[str, ...] = ()
    paragraphs_en: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # heading displays outermost first: ("第四编　人格权", "第四章　肖像权")
    effective_from: date | None = None
    effective_to: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Edge:
    """A cross-reference found in article text: 本法第X条, 前款, 《某法》第X条."""

    src_article_id: str
    dst_law_id: str | None  # None when the cited law is not in the corpus
    dst_law_title: str  # the title as written (or the source's own title for 本法/前款)
    dst_key: str | None  # article key, None for a whole-law reference
    dst_article_id: str | None  # resolved when the target article is in the store
    kind: str  # "same-law" | "other-law" | "preceding-paragraph"
    text: str  # the reference as it appears


@dataclass(frozen=True)
class LineageLink:
    """One edge of provision lineage between consecutive versions of a law (see kb/lineage.py)."""

    law_id: str
    old_version_id: str
    new_version_id: str
    old_key: str | None  # None: a new provision
    new_key: str | None  # None: a deleted provision
    kind: str  # same | changed | renumbered | split | merged | new | deleted
    score: float  # similarity of the two texts, 0..1
    text_changed: bool | None
    primary: bool  # False for the extra parts of a split or merge

    @property
    def old_article_id(self) -> str | None:
        return f"{self.old_version_id}#{self.old_key}" if self.old_key is not None else None

    @property
    def new_article_id(self) -> str | None:
        return f"{self.new_version_id}#{self.new_key}" if self.new_key is not None else None


@dataclass
class SearchFilters:
    jurisdiction: list[str] | None = None
    law: list[str] | None = None  # law ids or names (resolved by the store)
    instrument: list[str] | None = None
    topic: list[str] | None = None
    layer: list[str] | None = None
    as_of: date | None = None  # None = today


@dataclass
class Hit:
    article: ArticleRecord
    score: float  # fused score, higher = better
    rank: int
    lexical_score: float | None = None
    dense_score: float | None = None
    matched: list[str] = field(default_factory=list)  # query terms that matched
    title_zh: str = ""
    title_en: str | None = None
    penalty_for: str | None = None  # article_id of the rule this article punishes (brought up for a penalty question)


@dataclass
class SearchResult:
    query: str
    lang: str
    hits: list[Hit]
    evidence_score: float  # calibrated 0..1: how confident are we that the corpus answers this
    expansions: list[str] = field(default_factory=list)
    as_of: date | None = None
    # channels that failed for this query ("dense": the vector store was unreachable, so the hits come from
    # the lexical channels only); empty when every channel the query needs answered
    degraded: list[str] = field(default_factory=list)
