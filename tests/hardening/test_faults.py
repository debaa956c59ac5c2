"""Faults: an ingest killed with SIGKILL midway, and damaged index files.

The promise under test: readers see the previous generation, complete and unchanged, until a new one is
fully built and switched; a damaged generation is refused with 503 ``index_corrupt``, never half-answered."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from kb.generations import current_generation, file_checksums, generation_dir, read_generation_manifest
from kb.settings import REPO_ROOT, Settings

from .conftest import AUCL, SMALL_FILES, build_small_index, child_env, corpus_file

QUERIES = ("商业秘密", "虚假宣传 商品", "Article 4 fraud")
ARTICLES = (("anti-unfair-competition-law", "9"), ("anti-unfair-competition-law", "32"), ("criminal-law-amendment-xii", "1"))


def snapshot(settings: Settings) -> dict[str, Any]:
    """What a client sees: search hits, article texts, and the served generation."""
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    out: dict[str, Any] = {"ready": client.get("/readyz").json()}
    for query in QUERIES:
        response = client.post("/v1/search", json={"query": query, "k": 5})
        assert response.status_code == 200, response.text
        out[f"search:{query}"] = [(h["law"], h["article"], round(h["score"], 6)) for h in response.json()["hits"]]
    for law, key in ARTICLES:
        response = client.get(f"/v1/laws/{law}/articles/{key}")
        assert response.status_code == 200, response.text
        body = response.json()
        out[f"article:{law}:{key}"] = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small real index per module; tests work on copies."""
    data_dir = tmp_path_factory.mktemp("faults") / "data"
    build_small_index(Settings(data_dir=data_dir))
    return data_dir


def copy_index(built: Path, tmp_path: Path) -> Settings:
    target = tmp_path / "data"
    shutil.copytree(built, target)
    return Settings(data_dir=target)


# -------------------------------------------------------------------------------------- killed ingest
_CRASHY_INGEST = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from kb.settings import get_settings
    from ingest.pipeline import SourceFile, ingest_files
    import ingest.pipeline as pipeline

    marker, stage = Path(sys.argv[1]), sys.argv[2]
    pipeline.POOL_MIN_FILES = int(os.environ.get("POOL_MIN_FILES", pipeline.POOL_MIN_FILES))  # a pool for a few files
    files = [(Path(p), m) for p, m in json.loads(sys.argv[3])]
    real_run = pipeline.run_ingest

    def hook(name):
        if name == stage:
            marker.write_text(name)
            time.sleep(600)  # parked midway until the test kills us with SIGKILL

    def run_with_hook(settings, **kw):
        kw["hook"] = hook
        return real_run(settings, **kw)

    pipeline.run_ingest = run_with_hook
    ingest_files(get_settings(), files, layer="none")
    """
)


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _survivors(procs: list[psutil.Process], wait: float = 15.0) -> list[str]:
    """The processes of ``procs`` still running after ``wait`` seconds (zombies count as gone)."""
    deadline = time.monotonic() + wait
    while True:
        alive = []
        for p in procs:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return [f"{p.pid} {' '.join(p.cmdline())[:120]}" for p in alive]
        time.sleep(0.2)


def test_sigkill_of_ingest_leaves_no_pool_workers(tmp_path: Path) -> None:
    """`kill -9` of an ingest while its parse pool (forkserver + workers) is up: none of them survives it."""
    settings = Settings(data_dir=tmp_path / "data")
    files = [(str(corpus_file(rel)), meta) for rel, meta in SMALL_FILES]
    marker, log = tmp_path / "parked", tmp_path / "ingest.log"
    with log.open("wb") as log_fh:  # a file, not a pipe: a surviving child holding a pipe would hang the test
        proc = subprocess.Popen([sys.executable, "-c", _CRASHY_INGEST, str(marker), "parsed", json.dumps(files, ensure_ascii=False)],
                                cwd=REPO_ROOT, env=child_env(settings, POOL_MIN_FILES="1"), stdout=log_fh, stderr=log_fh,
                                start_new_session=True)
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the ingest never reached the stage"
            time.sleep(0.2)
        children = _descendants(proc.pid)
        pool = [p for p in children if "multiprocessing.forkserver" in " ".join(p.cmdline())]
        assert len(pool) >= 2, f"the forkserver and a worker are up while parked: {[p.cmdline() for p in children]}"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    try:
        assert _survivors(children) == [], "processes of the killed ingest kept running"
    finally:
        for p in children:  # never leave them behind, even when the assertion fails
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass


@pytest.mark.parametrize("stage", ["stored", "embedding", "before-switch"])
def test_sigkill_midway_keeps_previous_generation(built: Path, tmp_path: Path, stage: str) -> None:
    settings = copy_index(built, tmp_path)
    before_gen = current_generation(settings)
    gdir = generation_dir(settings, before_gen)
    before_files = file_checksums(gdir)
    before_view = snapshot(settings)

    # A new build (the same laws + one more version) parked at `stage`, then SIGKILL.
    extra = [(str(corpus_file(rel)), meta) for rel, meta in SMALL_FILES]
    extra.append((str(corpus_file(AUCL[0].replace("20190423_ff8080816f135f46016f2169de9b1ace", "20250627_ff808181971552b40197b1016efc5437"))),
                  {**AUCL[1], "effective_from": "2025-10-15"}))
    marker = tmp_path / "parked"
    proc = subprocess.Popen([sys.executable, "-c", _CRASHY_INGEST, str(marker), stage, json.dumps(extra, ensure_ascii=False)],
                            cwd=REPO_ROOT, env=child_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()[1].decode(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the ingest never reached the stage"
            time.sleep(0.2)
        half_built = [p.name for p in settings.generations_dir.iterdir() if p.name != before_gen]
        assert half_built, "the killed build had started a new generation directory"
        children = _descendants(proc.pid)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert _survivors(children) == [], "processes of the killed ingest kept running"

    # The served generation: same pointer, same files byte for byte, same answers.
    assert current_generation(settings) == before_gen
    assert file_checksums(gdir) == before_files
    assert read_generation_manifest(gdir)["files"] == before_files
    assert snapshot(settings) == before_view

    # The lock died with the process: the next ingest completes, switches, and serves the new version.
    report = build_small_index(settings, tuple((str(corpus_file(rel)), meta) for rel, meta in SMALL_FILES[:1])
                               + ((extra[-1][0], extra[-1][1]),))
    assert report.generation != before_gen and current_generation(settings) == report.generation
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    versions = client.get("/v1/laws/anti-unfair-competition-law").json()["versions"]
    assert any(v["effective_from"] == "2025-10-15" for v in versions)
    assert not set(half_built) & {p.name for p in settings.generations_dir.iterdir()}, "half-built generation was cleaned up"


# -------------------------------------------------------------------------------------- damaged files
def _truncate(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.truncate(max(path.stat().st_size // 2, 1))


def _scribble(path: Path) -> None:
    """Same size, garbage content (a torn write or bit rot that a size check cannot see)."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 4)
        fh.write(os.urandom(max(size // 2, 1)))


def _damage(settings: Settings, what: str) -> None:
    gdir = generation_dir(settings, current_generation(settings))
    if what == "truncate-store":
        _truncate(gdir / "store.sqlite")
    elif what == "truncate-lexical":
        _truncate(gdir / "lexical" / "zh" / "data.csc.index.npy")
    elif what == "scribble-lexical-vocab":
        _scribble(gdir / "lexical" / "zh" / "vocab.index.json")
    elif what == "scribble-store":
        _scribble(gdir / "store.sqlite")
    elif what == "delete-manifest":
        (gdir / "manifest.json").unlink()
    elif what == "missing-generation":
        shutil.rmtree(gdir)
    elif what == "drop-vectors":
        from kb.vectors import chroma_client, drop_generation_vectors

        drop_generation_vectors(chroma_client(settings), gdir.name)
    else:  # pragma: no cover
        raise AssertionError(what)


@pytest.mark.parametrize(
    "what",
    ["truncate-store", "truncate-lexical", "scribble-lexical-vocab", "scribble-store", "delete-manifest",
     "missing-generation", "drop-vectors"],
)
def test_damaged_index_is_refused_not_misread(built: Path, tmp_path: Path, what: str) -> None:
    settings = copy_index(built, tmp_path)
    _damage(settings, what)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    ready = client.get("/readyz")
    assert ready.status_code == 503, ready.text
    assert ready.json()["error"]["code"] == "index_corrupt"
    assert ready.json()["error"]["details"]["component"] == "index"
    for response in (
        client.post("/v1/search", json={"query": "商业秘密"}),
        client.get("/v1/laws/anti-unfair-competition-law/articles/9"),
        client.post("/v1/ask", json={"question": "侵犯商业秘密的行为有哪些？"}),
    ):
        assert response.status_code == 503, (what, response.status_code, response.text[:300])
        body = response.json()
        assert body["error"]["code"] == "index_corrupt"
        assert str(settings.data_dir) not in response.text and "Traceback" not in response.text
    assert "kb_index_ready 0.0" in client.get("/metrics").text
