"""`kb eval`: measure retrieval (and, where those modules exist, answers and listing checks) on JSON Lines
evaluation files. The format is recognised by its fields (see ../shared/eval/README.md):
- compliance ({"question", "must", "also", "expect_refusal", "as_of"}): must_recall@5/@10, hit@5 over
  must+also, mrr@10 over must, refusal accuracy (evidence score against the calibrated threshold);
- STARD ({"question", "gold"}): recall@10, recall@100, mrr@10, macro over questions, whole corpus;
- listings ({"title", "description", "expect", "clean"}): delegated to kb.listings.metrics.

Gold articles are named by law title + Chinese label; titles are compared by ``kb.qmemory.law_key`` so
"农村土地承包法" matches "中华人民共和国农村土地承包法". A gold article with "effective" matches only the
version in force from that date; without it any version of the law matches."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from kb.errors import BadRequest
from kb.qmemory import gold_ref, law_key
from kb.records import Hit, SearchFilters, SearchResult

__all__ = ["load_rows", "detect_format", "evaluate_rows", "evaluate_file", "compliance_metrics", "stard_metrics", "hit_ref"]

FORMATS = ("compliance", "stard", "listings")


class EvalFileError(BadRequest):
    code = "eval_file_invalid"


def load_rows(path: Path | str) -> list[dict[str, Any]]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"cannot read {p}: {exc}") from exc
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise EvalFileError(f"{p}:{n}: not JSON: {exc}") from exc
        if not isinstance(row, dict):
            raise EvalFileError(f"{p}:{n}: each line must be a JSON object")
        rows.append(row)
    if not rows:
        raise EvalFileError(f"{p}: no rows")
    return rows


def _row_format(row: dict[str, Any]) -> str | None:
    if "must" in row and "question" in row:
        return "compliance"
    if "gold" in row and "question" in row:
        return "stard"
    if "expect" in row or ("title" in row and "description" in row):
        return "listings"
    return None


def detect_format(rows: Sequence[dict[str, Any]]) -> str:
    kinds = {_row_format(r) for r in rows}
    if None in kinds:
        bad = next(i for i, r in enumerate(rows, 1) if _row_format(r) is None)
        raise EvalFileError(f"row {bad} matches none of the formats {FORMATS} (fields: {sorted(rows[bad - 1])})")
    if len(kinds) > 1:
        raise EvalFileError(f"the file mixes formats: {sorted(k for k in kinds if k)}")
    return kinds.pop()  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------- matching
def hit_ref(hit: Hit) -> tuple[str, str, date | None]:
    """(law_key, article key, effective_from of the hit's version)."""
    return law_key(hit.title_zh or hit.article.law_id), hit.article.key, hit.article.effective_from


def _gold(g: dict[str, Any]) -> tuple[str, str, date | None] | None:
    ref = gold_ref(str(g.get("law", "")), str(g.get("article", "")))
    if ref is None:
        return None
    eff = g.get("effective")
    return ref[0], ref[1], date.fromisoformat(eff) if eff else None


def _matches(gold: tuple[str, str, date | None], ref: tuple[str, str, date | None]) -> bool:
    return gold[0] == ref[0] and gold[1] == ref[1] and (gold[2] is None or gold[2] == ref[2])


def _rank_of(gold: tuple[str, str, date | None], refs: Sequence[tuple[str, str, date | None]]) -> int | None:
    for i, ref in enumerate(refs, 1):
        if _matches(gold, ref):
            return i
    return None


def _search(index: Any, question: str, k: int, filters: SearchFilters, lang: str | None) -> SearchResult:
    retriever = getattr(index, "retriever", None) or index
    try:
        return retriever.search(question, k=k, filters=filters, lang=lang)
    except TypeError:  # a retriever without the lang keyword
        return retriever.search(question, k=k, filters=filters)


def refusal_threshold() -> float:
    from kb.settings import get_settings

    s = get_settings()
    if s.refusal_threshold is not None:
        return float(s.refusal_threshold)
    from kb.confidence import load_calibration

    return float(load_calibration()["refusal_threshold"])


# ---------------------------------------------------------------------------------------------- compliance
def compliance_metrics(index: Any, rows: Sequence[dict[str, Any]], *, k: int = 10) -> dict[str, Any]:
    threshold = refusal_threshold()
    k = max(k, 10)
    per: list[dict[str, Any]] = []
    sums = {"must_recall@5": 0.0, "must_recall@10": 0.0, "hit@5": 0.0, "mrr@10": 0.0}
    answerable = refusal_ok = 0
    latencies = []
    by_lang: dict[str, list[float]] = {}
    for row in rows:
        as_of = date.fromisoformat(row["as_of"]) if row.get("as_of") else None
        t0 = time.perf_counter()
        res = _search(index, row["question"], k, SearchFilters(as_of=as_of), row.get("lang"))
        latencies.append(time.perf_counter() - t0)
        refs = [hit_ref(h) for h in res.hits]
        expect_refusal = bool(row.get("expect_refusal"))
        refused = res.evidence_score < threshold
        refusal_ok += int(refused == expect_refusal)
        item: dict[str, Any] = {"id": row.get("id"), "evidence": res.evidence_score, "refused": refused, "expect_refusal": expect_refusal,
                                "top": [f"{h.title_zh} {h.article.label_zh or h.article.key}" for h in res.hits[:3]]}
        if not expect_refusal:
            must = [g for g in (_gold(x) for x in row.get("must", [])) if g]
            also = [g for g in (_gold(x) for x in row.get("also", [])) if g]
            if must:
                answerable += 1
                ranks = [_rank_of(g, refs) for g in must]
                r5 = sum(1 for r in ranks if r and r <= 5) / len(must)
                r10 = sum(1 for r in ranks if r and r <= 10) / len(must)
                best = min((r for r in ranks if r), default=None)
                any5 = any((r := _rank_of(g, refs)) and r <= 5 for g in must + also)
                sums["must_recall@5"] += r5
                sums["must_recall@10"] += r10
                sums["hit@5"] += float(bool(any5))
                sums["mrr@10"] += 1.0 / best if best and best <= 10 else 0.0
                lang = row.get("lang") or res.lang
                by_lang.setdefault(lang, []).append(r5)
                item.update({"must_ranks": ranks, "lang": lang})
        per.append(item)
    out: dict[str, Any] = {"format": "compliance", "questions": len(rows), "answerable": answerable}
    for name, total in sums.items():
        out[name] = round(total / answerable, 4) if answerable else None
    for lang, values in sorted(by_lang.items()):
        out[f"must_recall@5_{lang}"] = round(sum(values) / len(values), 4)
    out["refusal_accuracy"] = round(refusal_ok / len(rows), 4)
    out["refusal_threshold"] = threshold
    out["latency_ms_p50"] = round(percentile(latencies, 50) * 1000, 1)
    out["per_question"] = per
    return out


# ---------------------------------------------------------------------------------------------- STARD
def stard_metrics(
    index: Any, rows: Sequence[dict[str, Any]], *, k: int = 100, search: Callable[[str, int], SearchResult] | None = None
) -> dict[str, Any]:
    """Recall@10, Recall@100, MRR@10 macro over questions; ``search`` overrides the index retriever (CV)."""
    k = max(k, 100)
    memory = getattr(getattr(index, "retriever", None), "memory", None) if search is None else None
    if memory is not None:
        memory.leave_one_out = True  # the shipped memory holds STARD train: score each question without itself
    try:
        return _stard(index, rows, k, search)
    finally:
        if memory is not None:
            memory.leave_one_out = False


def _stard(index: Any, rows: Sequence[dict[str, Any]], k: int, search: Callable[[str, int], SearchResult] | None) -> dict[str, Any]:
    r10 = r100 = mrr = 0.0
    n = 0
    unparsable = 0
    latencies = []
    for row in rows:
        gold = [g for g in (_gold(x) for x in row.get("gold", [])) if g]
        if not gold:
            unparsable += 1
            continue
        t0 = time.perf_counter()
        res = search(row["question"], k) if search else _search(index, row["question"], k, SearchFilters(), "zh")
        latencies.append(time.perf_counter() - t0)
        refs = [hit_ref(h) for h in res.hits]
        ranks = [_rank_of(g, refs) for g in gold]
        r10 += sum(1 for r in ranks if r and r <= 10) / len(gold)
        r100 += sum(1 for r in ranks if r and r <= 100) / len(gold)
        best = min((r for r in ranks if r), default=None)
        mrr += 1.0 / best if best and best <= 10 else 0.0
        n += 1
    out: dict[str, Any] = {
        "format": "stard",
        "questions": n,
        "recall@10": round(r10 / n, 4) if n else None,
        "recall@100": round(r100 / n, 4) if n else None,
        "mrr@10": round(mrr / n, 4) if n else None,
        "latency_ms_p50": round(percentile(latencies, 50) * 1000, 1),
        "latency_ms_p95": round(percentile(latencies, 95) * 1000, 1),
        "question_memory": "leave-one-out (a question never votes for itself)",
    }
    if search is None and getattr(getattr(index, "retriever", None), "reranker", None) is not None:
        out["reranker"] = (
            "on; it was trained on STARD train, so on questions of that file these figures are optimistic: "
            "scripts/train_rerank.py prints its cross-validated figures"
        )
    if unparsable:
        out["skipped_rows"] = unparsable
    if index is not None:
        warning = _national_warning(index)
        if warning:
            out["warning"] = warning
    return out


def _national_warning(index: Any) -> str | None:
    store = getattr(index, "store", None)
    if store is None:
        return None
    try:
        layers = store.stats().get("layers", {})
    except Exception:  # noqa: BLE001 - a statistic is not worth failing the evaluation
        return None
    if not layers.get("national", {}).get("articles"):
        return "the current index lacks the national/ layer: STARD gold articles mostly live there; run `kb ingest --layer all` first"
    return None


def percentile(values: Sequence[float], p: float, *, empty: float = 0.0) -> float:
    """The ``p``-th percentile (0..100, nearest rank) of ``values``; ``empty`` when there are none. The one
    percentile of the evaluation and of every benchmark."""
    if not values:
        return empty
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


# ---------------------------------------------------------------------------------------------- entry
def evaluate_rows(index: Any, rows: Sequence[dict[str, Any]], *, k: int | None = None) -> dict[str, Any]:
    fmt = detect_format(rows)
    if fmt == "compliance":
        out = compliance_metrics(index, rows, k=k or 10)
        from kb.answer.metrics import answer_metrics

        out.update(answer_metrics(index, list(rows)))
        return out
    if fmt == "stard":
        return stard_metrics(index, rows, k=k or 100)
    from kb.listings.metrics import evaluate as listing_evaluate

    return {"format": "listings", **listing_evaluate(index, list(rows))}


def evaluate_file(index: Any, path: Path | str, *, k: int | None = None) -> dict[str, Any]:
    rows = load_rows(path)
    out = evaluate_rows(index, rows, k=k)
    out["file"] = str(path)
    return out
