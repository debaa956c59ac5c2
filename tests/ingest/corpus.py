"""Shared helpers for the tests that read the real statute files (skipped when the corpus is absent)."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ingest.loaders import LoadedText, load_file
from ingest.model import ParsedDocument
from ingest.parse import parse_loaded
from kb.settings import get_settings


def corpus_root() -> Path:
    return Path(get_settings().corpus_root)


@cache
def manifest_files() -> list[dict[str, Any]]:
    path = corpus_root() / "manifest.json"
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["files"])


def require_corpus() -> Path:
    root = corpus_root()
    if not (root / "manifest.json").is_file():
        pytest.skip(f"corpus not found under {root}")
    return root


@cache
def loaded(rel_path: str) -> LoadedText:
    """Load a corpus file once per test session (the PDFs take seconds)."""
    return load_file(corpus_root() / rel_path)


@cache
def parsed(rel_path: str) -> ParsedDocument:
    return parse_loaded(loaded(rel_path))


def find(law_id: str, fmt: str, language: str = "zh", *, contains: str = "") -> str:
    for rec in manifest_files():
        if rec["law_id"] == law_id and rec["format"] == fmt and rec["language"] == language and contains in rec["path"]:
            return str(rec["path"])
    pytest.skip(f"no {fmt} file for {law_id} in the manifest")
    raise AssertionError  # unreachable


_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Compare texts across formats: no white space, and NFKC so that a source's ASCII ':' / ';' or a
    PDF's full-width '．' count as the same punctuation (these are differences in the source files)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))
