"""/v1/search, /v1/laws, /v1/laws/{id}, /v1/laws/{id}/articles/{n}, /v1/graph over the real raw/ index."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import assert_envelope


def test_search_ranks_articles_and_honours_filters(client: TestClient) -> None:
    body = client.post("/v1/search", json={"query": "肖像权 同意", "k": 5}).json()
    assert 0 < len(body["hits"]) <= 5
    assert [h["rank"] for h in body["hits"]] == sorted(h["rank"] for h in body["hits"])
    assert len({h["article_id"] for h in body["hits"]}) == len(body["hits"])
    only = client.post("/v1/search", json={"query": "虚假广告 罚款", "k": 8, "filters": {"law": ["advertising-law"]}}).json()
    assert only["hits"] and {h["law"] for h in only["hits"]} == {"advertising-law"}


def test_laws_list_filters(client: TestClient) -> None:
    body = client.get("/v1/laws").json()
    ids = {x["law_id"] for x in body["laws"]}
    assert {"civil-code", "criminal-law", "advertising-law"} <= ids and body["total"] == len(body["laws"])
    laws = client.get("/v1/laws", params={"instrument": "judicial-interpretation"}).json()["laws"]
    assert laws and all(x["instrument"] == "judicial-interpretation" for x in laws)
    assert [x["law_id"] for x in client.get("/v1/laws", params={"q": "民法典"}).json()["laws"]] == ["civil-code"]


def test_law_detail_has_structure_and_versions(client: TestClient) -> None:
    body = client.get("/v1/laws/civil-code").json()
    assert body["law"]["title_zh"] == "中华人民共和国民法典"
    assert body["versions"] and body["version"] == body["versions"][-1]["version_id"]
    books = body["structure"]
    assert books[0]["level"] == "编" and books[0]["children"]
    assert body["article_count"] > 1200
    # a short name resolves to the same law
    assert client.get("/v1/laws/民法典").json()["law"]["law_id"] == "civil-code"
    aucl = client.get("/v1/laws/anti-unfair-competition-law", params={"as_of": "2020-01-01"}).json()
    assert aucl["version"] == aucl["versions"][0]["version_id"] and len(aucl["versions"]) >= 2


def test_article_with_versions_and_cross_references(client: TestClient) -> None:
    a = client.get("/v1/laws/civil-code/articles/1019").json()
    assert a["key"] == "1019" and a["label_zh"] == "第一千零一十九条" and "肖像" in a["text_zh"]
    assert a["path"] and any("肖像权" in p for p in a["path"])
    assert client.get("/v1/laws/civil-code/articles/第一千零一十九条").json()["article_id"] == a["article_id"]
    assert a["versions"] and a["versions"][-1]["present"] is True
    # an article that cites others, and its cited-by side
    b = client.get("/v1/laws/civil-code/articles/1183").json()
    assert isinstance(b["references"], list) and isinstance(b["cited_by"], list)
    aucl = client.get("/v1/laws/anti-unfair-competition-law/articles/2").json()
    assert len(aucl["versions"]) >= 2 and aucl["versions"][-1]["text_changed"] in (True, False)


def test_laws_errors(client: TestClient) -> None:
    assert_envelope(client.get("/v1/laws/no-such-law"), 404, "law_not_found")
    err = assert_envelope(client.get("/v1/laws/civil-code/articles/99999"), 404, "article_not_found")
    assert err["details"]["article"] == "99999"
    assert_envelope(client.get("/v1/laws/civil-code/articles/abc"), 400, "bad_request")
    assert_envelope(client.get("/v1/laws/civil-code", params={"version": "1999-01-01"}), 404)


def _article_with_edges(store: Any) -> str:
    for v in store.versions("civil-code"):
        for a in store.articles(v.version_id):
            # a reference to another article (a "前款" reference to itself is not an edge of the graph)
            if any(e.dst_article_id and e.dst_article_id != a.article_id for e in store.references(a.article_id)):
                return a.article_id
    raise AssertionError("the civil code has no resolved cross-references")


def test_graph_around_an_article(client: TestClient, qa_index: Any) -> None:
    aid = _article_with_edges(qa_index.store)
    g = client.get("/v1/graph", params={"article": aid, "depth": 1}).json()
    assert g["center"] == aid
    ids = {n["id"] for n in g["nodes"]}
    assert aid in ids and g["edges"]
    assert all(e["source"] in ids and e["target"] in ids for e in g["edges"])
    out_only = client.get("/v1/graph", params={"article": aid, "direction": "out"}).json()
    assert all(e["source"] == aid for e in out_only["edges"])
    deeper = client.get("/v1/graph", params={"article": aid, "depth": 2}).json()
    assert len(deeper["nodes"]) >= len(g["nodes"])
    capped = client.get("/v1/graph", params={"law": "civil-code", "max_nodes": 10}).json()
    assert len(capped["nodes"]) <= 10 and capped["truncated"] is True


def test_graph_errors(client: TestClient) -> None:
    assert_envelope(client.get("/v1/graph"), 400, "bad_request")
    assert_envelope(client.get("/v1/graph", params={"article": "1019"}), 400, "bad_request")
    assert_envelope(client.get("/v1/graph", params={"article": "nope#1"}), 404, "article_not_found")
    assert_envelope(client.get("/v1/graph", params={"article": "x", "depth": 9}), 422, "validation_error")
