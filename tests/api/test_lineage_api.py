"""Provision lineage, citations through lineage, the typed graph and the timeline over a real index of the two
raw/ laws with two versions (AUCL 2019/2025, PSAPL 2012/2025) and the SPC AUCL interpretation (tests/conftest.py
``lineage_index``)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import assert_envelope

AUCL = "anti-unfair-competition-law"
PSAPL = "public-security-admin-punishments-law"


@pytest.fixture(scope="module")
def lc(lineage_index: Any) -> Iterator[TestClient]:
    settings = lineage_index.settings.model_copy(update={"llm_base_url": "", "rate_limit_per_minute": 0})
    with TestClient(create_app(settings, index=lineage_index), raise_server_exceptions=False) as c:
        yield c


def test_article_versions_follow_lineage_not_numbers(lc: TestClient) -> None:
    body = lc.get(f"/v1/laws/{AUCL}/articles/7", params={"as_of": "2025-12-01"}).json()
    assert body["article_id"] == f"{AUCL}@2025-10-15#7"
    by_vid = {v["version_id"]: v for v in body["versions"]}
    old, new = by_vid[f"{AUCL}@2019-04-23"], by_vid[f"{AUCL}@2025-10-15"]
    assert old["present"] and old["key"] == "6"  # 2025 第七条 continues 2019 第六条 (confusion), not 2019 第七条 (bribery)
    assert new["kind"] == "renumbered" and new["text_changed"] is True and 0.3 < new["score"] < 1
    # the article 2019 第十条 became 2025 第十一条 with its text changed; 2019 第九条 → 第十条 unchanged
    same_text = lc.get(f"/v1/laws/{AUCL}/articles/10", params={"as_of": "2025-12-01"}).json()
    assert {v["key"] for v in same_text["versions"]} == {"9", "10"}
    assert same_text["versions"][-1]["text_changed"] is False


def test_citations_to_the_earlier_text_show_on_the_current_provision(lc: TestClient) -> None:
    body = lc.get(f"/v1/laws/{AUCL}/articles/第七条", params={"as_of": "2025-12-01"}).json()
    earlier = [e for e in body["cited_by"] if e["earlier_article_id"]]
    assert earlier, body["cited_by"]
    assert {e["earlier_article_id"] for e in earlier} == {f"{AUCL}@2019-04-23#6"}
    assert all(e["earlier_key"] == "6" and e["src_article_id"].startswith("spc-aucl-interpretation@") for e in earlier)
    assert {e["src_article_id"].rpartition("#")[2] for e in earlier} >= {"4", "5", "13", "25"}
    direct = [e for e in body["cited_by"] if not e["earlier_article_id"]]
    assert all(e["dst_article_id"] == body["article_id"] for e in direct)
    # the citing side: the interpretation's reference to 2019 第六条 names the provision in force now
    ref = lc.get("/v1/laws/spc-aucl-interpretation/articles/4", params={"as_of": "2025-12-01"}).json()["references"]
    to_aucl = [e for e in ref if e["dst_law_id"] == AUCL]
    assert to_aucl and to_aucl[0]["dst_key"] == "6" and to_aucl[0]["current_key"] == "7"
    assert to_aucl[0]["current_article_id"] == f"{AUCL}@2025-10-15#7"
    # on a day the 2019 text was in force, nothing is redirected
    ref_2020 = lc.get("/v1/laws/spc-aucl-interpretation/articles/4", params={"as_of": "2023-01-01"}).json()["references"]
    assert all(e["current_article_id"] is None for e in ref_2020)


def test_history_with_diffs(lc: TestClient) -> None:
    body = lc.get(f"/v1/laws/{AUCL}/articles/7/history", params={"as_of": "2025-12-01"}).json()
    steps = body["steps"]
    assert [s["key"] for s in steps] == ["6", "7"]
    assert steps[0]["kind"] is None and steps[1]["kind"] == "renumbered"
    ops = steps[1]["diff"]
    assert {o["op"] for o in ops} >= {"eq", "ins"}
    rebuilt_old = "".join(o["text"] for o in ops if o["op"] != "ins")
    rebuilt_new = "".join(o["text"] for o in ops if o["op"] != "del")
    assert rebuilt_old == steps[0]["text_zh"] and rebuilt_new == steps[1]["text_zh"]
    # from the old side: the same chain
    old = lc.get(f"/v1/laws/{AUCL}/articles/6/history", params={"version": "2019-04-23"}).json()
    assert [s["article_id"] for s in old["steps"]] == [s["article_id"] for s in steps]
    # a split: PSAPL 2012 第四十九条 continues in 第五十八条 and also gave 第五十九条
    split = lc.get(f"/v1/laws/{PSAPL}/articles/49/history", params={"version": "2013-01-01"}).json()
    assert [s["key"] for s in split["steps"]] == ["49", "58"]
    assert [p["key"] for p in split["steps"][0]["also_to"]] == ["59"]
    gone = lc.get(f"/v1/laws/{PSAPL}/articles/61/history", params={"version": "2013-01-01"}).json()
    assert len(gone["steps"]) == 1 and gone["deleted_in"] == f"{PSAPL}@2026-01-01"
    fresh = lc.get(f"/v1/laws/{AUCL}/articles/3/history", params={"as_of": "2025-12-01"}).json()
    assert fresh["new_in"] == f"{AUCL}@2025-10-15" and len(fresh["steps"]) == 1


def test_compare_versions(lc: TestClient) -> None:
    body = lc.get(f"/v1/laws/{AUCL}/compare", params={"as_of": "2025-12-01"}).json()
    assert body["old"]["version_id"].endswith("2019-04-23") and body["new"]["version_id"].endswith("2025-10-15")
    assert body["stored"] is True
    c = body["counts"]
    assert sum(c.values()) == len(body["pairs"]) and c["renumbered"] >= 30 and c["new"] >= 5 and c["deleted"] == 0
    assert {"old_key": "6", "new_key": "7"} in body["renumbering"]
    new_keys = {p["new_key"] for p in body["pairs"] if p["kind"] == "new"}
    assert "3" in new_keys and all(p["old_key"] is None for p in body["pairs"] if p["kind"] == "new")
    pair = next(p for p in body["pairs"] if p["new_key"] == "7")
    assert pair["old_label"] == "第六条" and pair["new_label"] == "第七条"
    # versions named by date, in either order
    swapped = lc.get(f"/v1/laws/{AUCL}/compare", params={"from": "2025-10-15", "to": "2019-04-23"}).json()
    assert swapped["counts"] == c
    ps = lc.get("/v1/laws/治安管理处罚法/compare").json()
    assert ps["counts"]["split"] >= 2 and ps["counts"]["merged"] >= 2 and ps["counts"]["deleted"] >= 2
    assert_envelope(lc.get(f"/v1/laws/{AUCL}/compare", params={"from": "1999-01-01"}), 400, "bad_request")
    assert_envelope(lc.get("/v1/laws/spc-aucl-interpretation/compare"), 400, "bad_request")
    assert_envelope(lc.get("/v1/laws/no-such-law/compare"), 404)


def test_timelines(lc: TestClient) -> None:
    law = lc.get(f"/v1/laws/{AUCL}/timeline").json()
    assert [v["version"]["effective_from"] for v in law["versions"]] == ["2019-04-23", "2025-10-15"]
    first, second = law["versions"]
    assert first["changed"] is None and second["previous_version_id"] == first["version"]["version_id"]
    assert 0 < second["changed"] <= second["articles"] + first["articles"] and second["counts"]["renumbered"] >= 30
    in_2025 = lc.get("/v1/timeline", params={"from": "2025-01-01", "to": "2025-12-31"}).json()["entries"]
    assert [(e["law"]["law_id"], e["version"]["effective_from"]) for e in in_2025] == [(AUCL, "2025-10-15")]
    both = lc.get("/v1/timeline", params={"from": "2019-01-01", "to": "2026-12-31", "law": ["治安管理处罚法"]}).json()["entries"]
    assert [e["version"]["effective_from"] for e in both] == ["2026-01-01"] and both[0]["changed"] > 0
    assert_envelope(lc.get("/v1/timeline", params={"from": "2025-12-31", "to": "2025-01-01"}), 400)
    assert_envelope(lc.get("/v1/timeline", params={"from": "2025-13-01", "to": "2025-12-31"}), 422)


@pytest.mark.parametrize("label", ["7", "第七条", "Article 7", "art. 7"])
def test_graph_by_law_and_article_in_any_label_form(lc: TestClient, label: str) -> None:
    body = lc.get("/v1/graph", params={"law": "反不正当竞争法", "article": label, "depth": 2, "as_of": "2025-12-01"}).json()
    assert body["center"] == f"{AUCL}@2025-10-15#7"
    kinds = {e["kind"] for e in body["edges"]}
    assert {"lineage", "judicial-interpretation", "same-law"} <= kinds
    assert all(e["source"] != e["target"] for e in body["edges"])
    lineage = [e for e in body["edges"] if e["kind"] == "lineage"]
    assert {"source": f"{AUCL}@2019-04-23#6", "target": f"{AUCL}@2025-10-15#7"}.items() <= lineage[0].items()
    ids = {n["id"] for n in body["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])


def test_graph_depth_kinds_and_exports(lc: TestClient) -> None:
    params = {"law": AUCL, "article": "7", "as_of": "2025-12-01"}
    d1 = lc.get("/v1/graph", params={**params, "depth": 1}).json()
    d4 = lc.get("/v1/graph", params={**params, "depth": 4}).json()
    assert len(d4["nodes"]) > len(d1["nodes"]) and max(n["depth"] for n in d4["nodes"]) > 1
    only = lc.get("/v1/graph", params={**params, "depth": 2, "kind": "lineage"}).json()
    assert only["edges"] and {e["kind"] for e in only["edges"]} == {"lineage"}
    assert_envelope(lc.get("/v1/graph", params={**params, "depth": 5}), 422)
    assert_envelope(lc.get("/v1/graph", params={**params, "kind": "bogus"}), 400)
    assert_envelope(lc.get("/v1/graph", params={"law": AUCL, "article": "第九百条"}), 404)
    law_wide = lc.get("/v1/graph", params={"law": PSAPL, "as_of": "2026-02-01"}).json()
    assert law_wide["edges"] and all(e["source"] != e["target"] for e in law_wide["edges"])

    r = lc.get("/v1/graph", params={**params, "depth": 2, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    d2 = lc.get("/v1/graph", params={**params, "depth": 2}).json()
    assert len(rows) == len(d2["edges"]) and {"Source", "Target", "kind"} <= set(rows[0])
    g = lc.get("/v1/graph", params={**params, "depth": 2, "format": "graphml"})
    assert g.status_code == 200
    root = ET.fromstring(g.content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == len(d2["nodes"]) and len(root.findall(".//g:edge", ns)) == len(d2["edges"])


def test_search_hits_say_superseded_with_end_date_and_successor(lc: TestClient) -> None:
    body = lc.post("/v1/search", json={"query": "擅自使用他人有一定影响的商品名称 混淆行为", "k": 5,
                                       "filters": {"as_of": "2020-01-01", "law": [AUCL]}}).json()
    hits = body["hits"]
    assert hits and all(h["version"] == f"{AUCL}@2019-04-23" for h in hits)
    assert all(h["status"] == "superseded" and h["effective_to"] == "2025-10-14" for h in hits)
    six = next(h for h in hits if h["article"] == "6")
    assert six["superseded_by"] == f"{AUCL}@2025-10-15#7"
    today = lc.post("/v1/search", json={"query": "混淆行为", "k": 3, "filters": {"law": [AUCL]}}).json()["hits"]
    assert today and all(h["status"] == "in-force" and h["effective_to"] is None and h["superseded_by"] is None for h in today)
