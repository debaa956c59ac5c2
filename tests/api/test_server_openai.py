"""A real uvicorn subprocess on a free loopback port serving the raw/ index; the real `openai` client talks
to /v1/chat/completions (plain and streaming) and httpx to /v1/ask."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from kb.bench import free_port
from kb.settings import REPO_ROOT
from tests.api.conftest import index_settings

Q = "Can I sell a silicone mask copying a celebrity's face without consent?"


@pytest.fixture(scope="module")
def server(qa_index: Any) -> Iterator[str]:
    settings = index_settings(qa_index)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_DATA_DIR": str(settings.data_dir), "KB_CORPUS_ROOT": str(settings.corpus_root), "KB_LLM_BASE_URL": "",
                "KB_CHROMA_URL": settings.chroma_url, "KB_EMBEDDING_MODEL": settings.embedding_model, "HF_HUB_OFFLINE": "1",
                "KB_REQUEST_TIMEOUT": "300"})  # the first request loads the embedding model; slow runners are not hangs
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode(errors="replace") if proc.stderr else "server exited")
            try:
                if httpx.get(f"{base}/v1/models", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("uvicorn did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if proc.stderr:
            proc.stderr.close()


def test_ask_over_real_http(server: str) -> None:
    r = httpx.post(f"{server}/v1/ask", json={"question": Q}, timeout=120)
    assert r.status_code == 200
    assert any(c["article"] == "1019" for c in r.json()["citations"])
    bad = httpx.post(f"{server}/v1/ask", json={"question": "q", "k": 10_000}, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_request"


def test_openai_client_plain(server: str) -> None:
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=120)
    assert {m.id for m in client.models.list()} >= {"likeness-kb"}
    resp = client.chat.completions.create(model="likeness-kb", messages=[{"role": "user", "content": Q}])
    assert "Article 1019" in resp.choices[0].message.content
    citations = resp.model_extra["citations"]
    assert any(c["law"] == "civil-code" and c["article"] == "1019" for c in citations)


def test_openai_client_streaming(server: str) -> None:
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=120)
    stream = client.chat.completions.create(model="likeness-kb", messages=[{"role": "user", "content": "冒用他人肖像做面具卖要负什么责任？"}], stream=True)
    parts, citations = [], None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        if (chunk.model_extra or {}).get("citations"):
            citations = chunk.model_extra["citations"]
    text = "".join(parts)
    assert "《中华人民共和国民法典》" in text and "引用：" in text
    assert citations and all(c["quote"] for c in citations)


def test_openai_client_multi_turn_follow_up(server: str) -> None:
    """The client sends the whole conversation; the follow-up is read with the first question (voice → 1023)."""
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=120)
    messages: list[dict[str, str]] = [{"role": "user", "content": Q}]
    first = client.chat.completions.create(model="likeness-kb", messages=messages)  # type: ignore[arg-type]
    messages += [{"role": "assistant", "content": first.choices[0].message.content or ""},
                 {"role": "user", "content": "what if the mask stays generic and I only imitate her voice in the ads?"}]
    stream = client.chat.completions.create(model="likeness-kb", messages=messages, stream=True)  # type: ignore[arg-type]
    parts, extra = [], {}
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        if (chunk.model_extra or {}).get("citations"):
            extra = chunk.model_extra
    assert extra["followup"]["is_followup"] and extra["followup"]["context_from_history"] == Q
    assert any(c["law"] == "civil-code" and c["article"] == "1023" for c in extra["citations"])
    assert "".join(parts).startswith("(Follow-up:")


def test_openai_client_sees_errors(server: str) -> None:
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=30)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": Q}])


def test_bench_api_against_the_running_server(server: str) -> None:
    from typer.testing import CliRunner

    from cli import app

    r = CliRunner().invoke(app, ["bench", "api", "--base-url", server, "--requests", "4", "--levels", "1,2", "--no-stock"])
    assert r.exit_code == 0, r.output
    rows = [line.split() for line in r.stdout.splitlines() if line.strip() and line.split()[0].isdigit()]
    assert [(row[0], row[2]) for row in rows] == [("1", "0"), ("2", "0")]  # concurrency levels, zero errors
