"""One question → one gated answer: validate, retrieve (as_of + filters), refuse below the calibrated
evidence threshold (saying what was searched), draft with the configured answerer, run the citation gate."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from kb.answer import followup as followup_data
from kb.answer import issues as issue_data
from kb.answer import scope as scope_rules
from kb.answer.deterministic import DeterministicAnswerer
from kb.answer.evidence import Answerer, Evidence
from kb.answer.gate import check
from kb.answer.models import Answer, Citation, Draft, IssueFinding
from kb.answer.text import query_terms
from kb.confidence import load_calibration
from kb.errors import BadRequest, InputTooLarge
from kb.lang import detect_lang
from kb.records import SearchFilters, SearchResult
from kb.settings import Settings, get_settings
from kb.temporal import conduct_date

DEFAULT_THRESHOLD = 0.5


def refusal_threshold(settings: Settings) -> float:
    """settings.refusal_threshold, else the calibrated value shipped in kb/data/calibration.json."""
    if settings.refusal_threshold is not None:
        return float(settings.refusal_threshold)
    data = load_calibration()
    for key in ("refusal_threshold", "threshold", "evidence_threshold"):
        if isinstance(data.get(key), int | float):
            return float(data[key])
    return DEFAULT_THRESHOLD


def default_answerer(settings: Settings) -> Answerer:
    """The deterministic answerer, or the LLM answerer (falling back to it) when an endpoint is set."""
    det = DeterministicAnswerer()
    if settings.llm_base_url:
        from kb.answer.llm import LLMAnswerer

        return LLMAnswerer.from_settings(settings, fallback=det)
    return det


def validate(question: str, k: int | None, settings: Settings) -> int:
    if not question or not question.strip():
        raise BadRequest("The question is empty.")
    if len(question) > settings.max_question_chars:
        raise InputTooLarge(
            f"The question has {len(question)} characters; the limit is {settings.max_question_chars}.",
            details={"limit": settings.max_question_chars, "length": len(question)},
        )
    k = settings.default_k if k is None else k
    if k < 1 or k > settings.max_k:
        raise BadRequest(f"k must be between 1 and {settings.max_k}.", details={"max_k": settings.max_k})
    return k


def search(index: Any, question: str, k: int, filters: SearchFilters) -> SearchResult:
    retriever = getattr(index, "retriever", None) or index
    return retriever.search(question, k=k, filters=filters)


def _searched(result: SearchResult, filters: SearchFilters, question: str) -> dict[str, Any]:
    laws = list(dict.fromkeys(h.title_zh or h.article.law_id for h in result.hits))[:8]
    nearest = list(dict.fromkeys(f"《{h.title_zh or h.article.law_id}》{h.article.label_zh or h.article.key}" for h in result.hits))[:3]
    out = {
        "nearest": nearest,
        "terms": query_terms(question)[:15],
        "expansions": list(result.expansions)[:15],
        "laws_with_hits": laws,
        "filters": {k: v for k, v in vars(filters).items() if v not in (None, [], ())} | {"as_of": (filters.as_of or date.today()).isoformat()},
    }
    if result.degraded:
        out["degraded"] = list(result.degraded)
    return out


def _refusal_text(lang: str, searched: dict[str, Any], why: str) -> str:
    terms = "、".join(searched["terms"] + searched["expansions"]) if lang == "zh" else ", ".join(searched["terms"] + searched["expansions"])
    laws = "、".join(searched["laws_with_hits"]) or ("无" if lang == "zh" else "none")
    near = "、".join(searched.get("nearest", [])) if lang == "zh" else "; ".join(searched.get("nearest", []))
    scope = f"检索范围：{searched['filters'].get('as_of')}有效的中华人民共和国法律、法规、司法解释（及欧盟GDPR文本）。" if lang == "zh" else (
        f"Searched: PRC laws, regulations and judicial interpretations (and the EU GDPR text) in force on {searched['filters'].get('as_of')}. ")
    if lang == "zh":
        return (f"知识库中没有回答该问题的法律依据（{why}）。{scope}检索词：{terms}；最接近的法律：{laws}"
                + (f"（最接近的条文：{near}，均不回答该问题）" if near else "") + "。")
    return (f"The corpus holds no basis for answering this question ({why}). {scope}Search terms: {terms}; nearest laws: {laws}"
            + (f" (nearest provisions: {near}; none of them answers the question)" if near else "") + ".")


def _issues_for(citations: list[Citation], question: str, expansions: list[str], lang: str) -> list[IssueFinding]:
    """Issues for a draft that did not name them (LLM): the spotted issues that the kept citations support."""
    spotted = issue_data.spot(question, expansions)
    out: dict[str, IssueFinding] = {}
    for c in citations:
        iid = c.issue or next(iter(sorted(spotted, key=lambda i: -spotted[i])), issue_data.GENERAL.id)
        issue = issue_data.by_id(iid)
        f = out.setdefault(iid, IssueFinding(id=iid, label=issue.label(lang), summary=""))
        if c.article_id and c.article_id not in f.citation_keys:
            f.citation_keys.append(c.article_id)
    return list(out.values())


def answer_question(
    index: Any,
    question: str,
    *,
    lang: str | None = None,
    as_of: date | None = None,
    filters: SearchFilters | None = None,
    k: int | None = None,
    answerer: Answerer | None = None,
    settings: Settings | None = None,
    history: Sequence[Any] | None = None,
) -> Answer:
    """``history``: the conversation's earlier turns ({role: user|assistant, content}); a follow-up question (see
    kb/answer/followup.py) is searched and answered with the salient terms of the earlier question folded in, in the
    follow-up's own language; a self-contained question ignores the history."""
    settings = settings or get_settings()
    k = validate(question, k, settings)
    turns = followup_data.validate_history(history, settings)
    asked = question.strip()
    # The answer's frame and headings follow the question's language (a Chinese question gets a Chinese answer in the
    # English UI); ``lang`` only decides for a question without letters of either script.
    lang = detect_lang(asked) if re.search(r"[A-Za-z\u3400-\u9fff]", asked) else (lang if lang in ("zh", "en") else "en")
    fu = followup_data.resolve(asked, turns)
    ans = _answer(index, fu.resolved, lang=lang, as_of=as_of, filters=filters, k=k, answerer=answerer, settings=settings,
                  context=fu.context or "", asked=asked)
    ans.question = asked
    ans.followup = fu
    if fu.is_followup:
        fu.frame = followup_data.frame_line(fu, lang)
        ans.answer = fu.frame + "\n\n" + ans.answer
    return ans


def _answer(
    index: Any,
    question: str,
    *,
    lang: str,
    as_of: date | None,
    filters: SearchFilters | None,
    k: int,
    answerer: Answerer | None,
    settings: Settings,
    context: str = "",
    asked: str = "",
) -> Answer:
    """``context``: the earlier question a follow-up is read with; whether the law is asked at all, and under which
    jurisdiction, is judged on the follow-up and that question together ("and his voice?" asks what the first asked)."""
    scope = question + ("\n" + context if context else "")
    # facts the question dates are judged under the law in force then (kb.temporal); otherwise today
    as_of = as_of or (filters.as_of if filters and filters.as_of else None) or conduct_date(question) or date.today()
    filters = filters or SearchFilters()
    filters.as_of = as_of

    # The answer reads deeper than the k shown: the issue guide's provisions of the question's issues may rank below
    # the head (the answerer quotes the head and, from further down, only provisions the guide names).
    result = search(index, question, min(max(k, 2 * settings.default_k), settings.max_k), filters)
    searched = _searched(result, filters, question)
    threshold = refusal_threshold(settings)
    base: dict[str, Any] = dict(question=question, lang=lang, evidence_score=float(result.evidence_score), as_of=as_of, searched=searched)

    # Questions the corpus cannot answer whatever the evidence (kb/answer/scope.py): a foreign jurisdiction's law, no
    # legal question at all, or a legal question no article answers; each refusal says why.
    out_of_scope = scope_rules.refusal(scope)
    if out_of_scope is not None:
        why = out_of_scope.reason(lang)
        return Answer(answer=_refusal_text(lang, searched, why), citations=[], issues=[], refused=True, refusal_reason=why, **base)
    if not result.hits or result.evidence_score < threshold:
        why = (
            f"evidence score {result.evidence_score:.2f} below the threshold {threshold:.2f}"
            if lang == "en"
            else f"证据分数 {result.evidence_score:.2f} 低于阈值 {threshold:.2f}"
        )
        return Answer(answer=_refusal_text(lang, searched, why), citations=[], issues=[], refused=True, refusal_reason=why, **base)

    answerer = answerer or default_answerer(settings)
    notes_index = getattr(index, "notes", None)
    evidence = Evidence(
        question=question, lang=lang, as_of=as_of, hits=result.hits, expansions=list(result.expansions), store=index.store, notes=notes_index,
        asked=asked, followup_of=context,
    )
    draft: Draft = answerer.answer(evidence)
    gate = check(draft.citations, index.store, as_of, notes=notes_index)
    notes = list(draft.notes)
    if result.degraded:
        notes.append(
            "向量检索暂不可用，本回答仅依据关键词检索。" if lang == "zh" else "Vector search was unavailable: this answer rests on keyword search only."
        )
    if gate.removed:
        notes.append(
            ("引用核验删除了 %d 处无法核实的引用。" if lang == "zh" else "The citation gate removed %d unsupported citation(s).") % len(gate.removed)
        )
    if not gate.kept:
        why = draft.no_basis or ("没有引用通过核验" if lang == "zh" else "no citation survived the citation gate")
        return Answer(
            answer=_refusal_text(lang, searched, why), citations=[], issues=[], refused=True, refusal_reason=why,
            removed_citations=gate.removed, answerer=draft.answerer, notes=notes, **base,
        )
    issues = draft.issues or _issues_for(gate.kept, question, list(result.expansions), lang)
    kept_ids = {c.article_id for c in gate.kept}
    for f in issues:
        f.citation_keys = [x for x in f.citation_keys if x in kept_ids]
    issues = [f for f in issues if f.citation_keys]
    body = draft.text_after_gate({c.article_id for c in gate.kept if c.article_id})
    extra = [n for n in notes if n not in body]
    text = body + ("\n\n" + "\n".join(extra) if extra else "")
    return Answer(
        answer=text, citations=gate.kept, issues=issues, refused=False, removed_citations=gate.removed,
        answerer=draft.answerer, notes=notes, **base,
    )
