"""Issue spotting driven by kb/data/issues.toml: which legal issues does a question raise, and which issue
does an evidence article speak to. No per-question rules: only issue vocabularies, law ids and topics."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.records import ArticleRecord, LawRecord

ISSUES_PATH = Path(__file__).resolve().parent.parent / "data" / "issues.toml"


@dataclass(frozen=True)
class Issue:
    id: str
    label_en: str
    label_zh: str
    q_terms: tuple[str, ...]
    text_terms: tuple[str, ...]
    laws: tuple[str, ...]
    topics: tuple[str, ...]
    requires: tuple[str, ...] = ()  # the question must hold one of these too (e.g. collecting or processing data)

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


GENERAL = Issue("general", "Other relevant provisions", "其他相关规定", (), (), (), ())


@lru_cache(maxsize=4)
def load_issues(path: Path = ISSUES_PATH) -> tuple[Issue, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Issue(
            id=row["id"],
            label_en=row["label_en"],
            label_zh=row["label_zh"],
            q_terms=tuple(t.lower() for t in row.get("q_terms", [])),
            text_terms=tuple(row.get("text_terms", [])),
            laws=tuple(row.get("laws", [])),
            topics=tuple(row.get("topics", [])),
            requires=tuple(t.lower() for t in row.get("requires", [])),
        )
        for row in data.get("issue", [])
    )


@lru_cache(maxsize=4)
def legal_markers(path: Path = ISSUES_PATH) -> tuple[str, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(m.lower() for m in data.get("legal", {}).get("markers", []))


def asks_the_law(question: str) -> bool:
    """Whether the question asks something of the law at all (see [legal] markers in kb/data/issues.toml)."""
    low = question.lower()
    return any(m in low for m in legal_markers())


def excluded(question: str) -> set[str]:
    """Ids of the issues whose ``requires`` words the question lacks: it does not raise them, whatever else it names
    ("a mask that passes face recognition" names face recognition but processes nobody's data)."""
    low = " " + question.lower() + " "
    return {i.id for i in load_issues() if i.requires and not any(t in low for t in i.requires)}


def spot(question: str, expansions: list[str] | tuple[str, ...] = ()) -> dict[str, float]:
    """Issue id → strength (number of distinct question terms found) for the question and its expansions. An issue
    with ``requires`` words counts only when the question itself (not an expansion) holds one of them."""
    hay = " " + " ".join([question, *expansions]).lower() + " "
    out: dict[str, float] = {}
    skip = excluded(question)
    for issue in load_issues():
        if issue.id in skip:
            continue
        n = sum(1 for t in issue.q_terms if t in hay)
        if n:
            out[issue.id] = float(n)
    return out


def article_affinity(article: ArticleRecord, law: LawRecord | None, *, topics: bool = True) -> dict[str, float]:
    """Issue id → how strongly the article speaks to that issue (text terms, law id, law topics). With
    ``topics=False`` a law's topics do not count: whether the article itself addresses the issue."""
    text = (article.text_zh or "") + "\n" + (article.text_en or "").lower()
    heading = " ".join(article.path)
    out: dict[str, float] = {}
    for issue in load_issues():
        score = 0.0
        score += sum(1.0 for t in issue.text_terms if t in text)
        score += sum(0.5 for t in issue.text_terms if t in heading)
        if law is not None:
            if law.law_id in issue.laws:
                score += 1.5
            if topics and set(law.topics) & set(issue.topics):
                score += 0.5
        if score:
            out[issue.id] = score
    return out


def by_id(issue_id: str) -> Issue:
    for issue in load_issues():
        if issue.id == issue_id:
            return issue
    return GENERAL
