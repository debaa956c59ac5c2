"""Quality of the listing check on a labelled set (``kb eval`` on listings files).

Rows: {"id", "title", "description", "expect": [[{"law", "article", "effective"?}, ...], ...], "clean",
"as_of"?}. Figures: group_recall (share of expect groups with a finding citing at least one of the
group's articles), clean_false_findings (findings raised on clean listings), fabricated_citations
(citations that the store does not hold, that are not in force on as_of, or whose quote is not verbatim
in the article) — checked against the store independently of the checker."""

from __future__ import annotations

from datetime import date
from typing import Any

from kb.errors import KBError
from kb.listings.detector import ListingChecker


def _store(index: Any) -> Any:
    return getattr(index, "store", index)


def citation_problem(store: Any, citation: dict[str, Any], as_of: date) -> str | None:
    """Why a citation cannot be trusted, or None when the store holds it, in force, with the quote."""
    try:
        law = store.resolve_law(citation.get("law") or citation.get("title_zh"))
    except KBError:
        return "law not in the store"
    art = store.article_by_id(citation["article_id"]) if citation.get("article_id") else None
    if art is None:
        art = store.article(law.law_id, citation.get("article_key") or "", as_of=as_of)
    if art is None or art.law_id != law.law_id:
        return "article not in the store"
    version = store.version(art.version_id)
    if not version.in_force_on(as_of):
        return "version not in force on as_of"
    quote = citation.get("quote") or ""
    if not quote or quote not in (art.text_zh or "") and quote not in (art.text_en or ""):
        return "quote not verbatim in the article"
    return None


def _gold_key(g: dict[str, Any]) -> tuple[str, str]:
    return (g["law"].strip(), g["article"].strip())


def evaluate(index: Any, rows: list[dict[str, Any]], *, checker: ListingChecker | None = None) -> dict[str, Any]:
    store = _store(index)
    checker = checker or ListingChecker(store)
    groups_total = groups_hit = 0
    clean_listings = clean_flagged = clean_false = 0
    citations_total = fabricated = 0
    details = []
    for row in rows:
        as_of = date.fromisoformat(row["as_of"]) if row.get("as_of") else date.today()
        res = checker.check(row.get("title", ""), row.get("description", ""), lang=row.get("lang"), as_of=as_of)
        cited: dict[tuple[str, str], set[str | None]] = {}
        problems = []
        for f in res["findings"]:
            for c in f["citations"]:
                citations_total += 1
                problem = citation_problem(store, c, as_of)
                if problem:
                    fabricated += 1
                    problems.append({"article": f"{c.get('title_zh')}{c.get('article')}", "problem": problem})
                    continue
                cited.setdefault((c["title_zh"], c["article"]), set()).add(c.get("effective_from"))
        missed = []
        for group in row.get("expect") or []:
            groups_total += 1
            ok = any(
                _gold_key(g) in cited and (not g.get("effective") or g["effective"] in cited[_gold_key(g)])
                for g in group
            )
            groups_hit += ok
            if not ok:
                missed.append([f"{g['law']}{g['article']}" for g in group])
        if row.get("clean"):
            clean_listings += 1
            clean_false += len(res["findings"])
            clean_flagged += bool(res["findings"])
        details.append({
            "id": row.get("id"), "clean": bool(row.get("clean")), "overall_risk": res["overall_risk"],
            "categories": sorted({f["category"] for f in res["findings"]}),
            "spans": [s["text"] for f in res["findings"] for s in f.get("spans") or [f["span"]]],
            "groups": len(row.get("expect") or []), "missed_groups": missed, "bad_citations": problems,
        })
    return {
        "listings": len(rows),
        "questions": len(rows),
        "group_recall": round(groups_hit / groups_total, 4) if groups_total else None,
        "groups_total": groups_total,
        "groups_hit": groups_hit,
        "clean_listings": clean_listings,
        "clean_flagged_listings": clean_flagged,
        "clean_false_findings": clean_false,
        "citations_total": citations_total,
        "fabricated_citations": fabricated,
        "details": details,
    }
