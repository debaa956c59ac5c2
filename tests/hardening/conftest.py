"""Fixtures for the hardening tests: a small real index (two statutes from raw/, zh + en, built by the real
pipeline into a temp data dir), a real `chroma run` server, and a real uvicorn API process on loopback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kb.bench import free_port
from kb.settings import REPO_ROOT, Settings, get_settings

PY = sys.executable
CHROMA_SCRIPT = REPO_ROOT / "scripts" / "chroma-server.sh"

AUCL = ("raw/cn/anti-unfair-competition-law/中华人民共和国反不正当竞争法_20190423_ff8080816f135f46016f2169de9b1ace.md",
        {"law_id": "anti-unfair-competition-law", "title_zh": "中华人民共和国反不正当竞争法", "effective_from": "2019-04-23",
         "instrument": "law", "short_names": ["反不正当竞争法"]})
_AMEND = {"law_id": "criminal-law-amendment-xii", "title_zh": "中华人民共和国刑法修正案（十二）",
          "title_en": "Amendment XII to the Criminal Law", "effective_from": "2024-03-01", "instrument": "amendment"}
AMEND_ZH = ("raw/cn/criminal-law/中华人民共和国刑法修正案（十二）_20231229_ff8081818c3ce31f018cb6a6bc412f55.md", _AMEND)
AMEND_EN = ("raw/cn/criminal-law/criminal-law-amendment-xii.en.md", {**_AMEND, "language": "en"})
SMALL_FILES = (AUCL, AMEND_ZH, AMEND_EN)


def corpus_file(rel: str) -> Path:
    path = get_settings().corpus_root / rel
    if not path.is_file():
        pytest.skip(f"corpus file {rel} not available")
    return path


def build_small_index(settings: Settings, files: tuple[tuple[str, dict[str, Any]], ...] = SMALL_FILES) -> Any:
    """A real generation from a few real statute files (layer "none": only these files)."""
    from ingest.pipeline import ingest_files

    report = ingest_files(settings, [(corpus_file(rel), dict(meta)) for rel, meta in files], layer="none")
    assert report.generation, report.message
    return report


def small_settings(data_dir: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=data_dir, **overrides)


def child_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_DATA_DIR": str(settings.data_dir), "KB_CORPUS_ROOT": str(settings.corpus_root),
                "KB_CHROMA_URL": settings.chroma_url, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "ANONYMIZED_TELEMETRY": "False", "KB_LOG_LEVEL": "WARNING",
                "KB_REQUEST_TIMEOUT": "300"})  # a worker's first search loads the embedding model; slow runners are not hangs
    env.update(extra)
    return env


def wait_http(url: str, *, timeout: float = 120.0, ok: tuple[int, ...] = (200,)) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = httpx.get(url, timeout=5)
            if last.status_code in ok:
                return last
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer {ok} in time (last: {last!r})")


class ApiServer:
    """`uvicorn api.app:create_app --factory` in a child process on a free loopback port."""

    def __init__(self, settings: Settings, *, workers: int = 1, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [PY, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(self.port),
               "--workers", str(workers), "--log-level", "warning"]
        self.log = settings.data_dir / f"uvicorn-{self.port}.log"
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._log_handle = self.log.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env(settings, **env), stdout=self._log_handle,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_http(self.url + "/healthz", timeout=180)
        except AssertionError:
            self.stop()
            raise AssertionError("API server did not start:\n" + self.log.read_text(errors="replace")[-3000:]) from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the workers go too, nothing else
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log_handle.close()


class ChromaServer:
    """A real `chroma run` on loopback, through scripts/chroma-server.sh (stop/start keep the same port and data)."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        out = subprocess.run(["bash", str(CHROMA_SCRIPT), "start", str(self.folder), str(self.port)],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    def stop(self) -> None:
        subprocess.run(["bash", str(CHROMA_SCRIPT), "stop", str(self.folder)], capture_output=True, timeout=60)


def chroma_available() -> bool:
    return (REPO_ROOT / ".venv" / "bin" / "chroma").exists() or shutil.which("chroma") is not None


@pytest.fixture(scope="session")
def chroma_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """KB_TEST_CHROMA_URL when CI provides one; else a server started here; else skip."""
    url = os.environ.get("KB_TEST_CHROMA_URL", "").strip()
    if url:
        wait_http(url.rstrip("/") + "/api/v2/heartbeat", timeout=60)
        yield url
        return
    if not chroma_available():
        pytest.skip("no KB_TEST_CHROMA_URL and no `chroma` executable")
    server = ChromaServer(tmp_path_factory.mktemp("chroma-shared"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def own_chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A private server this test may stop and restart (never the shared one)."""
    if not chroma_available():
        pytest.skip("no `chroma` executable")
    server = ChromaServer(tmp_path / "chroma")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ------------------------------------------------------------------------------------------ fuzz counts
FUZZ_COUNTS: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how many generated cases each fuzz target ran (the figure the hardening report quotes)."""
    if not FUZZ_COUNTS:
        return
    terminalreporter.section("fuzz cases")
    probes = {n: c for n, c in FUZZ_COUNTS.items() if n.startswith("api ") and c == 1}  # unsupported-method probes
    for name, count in sorted(FUZZ_COUNTS.items()):
        if name not in probes:
            terminalreporter.write_line(f"fuzz: {count:6d}  {name}")
    if probes:
        terminalreporter.write_line(f"fuzz: {len(probes):6d}  api single-case probes (undeclared methods)")
    terminalreporter.write_line(f"fuzz: {sum(FUZZ_COUNTS.values()):6d}  total")
