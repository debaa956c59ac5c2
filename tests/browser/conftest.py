"""Browser fixtures: the real app served by uvicorn on a free loopback port over the session's raw/ index
(the `raw_index` fixture of tests/conftest.py), driven by Debian's chromium through Playwright.
Screenshots go to artifacts/screenshots/ (CI keeps the folder)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from kb.bench import free_port
from kb.settings import REPO_ROOT, Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
STARTUP_SECONDS = 180  # a bound on how long we wait for the server, not an assertion on speed


def settings_env(settings: Settings) -> dict[str, str]:
    """The index's settings as KB_* variables, so the server process opens exactly that index."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        env[f"KB_{name.upper()}"] = str(value)
    return env


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-5000:]


@pytest.fixture(scope="session")
def live_server(raw_index: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from _serve(raw_index.settings, tmp_path_factory)


@pytest.fixture(scope="session")
def lineage_server(lineage_index: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app over the small lineage index (tests/conftest.py ``lineage_index``)."""
    yield from _serve(lineage_index.settings, tmp_path_factory)


def _serve(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = free_port()
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    env = {**os.environ, **settings_env(settings), "KB_LOG_LEVEL": "WARNING", "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "KB_RATE_LIMIT_PER_MINUTE": "0",
           # a cold worker loads the embedding model inside the first request: not a hang on a loaded runner
           "KB_REQUEST_TIMEOUT": "300"}
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", proc, log_path)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"uvicorn exited with {proc.returncode}:\n{server.log()}")
            try:
                # The index is opened lazily; /v1/laws answering means the app and the index are up.
                r = httpx.get(f"{server.url}/v1/laws", params={"limit": 1}, timeout=60)
            except httpx.HTTPError:
                r = None
            if r is not None and r.status_code == 200:
                break
            if r is not None:
                pytest.fail(f"the app cannot serve the index: {r.status_code} {r.text}\n{server.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not come up:\n{server.log()}")
            time.sleep(0.3)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install-browser` (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # expect() has its own 5 s default; a loaded runner renders slower

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Tab:
    """A page plus everything it logged as an error (console errors, uncaught exceptions, failed requests)."""

    page: Any
    base_url: str
    viewport: str
    errors: list[str] = field(default_factory=list)

    def goto(self, hash_route: str) -> None:
        self.page.goto(f"{self.base_url}/{hash_route}")

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.viewport}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def set_as_of(self, value: str) -> None:
        """Type into the global "as of" date picker as a person would and commit it."""
        box = self.page.locator("#asof")
        box.fill(value)
        box.dispatch_event("change")

    def assert_clean(self) -> None:
        assert self.errors == [], "browser reported errors:\n" + "\n".join(self.errors)

    def assert_fits_width(self) -> None:
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the {self.viewport} viewport"


def _tab(browser: Any, live_server: LiveServer, viewport: str, locale: str = "en-US") -> Iterator[Tab]:
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=locale, accept_downloads=True,
                                  is_mobile=viewport == "phone", has_touch=viewport == "phone")
    context.set_default_timeout(60_000)
    page = context.new_page()
    tab = Tab(page, live_server.url, viewport)
    page.on("console", lambda m: tab.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.errors.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: tab.errors.append(f"requestfailed: {r.url} {r.failure}")
            if not r.url.startswith("blob:") else None)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def laptop(browser: Any, live_server: LiveServer) -> Iterator[Tab]:
    yield from _tab(browser, live_server, "laptop")


@pytest.fixture
def lineage_laptop(browser: Any, lineage_server: LiveServer) -> Iterator[Tab]:
    yield from _tab(browser, lineage_server, "laptop")


@pytest.fixture
def phone(browser: Any, live_server: LiveServer) -> Iterator[Tab]:
    yield from _tab(browser, live_server, "phone")


@pytest.fixture
def zh_laptop(browser: Any, live_server: LiveServer) -> Iterator[Tab]:
    yield from _tab(browser, live_server, "laptop", locale="zh-CN")
