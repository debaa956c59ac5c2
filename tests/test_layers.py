"""The layering contract in pyproject.toml ([tool.importlinter]): cli > api > ingest > kb, imports inside
functions included. `lint-imports` reads this checkout (PYTHONPATH first), not an installed copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> str:
    beside = Path(sys.executable).parent / "lint-imports"
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    if not found:
        pytest.fail("lint-imports is not installed: `pip install -e '.[test]'` (import-linter is in the test extras)")
    return found


def test_import_contract_is_kept() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Layers: cli > api > ingest > kb KEPT" in proc.stdout
    assert "0 broken" in proc.stdout


def test_kb_imports_nothing_above_it() -> None:
    """The bottom layer loads alone: importing kb's modules pulls in none of ingest, api or cli."""
    code = (
        "import importlib, pkgutil, sys, kb\n"
        "for m in pkgutil.walk_packages(kb.__path__, 'kb.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('ingest', 'api', 'cli'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
