"""Law ids over the real raw/ index: every endpoint taking a law accepts the slug, the Chinese title and the
``id@date`` version form, and law objects expose ``slug`` and ``aliases`` (tests/test_slugs.py covers the
national/ slugs over the whole corpus)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import assert_envelope

AUCL = "anti-unfair-competition-law"
AUCL_ZH = "中华人民共和国反不正当竞争法"


def test_law_objects_expose_slug_and_aliases(client: TestClient) -> None:
    law = client.get(f"/v1/laws/{AUCL}").json()["law"]
    assert law["slug"] == AUCL and AUCL_ZH in law["aliases"] and "反不正当竞争法" in law["aliases"]
    listed = client.get("/v1/laws", params={"limit": 2000}).json()["laws"]
    assert all(x["slug"] for x in listed) and len({x["slug"] for x in listed}) == len(listed)
    # type-ahead matches the slug too, hyphens optional
    assert [x["law_id"] for x in client.get("/v1/laws", params={"q": "unfaircompetition"}).json()["laws"]] == [AUCL]


def test_every_id_form_reaches_the_same_article(client: TestClient) -> None:
    seen = set()
    for law_id in (AUCL, AUCL_ZH, "反不正当竞争法"):
        body = client.get(f"/v1/laws/{law_id}/articles/7").json()
        seen.add(body["article_id"])
    assert len(seen) == 1 and next(iter(seen)).startswith(f"{AUCL}@2025")
    # a version id names that version: 2019 第六条 (confusion) is reached through "law@date"
    old = client.get(f"/v1/laws/{AUCL}@2019-04-23/articles/6").json()
    assert old["article_id"] == f"{AUCL}@2019-04-23#6" and old["version"]["effective_to"]
    assert client.get(f"/v1/laws/{AUCL_ZH}@2019-04-23").json()["version"] == f"{AUCL}@2019-04-23"
    # ?version= still wins over the id's date
    assert client.get(f"/v1/laws/{AUCL}@2019-04-23", params={"version": f"{AUCL}@2025-10-15"}).json()["version"] == f"{AUCL}@2025-10-15"


def test_lineage_timeline_graph_and_search_take_any_id_form(client: TestClient) -> None:
    hist = client.get(f"/v1/laws/{AUCL_ZH}/articles/第七条/history")
    assert hist.status_code == 200 and hist.json()["law"]["slug"] == AUCL
    assert client.get(f"/v1/laws/{AUCL_ZH}/compare").status_code == 200
    assert client.get(f"/v1/laws/{AUCL_ZH}/timeline").json()["law"]["law_id"] == AUCL
    assert client.get("/v1/timeline", params={"from": "2025-01-01", "to": "2025-12-31", "law": AUCL_ZH}).status_code == 200
    graph = client.get("/v1/graph", params={"law": AUCL_ZH, "article": "7"})
    assert graph.status_code == 200 and graph.json()["nodes"]
    by_id = client.get("/v1/graph", params={"article": f"{AUCL_ZH}@2019-04-23#6"})  # an article id with the title
    assert by_id.status_code == 200 and by_id.json()["center"] == f"{AUCL}@2019-04-23#6"
    for name in (AUCL_ZH, AUCL):
        hits = client.post("/v1/search", json={"query": "混淆行为", "k": 5, "filters": {"law": [name]}}).json()["hits"]
        assert hits and {h["law"] for h in hits} == {AUCL} and {h["law_slug"] for h in hits} == {AUCL}


def test_unknown_version_in_an_id_is_a_clear_404(client: TestClient) -> None:
    err = assert_envelope(client.get(f"/v1/laws/{AUCL}@1900-01-01/articles/6"), 404)
    assert "1900-01-01" in err["message"]
    assert_envelope(client.get("/v1/laws/no-such-law-slug"), 404)
