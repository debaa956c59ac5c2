"""Request and response schemas of the public API (separate models for what comes in and what goes out,
so the OpenAPI document says exactly what a client sends and gets)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["zh", "en"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- shared pieces
class FiltersIn(_In):
    jurisdiction: list[str] | None = Field(default=None, description="e.g. ['cn']")
    law: list[str] | None = Field(default=None, description="Law ids or names (民法典, civil-code, full title).")
    instrument: list[str] | None = Field(default=None, description="law, administrative-regulation, judicial-interpretation, …")
    topic: list[str] | None = None
    layer: list[str] | None = Field(default=None, description="raw and/or national")
    as_of: date | None = Field(default=None, description="Only versions in force on this date (default today).")


class AnswerCitationOut(BaseModel):
    law: str = Field(description="Law id.")
    title_zh: str
    title_en: str | None = None
    version: str | None = Field(default=None, description="Version id (law@effective date).")
    effective_from: date | None = None
    article: str = Field(description="Article key: '1019', '253之一'.")
    article_label: str | None = Field(default=None, description="第一千零一十九条")
    article_id: str | None = None
    paragraph: int | None = Field(default=None, description="1-based paragraph (款) holding the quote.")
    item: int | None = Field(default=None, description="1-based item (项) of that paragraph holding the quote.")
    quote: str = Field(description="Verbatim text of the cited article (Chinese for Chinese law).")
    text_en: str | None = Field(default=None, description="English beside the quote, aligned to its sentence or paragraph.")
    text_en_source: str | None = Field(
        default=None, description="'translation' (the corpus's English text) or 'headnote' (our unofficial summary, written by this project, not law).",
    )
    source_url: str | None = None
    in_force: bool = Field(description="Whether the cited version is in force on as_of.")
    in_force_version: str | None = Field(default=None, description="The version in force on as_of when the cited one is superseded.")
    issue: str | None = None


class RemovedCitationOut(BaseModel):
    law: str
    article: str
    quote: str
    reason: str = Field(description="law_not_found | article_not_found | not_in_force | quote_not_verbatim | missing_quote")
    detail: str = ""


class IssueOut(BaseModel):
    id: str
    label: str
    summary: str
    citation_keys: list[str]


# ---------------------------------------------------------------- ask
class HistoryTurnIn(_In):
    role: Literal["user", "assistant"]
    content: str = Field(description="The turn's text (an earlier question, or the answer given to it).")


class AskRequest(_In):
    question: str = Field(min_length=1, description="The question, in Chinese or English.")
    history: list[HistoryTurnIn] | None = Field(
        default=None,
        description="Earlier turns of the conversation, oldest first (at most max_history_turns, each at most "
        "max_history_turn_chars characters). A follow-up (\"and if I only copy his voice?\", \"那如果只是用他的名字呢？\") "
        "is answered with the earlier question in mind; a self-contained question ignores the history.",
    )
    lang: Lang | None = Field(
        default=None, description="Used only for a question without letters: an answer is written in the language of its question.",
    )
    as_of: date | None = Field(default=None, description="Date the question is about (default today).")
    filters: FiltersIn | None = None
    k: int | None = Field(default=None, ge=1, description="Evidence articles to retrieve (≤ max_k).")


class AskResponse(BaseModel):
    question: str
    lang: Lang
    answer: str
    citations: list[AnswerCitationOut]
    issues: list[IssueOut]
    refused: bool
    refusal_reason: str | None = None
    evidence_score: float
    as_of: date
    removed_citations: list[RemovedCitationOut] = []
    answerer: str
    searched: dict[str, Any] = {}
    notes: list[str] = []
    followup: dict[str, Any] | None = Field(
        default=None, description="How the question was read against `history`: is_followup, signals, context_from_history, "
        "added_terms, resolved_question, history_turns, frame (the line `answer` opens with to say which question it was read "
        "with; the chat UI shows it once, as a note).",
    )
    context_from_history: str | None = Field(default=None, description="The earlier question a follow-up was read with (null: none used).")
    resolved_question: str | None = Field(default=None, description="What was searched: the question, plus the earlier question's terms for a follow-up.")


# ---------------------------------------------------------------- search
class SearchRequest(_In):
    query: str = Field(min_length=1)
    k: int | None = Field(default=None, ge=1)
    lang: Lang | None = None
    filters: FiltersIn | None = None
    rank: Literal["analyst", "pipeline"] = Field(
        default="analyst",
        description="analyst (default): hits that cover the query's terms, ordered by a 0–100 relevance (kb/analyst.py); "
                    "pipeline: the answer pipeline's fused order, unfiltered.",
    )
    min_coverage: float = Field(default=0.5, ge=0.0, le=1.0, description="analyst: a hit must contain at least this share of what the best hit contains of the query's terms (weighted by rarity); 1 = as much as the best.")


class SearchHitOut(BaseModel):
    rank: int
    score: float = Field(description="The pipeline's fused score (unbounded; compare within one search only).")
    relevance: int | None = Field(default=None, description="analyst: 0–100 = coverage × score relative to the best hit (None for rank=pipeline).")
    relevance_label: str | None = Field(default=None, description="high (≥ 70) | medium (≥ 40) | low.")
    coverage: int | None = Field(default=None, description="analyst: % of the query's terms (weighted by rarity) the article contains.")
    matched_terms: list[str] = Field(default=[], description="analyst: the query's terms found in the article.")
    missing_terms: list[str] = Field(default=[], description="analyst: the query's terms not found in it.")
    pipeline_rank: int | None = Field(default=None, description="The hit's place in the pipeline's order.")
    law: str
    law_slug: str | None = Field(default=None, description="The law's stable slug (accepted wherever a law id is).")
    title_zh: str
    title_en: str | None = None
    article: str
    article_id: str
    label_zh: str | None = None
    label_en: str | None = None
    version: str
    effective_from: date | None = None
    effective_to: date | None = Field(default=None, description="Last day the text was in force (None: still in force).")
    status: str | None = Field(default=None, description="Status of the version today: in-force | superseded | repealed | unknown.")
    superseded_by: str | None = Field(default=None, description="For a superseded text: the article continuing it in force today (lineage).")
    superseded_by_label: str | None = Field(default=None, description="That article as people cite it: 第七条 (2025-10-15 version).")
    status_note: str | None = Field(default=None, description="In words: 'in force since 2025-10-15' or 'in force 2019-04-23 – 2025-10-14; superseded by 第七条 (2025-10-15)'.")
    path: list[str] = []
    text_zh: str | None = None
    text_en: str | None = None
    matched: list[str] = []
    lexical_score: float | None = None
    dense_score: float | None = None
    penalty_for: str | None = Field(default=None, description="For a question about penalties: the article_id of the rule this article punishes.")
    headnote: HeadnoteOut | None = Field(default=None, description="Our unofficial summary of the article; never law.")


class SearchResponse(BaseModel):
    query: str
    lang: str
    evidence_score: float
    expansions: list[str]
    as_of: date | None = None
    hits: list[SearchHitOut]
    rank: str = Field(default="analyst", description="The order of the hits: analyst or pipeline.")
    terms: list[dict[str, Any]] = Field(default=[], description="analyst: the query's terms with their weight (rarity in the index).")
    dropped: int = Field(default=0, description="analyst: hits of the pipeline's first k left out (too few of the query's terms, or a passing mention).")
    degraded: list[str] = Field(default=[], description='Channels that failed for this query: "dense" = vector search unavailable, hits from keyword search only.')


# ---------------------------------------------------------------- laws / articles
class LawOut(BaseModel):
    law_id: str = Field(description="The law's id in the index: a curated slug, or the Chinese title for a national/ law.")
    slug: str = Field(description="Stable ASCII id (the curated id, or the title in pinyin: prc-zhuan-li-fa); accepted wherever a law id is.")
    aliases: list[str] = Field(default=[], description="Other ids and names that resolve to this law (Chinese title, index id, short names).")
    title_zh: str
    title_en: str | None = None
    jurisdiction: str
    instrument: str
    issuer: str | None = None
    layer: str
    short_names: list[str] = []
    topics: list[str] = []


class LawListOut(BaseModel):
    total: int
    offset: int
    limit: int
    laws: list[LawOut]


class VersionOut(BaseModel):
    version_id: str
    label: str
    promulgated: date | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    status: str
    layer: str
    source_url: str | None = None
    official: bool = True
    in_force: bool = Field(description="In force on as_of.")


class LawDetailOut(BaseModel):
    law: LawOut
    versions: list[VersionOut]
    version: str | None = Field(default=None, description="The version whose structure is shown.")
    as_of: date
    structure: list[dict[str, Any]] = Field(description="Nested headings (编/分编/章/节) with their article keys.")
    article_count: int


class ArticleVersionOut(BaseModel):
    version_id: str
    effective_from: date | None = None
    effective_to: date | None = None
    status: str
    in_force: bool
    present: bool = Field(description="The article exists in this version.")
    text_changed: bool | None = Field(default=None, description="Text differs from the provision it continues in the previous version (matched by lineage, not by number).")
    key: str | None = Field(default=None, description="This provision's article number in that version (lineage; it may be renumbered).")
    kind: str | None = Field(default=None, description="Lineage edge from the previous version: same | changed | renumbered | split | merged.")
    score: float | None = Field(default=None, description="Text similarity to the provision it continues, 0..1.")


class EdgeOut(BaseModel):
    src_article_id: str
    dst_law_id: str | None = None
    dst_law_title: str
    dst_key: str | None = None
    dst_article_id: str | None = None
    kind: str
    text: str
    earlier_article_id: str | None = Field(default=None, description="cited_by: the reference names this earlier text of the provision (a superseded version), found through lineage.")
    earlier_key: str | None = None
    current_article_id: str | None = Field(default=None, description="references: the provision in force today that continues the superseded article cited.")
    current_key: str | None = None


class HeadnoteOut(BaseModel):
    """Our plain-language summary of an article: written by this project, reviewed against the text, not law."""

    en: str | None = None
    zh: str | None = None
    label: str = "Unofficial summary by Likeness KB, not law"


class ArticleOut(BaseModel):
    article_id: str
    law: LawOut
    version: VersionOut
    key: str
    label_zh: str | None = None
    label_en: str | None = None
    text_zh: str | None = None
    text_en: str | None = None
    paragraphs_zh: list[str] = []
    paragraphs_en: list[str] = []
    path: list[str] = []
    as_of: date
    versions: list[ArticleVersionOut]
    references: list[EdgeOut]
    cited_by: list[EdgeOut]
    headnote: HeadnoteOut | None = Field(default=None, description="Our unofficial summary (shown beside Chinese-only articles); never law.")


# ---------------------------------------------------------------- provision lineage
class DiffOp(BaseModel):
    op: Literal["eq", "ins", "del"]
    text: str


class LineagePartOut(BaseModel):
    article_id: str
    key: str
    kind: str
    score: float


class LineageStepOut(BaseModel):
    version: VersionOut
    article_id: str
    key: str
    label_zh: str | None = None
    label_en: str | None = None
    text_zh: str | None = None
    text_en: str | None = None
    kind: str | None = Field(default=None, description="Edge from the previous step (None for the oldest).")
    score: float | None = None
    text_changed: bool | None = None
    diff: list[DiffOp] = Field(default=[], description="Character diff of the text against the previous step.")
    also_from: list[LineagePartOut] = Field(default=[], description="Other earlier provisions merged into this one.")
    also_to: list[LineagePartOut] = Field(default=[], description="Other later provisions split off this one.")


class ProvisionHistoryOut(BaseModel):
    law: LawOut
    article_id: str = Field(description="The article asked about.")
    as_of: date
    steps: list[LineageStepOut] = Field(description="The provision in every version that holds it, oldest first.")
    deleted_in: str | None = Field(default=None, description="Version in which the provision was deleted, if it was.")
    new_in: str | None = Field(default=None, description="Version that introduced the provision (its oldest step), if it is new there.")


class ComparePairOut(BaseModel):
    kind: str
    old_key: str | None = None
    new_key: str | None = None
    old_label: str | None = None
    new_label: str | None = None
    score: float
    text_changed: bool | None = None
    primary: bool = True


class RenumberOut(BaseModel):
    old_key: str
    new_key: str


class CompareOut(BaseModel):
    law: LawOut
    old: VersionOut
    new: VersionOut
    stored: bool = Field(description="True: the edges stored at ingest (consecutive versions); False: aligned on request.")
    counts: dict[str, int] = Field(description="Edges per kind: same, changed, renumbered, split, merged, new, deleted.")
    changed_provisions: int
    renumbering: list[RenumberOut]
    pairs: list[ComparePairOut]


class TimelineEntryOut(BaseModel):
    law: LawOut | None = None
    version: VersionOut
    previous_version_id: str | None = None
    articles: int | None = None
    counts: dict[str, int] | None = Field(default=None, description="Lineage edges per kind against the previous version.")
    changed: int | None = Field(default=None, description="Provisions changed, renumbered, split, merged, new or deleted.")


class LawTimelineOut(BaseModel):
    law: LawOut
    versions: list[TimelineEntryOut]


class CorpusTimelineOut(BaseModel):
    start: date
    end: date
    entries: list[TimelineEntryOut]


# ---------------------------------------------------------------- graph
class GraphNode(BaseModel):
    id: str
    law: str | None = None
    title_zh: str | None = None
    article: str | None = None
    label: str | None = None
    version_id: str | None = None
    effective_from: date | None = None
    in_corpus: bool = True
    depth: int = 0


class GraphEdge(BaseModel):
    source: str
    target: str
    kind: str = Field(description="same-law | other-law | judicial-interpretation | lineage (earlier text → the text continuing it)")
    text: str = Field(description="The reference as written; for lineage the edge kind (renumbered, changed, split, ...).")
    score: float | None = Field(default=None, description="Lineage: text similarity of the two versions, 0..1.")


class GraphOut(BaseModel):
    center: str | None = None
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = False


# ---------------------------------------------------------------- OpenAI-compatible chat
class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # OpenAI clients send more options than we use
    model: str
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    temperature: float | None = None
    max_tokens: int | None = None
    user: str | None = None


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatMessageOut
    finish_reason: str = "stop"


class ChatUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: ChatUsage
    citations: list[AnswerCitationOut] = Field(description="The gated citations (extra field; also appended to the message).")
    refused: bool = False
    followup: dict[str, Any] | None = Field(default=None, description="How the last user message was read against the earlier "
                                            "ones (extra field; see AskResponse.followup).")


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "likeness-kb"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries: these statuses answer with the one error envelope."""
    return {s: {"model": ErrorResponse} for s in statuses}


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None
    request_id: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody
