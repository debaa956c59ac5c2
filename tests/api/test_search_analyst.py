"""/v1/search for analysts over the real raw/ index: hits cover the query's terms, a 0–100 relevance, superseded
texts with their end date and successor in words, the pipeline order on request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import assert_envelope

AUCL = "anti-unfair-competition-law"
QUERY = "商业混淆 擅自使用他人姓名 引人误认"


def test_analyst_hits_cover_the_terms_with_a_readable_relevance(client: TestClient) -> None:
    body = client.post("/v1/search", json={"query": QUERY, "k": 10}).json()
    assert body["rank"] == "analyst" and body["terms"]
    terms = {t["term"] for t in body["terms"]}
    hits = body["hits"]
    assert hits and [h["rank"] for h in hits] == list(range(1, len(hits) + 1))
    rel = [h["relevance"] for h in hits]
    assert all(isinstance(x, int) and 0 <= x <= 100 for x in rel) and rel == sorted(rel, reverse=True)
    for h in hits:
        assert h["matched_terms"] and set(h["matched_terms"]) | set(h["missing_terms"]) <= terms
        assert h["coverage"] >= 50 and h["relevance_label"] in {"high", "medium", "low"}
    assert any(h["law"] == AUCL and h["article"] == "7" for h in hits[:3])
    # the pipeline's order on request: unfiltered, no relevance
    raw = client.post("/v1/search", json={"query": QUERY, "k": 10, "rank": "pipeline"}).json()
    assert raw["rank"] == "pipeline" and all(h["relevance"] is None and h["coverage"] is None for h in raw["hits"])
    assert len(raw["hits"]) >= len(hits)


def test_min_coverage_one_keeps_only_hits_covering_as_much_as_the_best(client: TestClient) -> None:
    loose = client.post("/v1/search", json={"query": "混淆行为 商品名称 他人", "k": 10, "min_coverage": 0.0}).json()["hits"]
    best = max(h["coverage"] for h in loose)
    assert any(h["coverage"] < best for h in loose)  # partial hits exist …
    body = client.post("/v1/search", json={"query": "混淆行为 商品名称 他人", "k": 10, "min_coverage": 1.0}).json()
    assert body["hits"] and all(h["coverage"] == best for h in body["hits"])  # … and are dropped at 1.0
    assert_envelope(client.post("/v1/search", json={"query": "混淆", "min_coverage": 2}), 422)
    assert_envelope(client.post("/v1/search", json={"query": "混淆", "rank": "best"}), 422)


def test_superseded_hits_say_until_when_and_by_what(client: TestClient) -> None:
    body = client.post("/v1/search", json={"query": "混淆行为", "k": 5, "filters": {"as_of": "2020-01-01", "law": ["反不正当竞争法"]}}).json()
    six = next(h for h in body["hits"] if h["article"] == "6")
    assert six["version"] == f"{AUCL}@2019-04-23" and six["status"] == "superseded" and six["effective_to"] == "2025-10-14"
    assert six["superseded_by"] == f"{AUCL}@2025-10-15#7" and six["superseded_by_label"] == "第七条 (2025-10-15)"
    assert six["status_note"] == "in force 2019-04-23 – 2025-10-14; superseded by 第七条 (2025-10-15)"
    now = client.post("/v1/search", json={"query": "混淆行为", "k": 3, "filters": {"law": [AUCL]}}).json()["hits"]
    assert now and all(h["status"] == "in-force" and h["status_note"].startswith("in force since ") for h in now)
