"""`kb ask` against the raw/ index and `kb serve` wiring (without starting a server)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from kb.settings import get_settings
from tests.api.conftest import index_settings


@pytest.fixture
def kb_env(qa_index: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    s = index_settings(qa_index)
    monkeypatch.setenv("KB_DATA_DIR", str(s.data_dir))
    monkeypatch.setenv("KB_CORPUS_ROOT", str(s.corpus_root))
    monkeypatch.setenv("KB_CHROMA_URL", s.chroma_url)  # server mode in CI: the index's vectors live there
    monkeypatch.setenv("KB_LLM_BASE_URL", "")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_kb_ask_json(kb_env: None) -> None:
    r = CliRunner().invoke(app, ["ask", "未经同意用明星的脸做面具出售违法吗？", "--json", "--k", "8"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["lang"] == "zh" and any(c["article"] == "1019" for c in body["citations"])


def test_kb_ask_text_and_errors(kb_env: None) -> None:
    r = CliRunner().invoke(app, ["ask", "Is it false advertising to call my mask the most realistic in China?", "--as-of", "2024-01-01"])
    assert r.exit_code == 0 and "Citations:" in r.stdout and "advertising" in r.stdout.lower()
    bad = CliRunner().invoke(app, ["ask", "q", "--k", "100000"])
    assert bad.exit_code == 2 and "bad_request" in bad.output


def test_kb_serve_passes_options_to_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.delenv("KB_EMBEDDING_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: seen.update(target=target, threads=os.environ.get("KB_EMBEDDING_THREADS"), **kw))
    r = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123", "--workers", "2"])
    assert r.exit_code == 0, r.output
    assert seen["target"] == "api.app:create_app" and seen["factory"] is True
    assert (seen["host"], seen["port"], seen["workers"]) == ("127.0.0.1", 8123, 2)
    assert seen["threads"] == "1"  # each of the 2 workers gets one of the 2 cores for its embedding engine
    assert "KB_EMBEDDING_THREADS" not in os.environ  # only for as long as the server runs


def test_kb_ask_reads_a_followup_with_the_history_given(kb_env: None, tmp_path: Any) -> None:
    first = "Can a shop sell lifelike silicone masks copying a famous singer's face without his consent?"
    follow = "and if I only copy his voice?"
    alone = CliRunner().invoke(app, ["ask", follow, "--json"])
    assert alone.exit_code == 0, alone.output
    assert json.loads(alone.stdout)["followup"]["is_followup"] is False  # no history: nothing to read it with

    r = CliRunner().invoke(app, ["ask", follow, "--prev", first, "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["followup"]["is_followup"] is True and body["followup"]["context_from_history"] == first
    assert any(c["article"] == "1023" for c in body["citations"])

    hist = tmp_path / "history.json"
    hist.write_text(json.dumps([{"role": "user", "content": first}, {"role": "assistant", "content": "(an earlier answer)"}]), encoding="utf-8")
    r2 = CliRunner().invoke(app, ["ask", follow, "--history", str(hist), "--json"])
    assert r2.exit_code == 0, r2.output
    body2 = json.loads(r2.stdout)
    assert body2["followup"]["history_turns"] == 2 and body2["followup"]["context_from_history"] == first


def _flat(output: str) -> str:
    """The CLI's output as one line of words: the error panel wraps its message at the terminal's width (where depends
    on the length of the temporary path it names), so a phrase may be split over two lines of the box."""
    return " ".join(output.replace("│", " ").split())


def test_kb_ask_history_errors_are_clear(kb_env: None, tmp_path: Any) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = CliRunner().invoke(app, ["ask", "and his voice?", "--history", str(bad)])
    assert r.exit_code == 2 and "not JSON" in _flat(r.output)
    bad.write_text(json.dumps({"role": "user", "content": "x"}), encoding="utf-8")
    r = CliRunner().invoke(app, ["ask", "and his voice?", "--history", str(bad)])
    assert r.exit_code == 2 and "JSON list" in _flat(r.output)
    bad.write_text(json.dumps([{"role": "system", "content": "x"}]), encoding="utf-8")
    r = CliRunner().invoke(app, ["ask", "and his voice?", "--history", str(bad)])
    assert r.exit_code == 2 and "bad_request" in _flat(r.output) and "role" in _flat(r.output)
    r = CliRunner().invoke(app, ["ask", "and his voice?", "--history", str(tmp_path / "missing.json")])
    assert r.exit_code == 2 and "cannot read" in r.output
