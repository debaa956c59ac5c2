"""POST /v1/listings/check and /v1/listings/check-batch through the real app (TestClient) over the real
raw/ index: findings with spans, citations in force on as_of, the one error envelope, batch formats."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tests.api.conftest import assert_envelope


def test_check_chinese_listing(client: Any) -> None:
    title = "范冰冰同款脸 硅胶面具 明星脸定制"
    r = client.post("/v1/listings/check", json={"title": title, "description": "按明星照片1:1还原，支持定制。", "as_of": "2026-01-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["overall_risk"] == "high" and body["as_of"] == "2026-01-01" and body["lang"] == "zh"
    cats = {f["category"] for f in body["findings"]}
    assert {"likeness", "name_use"} <= cats
    for f in body["findings"]:
        span = f["span"]
        source = title if span["field"] == "title" else "按明星照片1:1还原，支持定制。"
        assert source[span["start"]:span["end"]] == span["text"]
        assert f["suggestion"] and f["explanation"]
        for c in f["citations"]:
            assert c["in_force"] is True and c["effective_from"] <= "2026-01-01"
            assert set(c) >= {"law", "title_zh", "version", "effective_from", "article", "quote", "in_force"}
    arts = {(c["title_zh"], c["article"]) for f in body["findings"] for c in f["citations"]}
    assert ("中华人民共和国民法典", "第一千零一十九条") in arts
    assert ("中华人民共和国反不正当竞争法", "第七条") in arts and ("中华人民共和国反不正当竞争法", "第六条") not in arts


def test_check_respects_as_of_versions(client: Any) -> None:
    r = client.post("/v1/listings/check", json={"title": "Alan Rickman likeness mask", "as_of": "2024-05-01"})
    arts = {(c["article"], c["version"]) for f in r.json()["findings"] for c in f["citations"] if c["law"] == "anti-unfair-competition-law"}
    assert ("第六条", "anti-unfair-competition-law@2019-04-23") in arts
    assert all(v.endswith("2019-04-23") for _, v in arts)


def test_clean_english_listing(client: Any) -> None:
    r = client.post("/v1/listings/check", json={"title": "Halloween zombie latex mask, one size fits all",
                                                 "description": "Spooky full-head latex mask for parties. Not modeled on any real person. Best regards!"})
    assert r.status_code == 200
    assert r.json()["findings"] == [] and r.json()["overall_risk"] == "none"


def test_lang_override(client: Any) -> None:
    r = client.post("/v1/listings/check", json={"title": "国家级工艺面具", "lang": "en"})
    f = r.json()["findings"][0]
    assert f["category"] == "absolute_claim" and "absolute" in f["explanation"].lower()


def test_check_errors_use_the_envelope(client: Any) -> None:
    assert_envelope(client.post("/v1/listings/check", json={"title": " ", "description": ""}), 400, "bad_request")
    assert_envelope(client.post("/v1/listings/check", json={"title": "x", "as_of": "not-a-date"}), 422, "validation_error")
    assert_envelope(client.post("/v1/listings/check", json={"title": "x", "lang": "fr"}), 422, "validation_error")
    assert_envelope(client.post("/v1/listings/check", json={"title": "最" * 20_001}), 422, "validation_error")
    assert_envelope(client.post("/v1/listings/check", content=b"{oops", headers={"content-type": "application/json"}), 422)


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def test_batch_jsonl_body(client: Any) -> None:
    data = _jsonl([
        {"id": "a", "title": "硅胶面具 可通过刷脸支付验证", "description": "亲测可过刷脸支付。"},
        {"id": "b", "title": "卡通熊猫头套 儿童节表演道具", "description": "毛绒材质，适合舞台演出。"},
    ]) + b"{broken\n"
    r = client.post("/v1/listings/check-batch?as_of=2026-01-01", content=data, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200, r.text
    body = r.json()
    res = body["results"]
    assert [x.get("id") for x in res] == ["a", "b", None]
    assert res[0]["overall_risk"] == "high" and res[1]["overall_risk"] == "none" and "error" in res[2]
    assert body["summary"]["listings"] == 3 and body["summary"]["errors"] == 1
    assert res[0]["as_of"] == "2026-01-01"


def test_batch_csv_sniffed_and_csv_output(client: Any) -> None:
    data = b"id,title,description\n1,World's best silicone mask,Passes facial recognition\n2,Latex mask,\"No. 1 size, fits most\"\n"
    r = client.post("/v1/listings/check-batch?format=csv", content=data, headers={"content-type": "text/plain"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["id"], x["overall_risk"]) for x in rows] == [("1", "high"), ("2", "none")]
    assert "中华人民共和国广告法第九条" in rows[0]["articles"]


def test_batch_multipart_upload(client: Any) -> None:
    data = _jsonl([{"title": "Custom mask made from your photos", "description": "Send us photos of anyone."}])
    r = client.post("/v1/listings/check-batch", files={"file": ("shop.jsonl", data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["findings"][0]["category"] == "custom_from_photos"


def test_batch_errors(client: Any) -> None:
    assert_envelope(client.post("/v1/listings/check-batch", content=b"", headers={"content-type": "text/csv"}), 400, "bad_request")
    assert_envelope(client.post("/v1/listings/check-batch", content=b"a,b\n1,2\n", headers={"content-type": "text/csv"}), 400, "bad_request")
    assert_envelope(client.post("/v1/listings/check-batch", content=b"\xff\xfe\x00garbage\x81", headers={"content-type": "text/csv"}), 400)
    assert_envelope(client.post("/v1/listings/check-batch?format=xml", content=b"{}"), 422, "validation_error")
