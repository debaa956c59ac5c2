"""Schemathesis over the app's own OpenAPI document: generated requests (valid and invalid) against every
operation of the real app over a small real index; no response may be a 5xx. Bounded: ``MAX_EXAMPLES`` per
operation (the total is printed in the terminal summary as ``fuzz:`` lines)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from kb.settings import Settings

from .conftest import FUZZ_COUNTS, build_small_index

MAX_EXAMPLES = 25


# The schema is loaded when the module is collected (schemathesis' lazy fixture loader does not work with
# this pytest); the app opens its index lazily, on the first request, after ``small_index`` has built it.
_DATA_DIR = Path(tempfile.mkdtemp(prefix="kb-fuzz-api-")) / "data"
_SETTINGS = Settings(data_dir=_DATA_DIR, rate_limit_per_minute=0)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_SETTINGS))


@pytest.fixture(scope="module", autouse=True)
def small_index() -> Iterator[None]:
    build_small_index(_SETTINGS)
    yield
    shutil.rmtree(_DATA_DIR.parent, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_no_server_errors(case: Any) -> None:
    FUZZ_COUNTS[f"api {case.method} {case.path}"] += 1
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
