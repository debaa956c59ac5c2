"""The listing check against the real raw/ index: citations come from the store, verbatim, in force on
as_of (the Anti-Unfair Competition Law's confusion article is 第六条 until 2025-10-14 and 第七条 from
2025-10-15), penalty articles included; metrics catch fabricated citations; batch files lose no row."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from kb.errors import BadRequest, KBError
from kb.listings import ListingChecker, load_rules
from kb.listings.batch import check_rows, parse_listings, results_to_csv, summary
from kb.listings.citations import CitationResolver, pick_quote
from kb.listings.metrics import citation_problem, evaluate
from kb.listings.rules import CitationRef

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def store(raw_index: Any) -> Any:
    return raw_index.store


@pytest.fixture(scope="module")
def checker(store: Any) -> ListingChecker:
    return ListingChecker(store)


def cited(result: dict, category: str) -> set[tuple[str, str, str]]:
    return {(c["title_zh"], c["article"], c["version"]) for f in result["findings"] if f["category"] == category for c in f["citations"]}


def _holds_law(store: Any, name: str) -> bool:
    try:
        store.resolve_law(name)
    except KBError:
        return False
    return True


def test_national_citations_are_marked_and_everything_else_is_in_the_raw_layer(store: Any) -> None:
    rules = load_rules()
    national = [r for r in rules.citations.values() if r.national]
    assert national and all(not _holds_law(store, r.law) for r in national)  # the fixture store is raw-only
    assert all(_holds_law(store, r.law) for r in rules.citations.values() if not r.national)


def test_every_rule_citation_resolves_today_with_a_verbatim_quote(store: Any) -> None:
    rules = load_rules()
    resolver = CitationResolver(store)
    for ref in rules.citations.values():
        c = resolver.resolve(ref, TODAY)
        if c is None and ref.national and not _holds_law(store, ref.law):
            continue  # a national-layer law, not in this raw-only store
        assert c is not None, ref.id
        art = store.article_by_id(c["article_id"])
        assert c["quote"] and c["quote"] in (art.text_zh or art.text_en), ref.id
        if ref.quote:
            assert ref.quote.replace(" ", "") in c["quote"].replace(" ", ""), ref.id
        assert citation_problem(store, c, TODAY) is None


def test_absolute_claim_cites_article_9_and_its_penalty_article_57(checker: ListingChecker) -> None:
    res = checker.check("国家级工艺 硅胶面具 行业第一品牌", "专业影视级硅胶，透气舒适。", as_of=TODAY)
    assert res["overall_risk"] == "medium"
    arts = {(t, a) for t, a, _ in cited(res, "absolute_claim")}
    assert {("中华人民共和国广告法", "第九条"), ("中华人民共和国广告法", "第五十七条")} <= arts
    penalty = [c for f in res["findings"] for c in f["citations"] if c["penalty"]]
    assert penalty and all(c["article"] == "第五十七条" for c in penalty)
    assert "国家级" in next(c["quote"] for f in res["findings"] for c in f["citations"] if c["article"] == "第九条")


@pytest.mark.parametrize(
    ("as_of", "article", "penalty", "version"),
    [
        (date(2025, 6, 1), "第六条", "第十八条", "anti-unfair-competition-law@2019-04-23"),
        (date(2025, 10, 14), "第六条", "第十八条", "anti-unfair-competition-law@2019-04-23"),
        (date(2025, 10, 15), "第七条", "第二十三条", "anti-unfair-competition-law@2025-10-15"),
        (TODAY, "第七条", "第二十三条", "anti-unfair-competition-law@2025-10-15"),
    ],
)
def test_confusion_article_follows_the_version_in_force(checker: ListingChecker, as_of: date, article: str, penalty: str, version: str) -> None:
    res = checker.check("刘德华同款脸 硅胶面具", "", as_of=as_of)
    aucl = {(a, v) for t, a, v in cited(res, "name_use") if t == "中华人民共和国反不正当竞争法"}
    assert aucl == {(article, version), (penalty, version)}
    assert res["as_of"] == as_of.isoformat()


@pytest.mark.parametrize(("as_of", "article"), [(date(2025, 12, 31), "第五十一条"), (date(2026, 1, 1), "第六十二条")])
def test_public_security_law_article_by_version(checker: ListingChecker, as_of: date, article: str) -> None:
    res = checker.check("硅胶面具", "冒充他人通过身份核验。", as_of=as_of)
    arts = {a for t, a, _ in cited(res, "crime_invitation") if t == "中华人民共和国治安管理处罚法"}
    assert arts == {article}


def test_trigger_citations_from_the_store(checker: ListingChecker) -> None:
    res = checker.check("AI换脸定制视频", "", as_of=TODAY)
    assert ("互联网信息服务深度合成管理规定", "第十四条") in {(t, a) for t, a, _ in cited(res, "likeness")}
    res = checker.check("出售人脸数据", "", as_of=TODAY)
    assert ("中华人民共和国刑法", "第二百五十三条之一") in {(t, a) for t, a, _ in cited(res, "crime_invitation")}
    res = checker.check("公安部指定面具", "", as_of=TODAY)
    quotes = [c["quote"] for f in res["findings"] for c in f["citations"] if c["article"] == "第九条"]
    assert any("国家机关" in q for q in quotes) and any("国家级" in q for q in quotes)


def test_nothing_is_cited_that_was_not_in_force(checker: ListingChecker) -> None:
    res = checker.check("范冰冰同款脸 硅胶面具", "", as_of=date(2020, 6, 1))  # before the Civil Code
    likeness = next(f for f in res["findings"] if f["category"] == "likeness")
    assert likeness["citations"] == [] and likeness["note"]
    for f in res["findings"]:
        for c in f["citations"]:
            assert c["effective_from"] <= "2020-06-01"
            assert c["effective_to"] is None or c["effective_to"] >= "2020-06-01"


def test_renumbered_article_is_found_by_its_anchor(store: Any) -> None:
    ref = CitationRef(id="t", law="中华人民共和国反不正当竞争法", key="6", keys={}, anchor="经营者不得实施下列混淆行为", quote="姓名")
    c = CitationResolver(store).resolve(ref, TODAY)
    assert c is not None and c["article"] == "第七条" and "姓名" in c["quote"]
    missing = CitationRef(id="m", law="no-such-law", key="1", keys={}, anchor=None, quote=None)
    assert CitationResolver(store).resolve(missing, TODAY) is None


def test_english_listing_explained_in_english_with_chinese_citations(checker: ListingChecker) -> None:
    res = checker.check("Custom mask made from your photos", "Send us 360-degree head photos of anyone and we will sculpt a lifelike mask.", as_of=TODAY)
    assert res["lang"] == "en" and res["overall_risk"] == "high"
    f = next(f for f in res["findings"] if f["category"] == "custom_from_photos")
    assert "consent" in f["explanation"] and "consent" in f["suggestion"]
    arts = {(c["title_zh"], c["article"]) for c in f["citations"]}
    assert ("中华人民共和国个人信息保护法", "第二十九条") in arts and ("中华人民共和国民法典", "第一千零一十九条") in arts


def test_quote_is_a_sentence_of_the_text() -> None:
    text = "第一句。含有关键词的第二句；第三句"
    assert pick_quote(text, "关键词") == "含有关键词的第二句；"
    assert pick_quote(text, "不存在") == "第一句。"


def test_metrics_on_own_rows(store: Any, checker: ListingChecker) -> None:
    rows = [
        {"id": "a", "title": "全网最佳硅胶面具", "description": "", "expect": [[{"law": "中华人民共和国广告法", "article": "第九条"}]], "clean": False},
        {"id": "b", "title": "Looks like Tom Cruise", "description": "", "as_of": "2025-01-01",
         "expect": [[{"law": "中华人民共和国反不正当竞争法", "article": "第六条", "effective": "2019-04-23"}]], "clean": False},
        {"id": "c", "title": "卡通熊猫头套", "description": "最近新款，第一次购买送收纳袋。", "expect": [], "clean": True},
        {"id": "d", "title": "Plain latex mask", "description": "", "expect": [[{"law": "中华人民共和国刑法", "article": "第二百六十六条"}]], "clean": False},
    ]
    r = evaluate(store, rows, checker=checker)
    assert r["groups_total"] == 3 and r["groups_hit"] == 2 and r["group_recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert r["clean_false_findings"] == 0 and r["fabricated_citations"] == 0 and r["citations_total"] > 0
    assert r["details"][3]["missed_groups"] == [["中华人民共和国刑法第二百六十六条"]]


def test_fabricated_citations_are_caught(store: Any, checker: ListingChecker) -> None:
    c = checker.check("国家级工艺", "", as_of=TODAY)["findings"][0]["citations"][0]
    assert citation_problem(store, c, TODAY) is None
    assert citation_problem(store, {**c, "quote": "广告可以使用最佳等用语。"}, TODAY) == "quote not verbatim in the article"
    assert citation_problem(store, {**c, "article_id": "advertising-law@2021-04-29#999", "article_key": "999"}, TODAY) == "article not in the store"
    assert citation_problem(store, c, date(2019, 1, 1)) == "version not in force on as_of"
    assert citation_problem(store, {**c, "law": "不存在的法"}, TODAY) == "law not in the store"


def test_batch_keeps_every_row_and_reports_bad_ones(checker: ListingChecker) -> None:
    jsonl = "\n".join([
        json.dumps({"id": "1", "title": "全网最逼真面具", "description": ""}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "3", "title": "Latex mask", "description": "Fits most adults.", "as_of": "2025-01-01"}),
        json.dumps({"id": "4"}),
        json.dumps({"id": "5", "title": "x", "as_of": "yesterday"}),
    ]).encode()
    rows = parse_listings(jsonl)
    results = check_rows(checker, rows, as_of=TODAY)
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5]
    assert results[0]["overall_risk"] == "medium" and results[2]["overall_risk"] == "none"
    assert results[2]["as_of"] == "2025-01-01"
    assert "invalid JSON" in results[1]["error"] and "no title" in results[3]["error"] and "as_of" in results[4]["error"]
    assert summary(results)["errors"] == 3
    out = results_to_csv(results)
    assert out.splitlines()[0].startswith("line,id,overall_risk") and len(out.splitlines()) == 6


def test_csv_batch_is_sniffed_and_gbk_is_read(checker: ListingChecker) -> None:
    csv_text = "id,title,description\nA,国家级硅胶面具,\"进口硅胶，手工植发\"\nB,Party mask,\"Best regards, the shop\"\n"
    for data in (csv_text.encode("utf-8"), csv_text.encode("gb18030")):
        results = check_rows(checker, parse_listings(data), as_of=TODAY)
        assert [(r["id"], r["overall_risk"]) for r in results] == [("A", "medium"), ("B", "none")]
    with pytest.raises(BadRequest):
        parse_listings(b"foo,bar\n1,2\n")
    with pytest.raises(BadRequest):
        parse_listings(b"   \n")


def test_cli_check(raw_index: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from cli import app
    from kb.settings import get_settings

    monkeypatch.setenv("KB_DATA_DIR", str(raw_index.settings.data_dir))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["check", "--title", "可通过刷脸支付的硅胶面具", "--json", "--as-of", "2025-01-01"])
        assert r.exit_code == 1, r.output  # high risk → exit status 1
        body = json.loads(r.stdout)
        assert body["overall_risk"] == "high" and body["as_of"] == "2025-01-01"
        f = tmp_path / "shop.csv"
        f.write_text("title,description\n卡通熊猫头套,毛绒材质\n", encoding="utf-8")
        r = runner.invoke(app, ["check", "--file", str(f), "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout.splitlines()[0])["overall_risk"] == "none"
        r = runner.invoke(app, ["check"])
        assert r.exit_code == 2
    finally:
        get_settings.cache_clear()


def test_bench_listings_prints_figures(raw_index: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cli import app
    from kb.listings.synth import generate
    from kb.settings import get_settings

    rows = list(generate(200, seed=1))
    assert any("\u4e00" <= r["title"][0] <= "\u9fff" for r in rows) and any(r["title"][0].isascii() for r in rows)
    monkeypatch.setenv("KB_DATA_DIR", str(raw_index.settings.data_dir))
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["bench", "listings", "--n", "60", "--format", "jsonl", "--json"])
        assert r.exit_code == 0, r.output
        figures = json.loads(r.stdout.strip().splitlines()[-1])
        assert figures["listings"] == 60 and figures["errors"] == 0 and figures["listings_per_second"] > 0
        assert figures["overall_risk"]["none"] > 0 and figures["overall_risk"]["high"] > 0
    finally:
        get_settings.cache_clear()
