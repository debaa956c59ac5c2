"""What a statute file becomes: a document of articles with their place in the law's structure.

The article is the unit. Identity of an article = jurisdiction + law + version (effective date) + number
(+ 之N suffix); the Chinese and English texts of one article are aligned by ``key``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kb.numerals import article_key

Level = Literal["编", "分编", "章", "节"]
LEVELS: tuple[Level, ...] = ("编", "分编", "章", "节")


@dataclass(frozen=True)
class Heading:
    """A structural heading: level 编/分编/章/节, its label (第四编) and its title (人格权).

    English documents use the same levels (Book → 编, Part → 分编, Chapter → 章, Section → 节); ``label``
    is then e.g. "Chapter II".
    """

    level: Level
    label: str
    title: str

    def display(self) -> str:
        return f"{self.label}\u3000{self.title}".strip()


@dataclass
class Article:
    """One article (条) of one document.

    ``paragraphs`` are the 款 (each a string, items （一）… stay inside their paragraph, one per line
    where the source separates them); ``text`` is the paragraphs joined with "\\n". ``label`` is the label
    as the law writes it: 第一千零一十九条, 第二百五十三条之一, or "Article 253a" for English.
    ``path`` is the chain of headings (outermost first) the article sits under.
    """

    number: int
    suffix: int
    label: str
    paragraphs: list[str]
    path: tuple[Heading, ...] = ()

    @property
    def key(self) -> str:
        return article_key(self.number, self.suffix)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedDocument:
    """A parsed statute file. ``metadata`` holds what the file itself says (front matter, header block:
    title, publication/effective dates, status, URL); the manifest is authoritative where both speak."""

    language: Literal["zh", "en"]
    title: str | None
    articles: list[Article]
    headings: list[Heading] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    preamble: str = ""
    warnings: list[str] = field(default_factory=list)
