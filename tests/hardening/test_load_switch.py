"""`kb bench load --publish`: concurrent clients against a real uvicorn (2 workers) while `kb ingest --force` publishes
a new generation. Every request succeeds, each is answered by one generation (X-KB-Generation), the old one
until the switch and the new one after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ingest.pipeline import run_ingest
from kb.generations import current_generation
from tests.conftest import make_small_corpus

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_load_while_a_new_generation_is_published(tmp_path: Path) -> None:
    settings = make_small_corpus(tmp_path)
    first = run_ingest(settings, layer="raw").generation
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_DATA_DIR": str(settings.data_dir), "KB_CORPUS_ROOT": str(settings.corpus_root),
                "KB_MANIFEST_PATH": str(settings.manifest_path), "KB_VECTOR_CACHE_DIR": str(settings.vector_cache_path),
                "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "KB_REQUEST_TIMEOUT": "300"})
    out = tmp_path / "load.json"
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "bench", "load", "--duration", "3", "--concurrency", "8", "--workers", "2",
         "--publish", "--publish-limit", "600", "--out", str(out)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    second = current_generation(settings)
    assert second and second != first
    assert figures["publish"]["returncode"] == 0
    everything = figures["by_kind"]["all"]
    assert everything["requests"] > 0 and everything["errors"] == 0, (figures["by_kind"], proc.stdout[-2000:])
    served = [row["generation"] for row in figures["generations"]]
    assert served == [first, second], figures["generations"]
    old, new = figures["generations"]
    assert old["first_s"] <= new["first_s"] and new["requests"] > 0
    assert sum(row["requests"] for row in figures["generations"]) == everything["requests"]
