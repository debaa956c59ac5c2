"""Settings that shape the server's processes."""

from __future__ import annotations

import os

import pytest

from kb.settings import Settings


def test_each_worker_gets_its_share_of_the_cores_for_the_embedding_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KB_EMBEDDING_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    s = Settings()
    assert s.worker_env(2) == {"KB_EMBEDDING_THREADS": "2"}
    assert s.worker_env(8) == {"KB_EMBEDDING_THREADS": "1"}  # never fewer than one
    assert s.worker_env(1) == {}  # one worker keeps the engine's default (one thread per core)


def test_an_explicit_thread_count_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_EMBEDDING_THREADS", "3")
    assert Settings().worker_env(2) == {}
    monkeypatch.delenv("KB_EMBEDDING_THREADS")
    assert Settings(embedding_threads=2).worker_env(2) == {}
