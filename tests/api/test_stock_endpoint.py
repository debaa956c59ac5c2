"""The stock endpoint `kb bench api` compares /v1/ask with (api.stock): LangChain EnsembleRetriever (BM25Retriever +
Chroma with the bundled MiniLM) over a small real index's chunks and a stuff-documents prompt, no LLM. It answers
with the prompt and the article ids it stuffed; `kb bench api` serves it beside ours and prints both and the ratio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.stock import create_stock_app
from kb.settings import get_settings
from tests.retrieval_fixtures import build_small_index


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    if not (get_settings().corpus_root / "raw").is_dir():
        pytest.skip("corpus not available")
    data_dir = tmp_path_factory.mktemp("stock") / "data"
    index = build_small_index(data_dir)
    yield index, data_dir
    index.close()


def test_stock_endpoint_answers_with_a_stuffed_prompt_and_its_sources(small: tuple[Any, Path]) -> None:
    index, data_dir = small
    settings = get_settings().model_copy(update={"data_dir": data_dir})
    client = TestClient(create_stock_app(settings, store=index.store))
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["chunks"] == index.store.stats()["total"]["chunks"] > 0
    assert (data_dir / "bench" / "langchain").is_dir()  # its Chroma store, kept for the next start

    question = "广告代言人应当具备什么条件？"
    r = client.post("/ask", json={"question": question})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["sources"] and body["documents"] >= len(body["sources"])
    articles = index.store.articles_by_ids(body["sources"])
    assert set(articles) == set(body["sources"])  # every source is an article of the index
    # the prompt is the template's, with the question and the retrieved provisions' text stuffed in
    assert body["prompt"].startswith("System: You are a legal assistant") and body["prompt"].rstrip().endswith(question)
    first = articles[body["sources"][0]]
    assert (first.text_zh or first.text_en or "")[:20] in body["prompt"]
    assert any(a.law_id == "advertising-law" for a in articles.values())

    assert client.post("/ask", json={"question": ""}).status_code == 422


def _bench_api(small: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    """`kb bench api --generic ARGS` over the small index (no LLM)."""
    from cli import app

    _, data_dir = small
    monkeypatch.setenv("KB_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KB_LLM_BASE_URL", "")
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["bench", "api", "--generic", *args])
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    return r


def test_bench_api_measures_ours_and_the_stock_endpoint(small: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    r = _bench_api(small, monkeypatch, "--requests", "4", "--levels", "1,2")
    assert "stock LangChain /ask" in r.stdout
    rows = [line.split() for line in r.stdout.splitlines() if line.strip() and line.split()[0].isdigit()]
    assert [row[0] for row in rows] == ["1", "2"]
    for row in rows:
        ours_err, stock_err = row[2], row[row.index("|") + 1]
        assert ours_err == "0" and stock_err == "0"
        p50_ratio, p95_ratio, rps_ratio = (float(x) for x in row[-3:])
        assert p50_ratio > 0 and p95_ratio > 0 and rps_ratio > 0


def test_bench_api_prints_json_when_asked(small: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    r = _bench_api(small, monkeypatch, "--requests", "2", "--levels", "1", "--no-stock", "--json")
    report = json.loads(r.stdout)
    assert report["workers"] == 1 and [lv["concurrency"] for lv in report["levels"]] == [1]
    ours = report["levels"][0]["ours"]
    assert ours["errors"] == 0 and ours["p50_ms"] > 0 and ours["rps"] > 0
    assert "stock" not in report["levels"][0]  # --no-stock
