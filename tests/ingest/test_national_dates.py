"""The national/ layer dates a version by its entry into force as its own text states it (ingest/commencement.py,
``scan_national``), not by its promulgation; checked on real snapshot files, and through a real ingest for the
``as_of`` lookups between promulgation and entry into force."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from ingest.commencement import decision_targets, read_commencement
from ingest.manifest import NationalEntry, load_manifest, scan_national
from ingest.national_dating import classify
from kb.settings import Settings, get_settings

CORPUS = get_settings().corpus_root
needs_national = pytest.mark.skipif(not (CORPUS / "national").is_dir(), reason="national/ snapshot not present")

DSL = "行政法/数据安全法(2021-06-10).md"  # new law: promulgated 2021-06-10, "本法自2021年9月1日起施行"
PATENT = "民法商法/专利法(2020-10-17).md"  # amended four times; final article still the 1985 original's
SPORT_OLD, SPORT_NEW = "行政法/体育法(2016-11-07).md", "行政法/体育法(2022-06-24).md"  # 2022 revision: 2023-01-01
GENETIC = "行政法规/人类遗传资源管理条例(2019-05-28).md"  # regulation: "本条例自2019年7月1日起施行"
THEFT = "司法解释/最高人民法院、最高人民检察院关于办理盗窃刑事案件适用法律若干问题的解释(2013-04-02).md"  # header 施行 line
SALE = "司法解释/最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释(2020-12-29).md"  # amended by CIVIL_DECISION
CIVIL_DECISION = (
    "司法解释/最高人民法院关于修改《最高人民法院关于在民事审判工作中适用〈工会法〉若干问题的解释》"
    "等二十七件民事类司法解释的决定.md"
)
COMPANY_II = "司法解释/最高人民法院关于适用《公司法》若干问题的规定（二）(2008-05-12).md"
INJURY = "最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释"
WAGES = "行政法规/工资支付暂行规定(1994-12-06).md"
RAIL = "司法解释/最高人民法院关于人民法院扣押铁路运输货物若干问题的规定(2020-12-29).md"  # no date stated anywhere


def _body(rel: str) -> str:
    return (CORPUS / "national" / rel).read_text(encoding="utf-8").partition("<!-- INFO END -->")[2]


@pytest.fixture(scope="module")
def national() -> dict[str, NationalEntry]:
    return {e.path.removeprefix("national/"): e for e in scan_national(CORPUS, load_manifest())}


# --------------------------------------------------------------------------------------- the clause itself


def test_commencement_clauses_of_each_kind() -> None:
    c = read_commencement("第五十五条 本法自2021年9月1日起施行。")
    assert c.dates == (date(2021, 9, 1),) and not c.on_promulgation
    assert read_commencement("第四十七条 本条例自2019年7月1日起施行。").dates == (date(2019, 7, 1),)
    assert read_commencement("本解释自2021年3月1日起施行。").date_for(date(2021, 1, 26)) == date(2021, 3, 1)
    assert read_commencement("本决定自2021年6月1日起施行。").dates == (date(2021, 6, 1),)
    pub = read_commencement("第四十五条 本办法自发布之日起施行。财政部1986年发布的《全国发票管理暂行办法》同时废止。")
    assert pub.on_promulgation and pub.dates == ()
    # a clause for the whole text wins over a later one for some of its articles, which is used only alone
    mixed = read_commencement("本法自2020年1月1日起施行。本法第十条自2021年1月1日起施行。")
    assert (mixed.dates, mixed.partial) == ((date(2020, 1, 1),), (date(2021, 1, 1),))
    assert mixed.date_for(date(2019, 6, 1)) == date(2020, 1, 1)
    alone = read_commencement("五、本补充安排第一条、第四条自2020年11月27日起施行，第二条、第三条……由最高人民法院公布施行日期。")
    assert alone.date_for(date(2020, 11, 26)) == date(2020, 11, 27)
    assert read_commencement("本法自2021年2月30日起施行。").dates == ()  # no such day
    # a date elsewhere in the text is not a commencement clause; neither is one of another instrument
    assert read_commencement("2021年9月1日以前已经取得许可的，继续有效。").dates == ()
    assert read_commencement("《某某条例》（2001年1月1日起施行）").dates == ()


def test_a_date_older_than_the_version_is_the_original_enactments() -> None:
    c = read_commencement("第八十二条 本法自1985年4月1日起施行。")
    assert c.date_for(date(2020, 10, 17)) is None and c.original_only(date(2020, 10, 17))
    assert c.date_for(date(1984, 3, 12)) == date(1985, 4, 1) and not c.original_only(date(1984, 3, 12))
    assert read_commencement("").date_for(date(2020, 1, 1)) is None
    assert not read_commencement("").original_only(date(2020, 1, 1))


# --------------------------------------------------------------------------------------- real snapshot files


@needs_national
def test_a_new_law_is_dated_by_its_final_article(national: dict[str, NationalEntry]) -> None:
    dsl = national[DSL]
    assert dsl.version_date == date(2021, 6, 10)  # promulgation, kept (the store's VersionRecord.promulgated)
    assert (dsl.effective_from, dsl.effective_source, dsl.status) == (date(2021, 9, 1), "text", "in-force")
    assert "本法自2021年9月1日起施行" in _body(DSL)


@needs_national
def test_an_amended_law_keeps_its_amendment_date_not_the_originals(national: dict[str, NationalEntry]) -> None:
    patent = national[PATENT]
    assert "本法自1985年4月1日起施行" in _body(PATENT)  # the 1984 original's commencement, unchanged by 修正
    assert read_commencement(_body(PATENT)).original_only(patent.version_date)
    # the snapshot carries no "本决定自…起施行" of the 2020 decision: the adoption date is all it states
    assert (patent.effective_from, patent.effective_source) == (date(2020, 10, 17), "version-date")


@needs_national
def test_a_revised_law_takes_effect_on_its_new_final_article(national: dict[str, NationalEntry]) -> None:
    old, new = national[SPORT_OLD], national[SPORT_NEW]
    assert "本法自1995年10月1日起施行" in _body(SPORT_OLD)  # amended twice (2009, 2016): the original's date
    assert (old.effective_from, old.effective_source) == (date(2016, 11, 7), "version-date")
    assert (new.version_date, new.effective_from, new.effective_source) == (date(2022, 6, 24), date(2023, 1, 1), "text")
    # in force until the day before the revision took effect, not until its promulgation
    assert (old.effective_to, old.status) == (date(2022, 12, 31), "superseded")
    assert old.in_force_on(date(2022, 10, 1)) and not new.in_force_on(date(2022, 10, 1))
    assert new.in_force_on(date(2023, 1, 1)) and not old.in_force_on(date(2023, 1, 1))


@needs_national
def test_regulations_and_interpretations(national: dict[str, NationalEntry]) -> None:
    reg = national[GENETIC]
    assert (reg.instrument, reg.version_date, reg.effective_from, reg.effective_source) == (
        "administrative-regulation", date(2019, 5, 28), date(2019, 7, 1), "text",
    )  # fmt: skip
    theft = national[THEFT]  # its header says "2013年4月4日 施行"; that line is still the source
    assert (theft.effective_from, theft.effective_source) == (date(2013, 4, 4), "header")
    wages = national[WAGES]  # header "1995年1月1日 执行": a date of entry into force, whatever the verb
    assert (wages.version_date, wages.effective_from, wages.effective_source) == (date(1994, 12, 6), date(1995, 1, 1), "header")
    rail = national[RAIL]  # neither header nor text states a date of entry into force
    body = _body(RAIL)
    assert read_commencement(body).dates == () and not read_commencement(body).on_promulgation
    assert (rail.effective_from, rail.effective_source) == (date(2020, 12, 29), "version-date")


def test_the_instruments_an_amending_decision_names() -> None:
    body = "根据审判实践需要……作如下修改：\n\n一、修改《最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释》\n\n1.将引言修改为：\n\n" \
        "二、修改《最高人民法院关于适用〈中华人民共和国公司法〉若干问题的规定（二）》\n\n本决定自2021年1月1日起施行。"
    assert decision_targets("最高人民法院关于修改《最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释》等二件司法解释的决定", body) == (
        "最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释",
        "最高人民法院关于适用〈中华人民共和国公司法〉若干问题的规定（二）",
    )
    # one instrument named by the title without its issuer: the decision's issuer is prefixed
    assert decision_targets("最高人民法院、最高人民检察院关于修改《关于办理妨害信用卡管理刑事案件具体应用法律若干问题的解释》的决定", "") == (
        "最高人民法院、最高人民检察院关于办理妨害信用卡管理刑事案件具体应用法律若干问题的解释",
    )
    assert decision_targets("最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释", body) == ()


@needs_national
def test_amended_interpretations_take_the_date_of_their_amending_decision(national: dict[str, NationalEntry]) -> None:
    sale = national[SALE]
    assert read_commencement(_body(SALE)).dates == ()  # the amended text states no date of its own
    assert (sale.version_date, sale.effective_from, sale.effective_source) == (date(2020, 12, 29), date(2021, 1, 1), "decision")
    assert sale.dated_by == "national/" + CIVIL_DECISION
    assert "本决定自2021年1月1日起施行" in _body(CIVIL_DECISION)
    assert national[CIVIL_DECISION].amends[2] == "最高人民法院关于审理买卖合同纠纷案件适用法律问题的解释"
    # the snapshot's 2008 text of an interpretation the commercial decision amended is older than the decision
    company = national[COMPANY_II]
    assert (company.effective_from, company.effective_source, company.dated_by) == (date(2008, 5, 19), "header", None)
    # amended again in 2022: the 2020 text is in force from the decision's date until the day before the 2022 one
    injury = sorted((e for e in national.values() if e.law_id == INJURY), key=lambda e: e.effective_from or date.min)
    assert [(e.effective_from, e.effective_to) for e in injury] == [
        (date(2021, 1, 1), date(2022, 4, 30)), (date(2022, 5, 1), None),
    ]  # fmt: skip


@needs_national
def test_versions_stay_ordered_and_contiguous(national: dict[str, NationalEntry]) -> None:
    by_law: dict[str, dict[date, NationalEntry]] = defaultdict(dict)
    for e in national.values():
        if e.duplicate_of is None and e.effective_from is not None:
            by_law[e.law_id].setdefault(e.effective_from, e)
    multi = {law: vs for law, vs in by_law.items() if len(vs) > 1}
    assert len(multi) == 21
    for law, vs in multi.items():
        chain = [vs[d] for d in sorted(vs)]
        assert [v.version_date for v in chain] == sorted(v.version_date for v in chain), law  # type: ignore[type-var]
        for cur, nxt in zip(chain, chain[1:], strict=False):
            assert cur.effective_to is not None and cur.effective_to + timedelta(days=1) == nxt.effective_from, law
        assert chain[-1].effective_to is None, law
    for e in national.values():
        if e.effective_from and e.version_date:
            assert e.effective_from >= e.version_date or e.effective_source == "raw", e.path


@needs_national
def test_raw_versions_keep_their_curated_dates(national: dict[str, NationalEntry]) -> None:
    manifest = load_manifest()
    raw = {(v.law_id, v.effective_from): v for law in manifest.laws() for v in law.versions}
    dups = [e for e in national.values() if e.duplicate_of and e.duplicate_of.startswith("raw/")]
    assert len(dups) == 22
    for e in dups:
        assert e.effective_source == "raw" and (e.law_id, e.effective_from) in raw, e.path


@needs_national
def test_no_version_is_dated_by_promulgation_where_its_text_says_otherwise() -> None:
    got = classify(CORPUS)
    assert got["by-promulgation"] == [] and got["header-differs"] == []
    assert len(got["by-text-date"]) == 447 and len(got["by-decision"]) == 58
    assert len(got["amended-original-only"]) == 296 and len(got["no-stated-date"]) == 100
    assert len(got["header-only"]) == 140 and len(got["on-promulgation"]) == 304


# --------------------------------------------------------------------------------------- through a real ingest


@needs_national
def test_as_of_between_promulgation_and_entry_into_force_gives_the_previous_version(small_corpus: Settings) -> None:
    from ingest.pipeline import run_ingest
    from kb.index import open_index

    for rel in (DSL, SPORT_OLD, SPORT_NEW):
        dst = small_corpus.corpus_root / "national" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / "national" / rel, dst)
    # a note written before the change names 数据安全法 by its promulgation date: it still reaches its article;
    # one naming the new effective date does too, and one naming a date of no version is dropped
    notes = small_corpus.corpus_root.parent / "notes"
    notes.mkdir()
    entry = {"article": "第一条", "headnote_zh": "（本项目所写，非法律）数据安全法的目的。", "headnote_en": "", "questions": []}
    (notes / "dsl.json").write_text(json.dumps({
        "law_id": "中华人民共和国数据安全法", "provenance": "written by this project, not law",
        "notes": [{**entry, "version": d} for d in ("2021-06-10", "2021-09-01", "2020-01-01")],
    }, ensure_ascii=False), encoding="utf-8")
    said: list[str] = []
    settings = small_corpus.model_copy(update={"notes_dir": notes})
    report = run_ingest(settings, layer="national", progress=said.append)
    assert report.status == "built" and report.failures == [], report.message
    assert report.counts["notes"] == 2
    assert any("notes: 2 for this build (1 name articles outside it; 1 name their version by its promulgation date)" in m
               for m in said), said
    index = open_index(settings)
    try:
        store = index.store
        sport = store.resolve_law("体育法")
        assert sport is not None
        v2016, v2022 = store.versions(sport.law_id)
        assert (v2016.effective_from, v2016.effective_to) == (date(2016, 11, 7), date(2022, 12, 31))
        assert (v2022.promulgated, v2022.effective_from, v2022.effective_to) == (date(2022, 6, 24), date(2023, 1, 1), None)
        assert "2023-01-01" in v2022.label and "adoption" in v2016.label
        # between the revision's promulgation (2022-06-24) and its entry into force (2023-01-01): the 2016 text
        for day in (date(2022, 6, 24), date(2022, 10, 1), date(2022, 12, 31)):
            assert store.version_in_force(sport.law_id, day) == v2016
            art = store.article(sport.law_id, "54", as_of=day)
            assert art is not None and art.version_id == v2016.version_id and "1995年10月1日" in (art.text_zh or "")
        assert store.version_in_force(sport.law_id, date(2023, 1, 1)) == v2022
        last = store.article(sport.law_id, "122", as_of=date(2023, 1, 1))
        assert last is not None and "2023年1月1日" in (last.text_zh or "")
        assert store.article(sport.law_id, "122", as_of=date(2022, 10, 1)) is None  # the 2016 text has 54 articles

        dsl = store.resolve_law("数据安全法")
        assert dsl is not None
        (v,) = store.versions(dsl.law_id)
        assert (v.promulgated, v.effective_from) == (date(2021, 6, 10), date(2021, 9, 1))
        assert store.version_in_force(dsl.law_id, date(2021, 7, 1)) is None  # promulgated, not yet in force
        assert store.article(dsl.law_id, "1", as_of=date(2021, 7, 1)) is None
        assert store.article(dsl.law_id, "1", as_of=date(2021, 9, 1)) is not None
    finally:
        index.close()


def test_the_measuring_script_runs_on_a_copy(tmp_path: Path) -> None:
    """The script reads only the scan: on a one-file national/ tree it counts that file."""
    if not (CORPUS / "national" / DSL).is_file():
        pytest.skip("national/ snapshot not present")
    dst = tmp_path / "national" / DSL
    dst.parent.mkdir(parents=True)
    shutil.copyfile(CORPUS / "national" / DSL, dst)
    got = classify(tmp_path)
    assert [len(v) for v in got.values()] == [0, 1, 0, 0, 0, 0, 0, 0]
    assert "effective_from 2021-09-01" in got["by-text-date"][0]
