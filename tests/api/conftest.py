"""Fixtures for the Q&A service tests: the app over the session's real raw/ index (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kb.settings import Settings


def index_settings(index: Any) -> Settings:
    """The settings the shared raw_index was built with (its data_dir holds the CURRENT generation)."""
    s = getattr(index, "settings", None)
    if s is None:
        raise RuntimeError("raw_index exposes no settings")
    return s


@pytest.fixture(scope="session")
def qa_index(raw_index: Any) -> Any:
    """The shared session raw/ index (tests/conftest.py), read-only."""
    return raw_index


@pytest.fixture(scope="session")
def api_settings(qa_index: Any) -> Settings:
    # A threshold of 0 would never refuse; keep the calibrated one, but pin the limits the tests rely on.
    return index_settings(qa_index).model_copy(update={"max_question_chars": 500, "max_k": 20, "llm_base_url": ""})


@pytest.fixture(scope="session")
def client(qa_index: Any, api_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings, index=qa_index), raise_server_exceptions=False) as c:
        yield c


def assert_envelope(resp: Any, status: int, code: str | None = None) -> dict:
    """The one error shape: {"error": {"code", "message", "details"?, "request_id"?}} and nothing else."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert isinstance(err["code"], str) and isinstance(err["message"], str) and err["message"]
    assert set(err) <= {"code", "message", "details", "request_id"}
    assert "Traceback" not in resp.text and "/work/" not in resp.text
    if code:
        assert err["code"] == code
    return err
