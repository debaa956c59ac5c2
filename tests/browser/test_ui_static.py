"""The UI is served by the app itself: `/` is the shell, `/static/...` its files, nothing leaves the origin."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.ui import STATIC_DIR
from kb.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = Settings(data_dir=tmp_path_factory.mktemp("empty-data"))
    return TestClient(create_app(settings))


def test_root_serves_the_app_shell_with_a_strict_csp(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/js/app.js">' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp


def test_every_static_file_is_served_with_its_type(client: TestClient) -> None:
    types = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml"}
    files = [p for p in STATIC_DIR.rglob("*") if p.is_file()]
    assert len(files) >= 10
    for path in files:
        rel = path.relative_to(STATIC_DIR).as_posix()
        r = client.get(f"/static/{rel}")
        assert r.status_code == 200, rel
        assert r.headers["content-type"].startswith(types[path.suffix]), rel
        assert r.content == path.read_bytes()


@pytest.mark.parametrize("path", ["/static/../routes/ui.py", "/static/%2e%2e/app.py", "/static/js/nope.js",
                                  "/static/", "/static/.hidden", "/static/js/../../app.py"])
def test_nothing_outside_the_static_folder_is_served(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_static_files_fetch_nothing_from_the_internet() -> None:
    """No CDN: no absolute http(s) URL is loaded by the page (links to official sources come from the server)."""
    for path in STATIC_DIR.rglob("*"):
        if path.suffix not in {".html", ".js", ".css"}:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']https?://""", text), path
        assert not re.search(r"""(import|fetch)\s*\(?\s*["']https?://""", text), path
        assert "@import" not in text and "url(http" not in text, path


def test_no_innerhtml_of_server_text() -> None:
    """Server text reaches the DOM only as text nodes (dom.js); no innerHTML/outerHTML/insertAdjacentHTML."""
    for path in (STATIC_DIR / "js").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", text), path
