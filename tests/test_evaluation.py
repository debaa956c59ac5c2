"""`kb eval`: format detection, metrics on a small real index, bad input, and the CLI's JSON output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kb.evaluation import (
    EvalFileError,
    compliance_metrics,
    detect_format,
    evaluate_rows,
    load_rows,
    stard_metrics,
)
from kb.settings import get_settings
from tests.retrieval_fixtures import build_small_index

AD = "中华人民共和国广告法"
AUCL = "中华人民共和国反不正当竞争法"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    data_dir = tmp_path_factory.mktemp("eval-index")
    idx = build_small_index(data_dir)
    yield idx, data_dir
    idx.close()


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


COMPLIANCE = [
    {"id": "c1", "lang": "zh", "question": "什么是虚假广告？", "as_of": None, "expect_refusal": False,
     "must": [{"law": AD, "article": "第二十八条"}], "also": [{"law": "广告法", "article": "第五十五条"}]},
    {"id": "c2", "lang": "en", "as_of": "2024-06-01", "expect_refusal": False,
     "question": "Under the Anti-Unfair Competition Law, may a seller use a well-known person's name so as to cause confusion?",
     "must": [{"law": AUCL, "article": "第六条", "effective": "2019-04-23"}], "also": []},
    {"id": "c3", "lang": "zh", "question": "什么是虚假广告？", "as_of": None, "expect_refusal": False,
     "must": [{"law": AUCL, "article": "第六条", "effective": "2019-04-23"}], "also": []},  # that version is not in force today
    {"id": "c4", "lang": "en", "question": "What is the corporate income tax rate in Singapore?", "as_of": None,
     "expect_refusal": True, "must": [], "also": []},
]


def test_formats_are_recognised_by_their_fields() -> None:
    assert detect_format(COMPLIANCE) == "compliance"
    assert detect_format([{"id": "s", "question": "q", "gold": []}]) == "stard"
    assert detect_format([{"id": "l", "title": "t", "description": "d", "expect": [], "clean": True}]) == "listings"
    with pytest.raises(EvalFileError, match="mixes formats"):
        detect_format([COMPLIANCE[0], {"question": "q", "gold": []}])
    with pytest.raises(EvalFileError, match="row 1"):
        detect_format([{"foo": 1}])


def test_bad_files_give_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q", "gold": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(EvalFileError, match=":2: not JSON"):
        load_rows(bad)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match="no rows"):
        load_rows(empty)
    with pytest.raises(EvalFileError, match="cannot read"):
        load_rows(tmp_path / "missing.jsonl")


def test_compliance_metrics_respect_versions(built: tuple[Any, Path]) -> None:
    index, _ = built
    out = compliance_metrics(index, COMPLIANCE)
    per = {p["id"]: p for p in out["per_question"]}
    assert out["answerable"] == 3
    assert per["c1"]["must_ranks"][0] is not None and per["c1"]["must_ranks"][0] <= 5
    assert per["c2"]["must_ranks"][0] is not None  # the 2019 article, asked about mid-2024
    assert per["c3"]["must_ranks"] == [None]  # a superseded version never matches a today question
    assert 0.0 <= out["must_recall@5"] <= out["must_recall@10"] <= 1.0
    assert out["must_recall@10"] == pytest.approx(2 / 3, abs=1e-3)
    assert 0.0 <= out["refusal_accuracy"] <= 1.0 and out["questions"] == 4


def test_stard_metrics_macro_average(built: tuple[Any, Path]) -> None:
    index, _ = built
    rows = [
        {"id": "s1", "question": "广告代言人应当具备什么条件？", "gold": [{"law": "广告法", "article": "第三十八条", "text": ""}]},
        {"id": "s2", "question": "广告代言人应当具备什么条件？", "gold": [{"law": "著作权法", "article": "第一条", "text": ""}]},
    ]
    out = stard_metrics(index, rows)
    assert out["questions"] == 2
    assert out["recall@100"] == pytest.approx(0.5)
    assert out["recall@10"] <= out["recall@100"]
    assert "national" in out["warning"]  # the small index has no national/ layer, and says so


def test_listings_without_the_module_are_reported_not_crashed(built: tuple[Any, Path]) -> None:
    index, _ = built
    out = evaluate_rows(index, [{"id": "l1", "title": "仿真面具", "description": "", "expect": [], "clean": True}])
    assert out["format"] == "listings"


def test_cli_prints_one_json_object(built: tuple[Any, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli import app

    _, data_dir = built
    monkeypatch.setenv("KB_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    try:
        path = _write(tmp_path / "c.jsonl", COMPLIANCE[:2])
        result = CliRunner().invoke(app, ["eval", str(path), "--json"])
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout.strip().splitlines()[-1])
        assert out["format"] == "compliance" and out["questions"] == 2
        assert {"must_recall@5", "must_recall@10", "hit@5", "mrr@10", "refusal_accuracy"} <= set(out)
        human = CliRunner().invoke(app, ["eval", str(path)])
        assert human.exit_code == 0 and "must_recall@5" in human.stdout
        missing = CliRunner().invoke(app, ["eval", str(tmp_path / "nope.jsonl")])
        assert missing.exit_code == 2
    finally:
        get_settings.cache_clear()


def test_bench_compares_with_the_stock_langchain_pipeline(built: tuple[Any, Path], tmp_path: Path) -> None:
    from kb.bench import QuestionSet, bench_langchain, bench_ours, build_langchain, report

    index, _ = built
    gold = [("广告法", "38", None)]
    sets = [QuestionSet("tiny", [{"question": "广告代言人应当具备什么条件？", "lang": "zh", "as_of": None, "gold": gold}])]
    ours = bench_ours(index, sets, memory_rows=[])
    ensemble, info = build_langchain(index.store, tmp_path / "lc", say=lambda _m: None)
    assert info["chunks"] == index.store.stats()["total"]["chunks"] and "chroma_build_s" in info
    _, again = build_langchain(index.store, tmp_path / "lc", say=lambda _m: None)
    assert "chroma_build_s" not in again  # the embedded store is reused
    theirs = bench_langchain(index, ensemble, sets)
    out = report(ours, theirs, {"generation": index.generation})
    assert out["ours"]["tiny"]["recall@10"] == 1.0
    assert 0.0 <= out["langchain"]["tiny"]["recall@10"] <= 1.0
    assert out["speed_ratio_p50"] > 0 and out["ours_all"]["queries"] == 1
