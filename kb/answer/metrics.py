"""Answer-level evaluation for `kb eval` over compliance files (rows as in ../shared/eval/README.md):
answers_citing_must, answers_must_first3 (a must article among the first three citations: the answer leads with
the deciding provision), fabricated_citations (re-checked against the store, independently of the gate) and
refusal_accuracy."""

from __future__ import annotations

from datetime import date
from typing import Any

from kb.answer.keys import normalize_key
from kb.answer.service import answer_question


def _gold_ids(store: Any, refs: list[dict[str, Any]]) -> set[tuple[str, str, str | None]]:
    """(law_id, key, effective or None) for gold articles named by full Chinese title + label."""
    out = set()
    for ref in refs:
        try:
            law_id = store.resolve_law(ref["law"]).law_id
        except Exception:
            continue
        key = normalize_key(ref["article"])
        if key:
            out.add((law_id, key, ref.get("effective")))
    return out


def _matches(c: dict[str, Any], gold: set[tuple[str, str, str | None]]) -> bool:
    for law_id, key, eff in gold:
        if c["law"] == law_id and c["article"] == key and (eff is None or c.get("effective_from") == eff):
            return True
    return False


def _fabricated(store: Any, c: dict[str, Any], as_of: date) -> bool:
    art = store.article_by_id(c["article_id"]) if c.get("article_id") else None
    if art is None:
        return True
    if c.get("in_force", True):
        version = store.version(art.version_id)
        return not version.in_force_on(as_of)
    return store.version_in_force(art.law_id, as_of) is None


def answer_metrics(index: Any, rows: list[dict[str, Any]], *, answerer: Any = None, settings: Any = None) -> dict[str, Any]:
    store = index.store
    answered_with_must = citing_must = must_first3 = fabricated = total_citations = refusal_right = 0
    per_row = []
    for row in rows:
        as_of = date.fromisoformat(row["as_of"]) if row.get("as_of") else date.today()
        ans = answer_question(index, row["question"], lang=row.get("lang"), as_of=as_of, answerer=answerer, settings=settings)
        cites = [c.to_dict() for c in ans.citations]
        must = _gold_ids(store, row.get("must") or [])
        hit_must = any(_matches(c, must) for c in cites)
        first3 = any(_matches(c, must) for c in cites[:3])
        fab = sum(1 for c in cites if _fabricated(store, c, as_of))
        expect_refusal = bool(row.get("expect_refusal"))
        if not ans.refused and must and not expect_refusal:
            answered_with_must += 1
            citing_must += int(hit_must)
            must_first3 += int(first3)
        fabricated += fab
        total_citations += len(cites)
        refusal_right += int(ans.refused == expect_refusal)
        per_row.append({
            "id": row.get("id"), "refused": ans.refused, "expect_refusal": expect_refusal, "cites_must": hit_must, "must_first3": first3,
            "citations": len(cites), "fabricated": fab, "removed": len(ans.removed_citations),
            "evidence_score": round(ans.evidence_score, 3),
        })
    n = len(rows)
    return {
        "answers_citing_must": round(citing_must / answered_with_must, 4) if answered_with_must else None,
        "answers_must_first3": round(must_first3 / answered_with_must, 4) if answered_with_must else None,
        "answered_with_must": answered_with_must,
        "fabricated_citations": fabricated,
        "citations": total_citations,
        "refusal_accuracy": round(refusal_right / n, 4) if n else None,
        "answer_rows": per_row,
    }
