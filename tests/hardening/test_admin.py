"""Admin ingest over HTTP: real uploads build real generations with the real pipeline; bad files are refused
with a clear 4xx before any build, and the served generation never changes because of them."""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import uploads
from api.app import create_app
from kb.generations import current_generation
from kb.settings import Settings

from .conftest import SMALL_FILES, corpus_file

ADMIN = {"Authorization": "Bearer admin-secret"}
ADS_MD = "raw/cn/advertising-law/中华人民共和国广告法_20210429_ff8081817ab231eb017abd6bd860052d.md"
PQL_DOCX = "raw/cn/product-quality-law/中华人民共和国产品质量法_20181229_ff8080816f135f46016f1d6dfd7614d3.docx"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small index, its files held as earlier uploads (so each upload build = layer "none" + all uploads)."""
    from ingest.pipeline import ingest_files
    from ingest.uploads import stored_uploads

    settings = Settings(data_dir=tmp_path_factory.mktemp("admin") / "data")
    for rel, meta in SMALL_FILES:
        stored = uploads.store(corpus_file(rel).read_bytes(), Path(rel).name, settings)
        uploads.write_sidecar(stored, {**meta, "name": stored.path.name})
    report = ingest_files(settings, stored_uploads(settings), layer="none")
    assert report.generation and not report.failures, report.message
    return settings.data_dir


@pytest.fixture
def settings(built: Path, tmp_path: Path) -> Settings:
    target = tmp_path / "data"
    shutil.copytree(built, target)
    return Settings(data_dir=target, admin_keys="admin-secret", max_upload_bytes=2_000_000)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), raise_server_exceptions=False)


def upload(client: TestClient, data: bytes, name: str, *, wait: bool = True, **form: str):
    fields = {"title_zh": "测试法", "law_id": "test-law", "effective_from": "2021-01-01", **form}
    return client.post("/v1/admin/laws", params={"wait": str(wait).lower()}, headers=ADMIN,
                       files={"file": (name, data, "application/octet-stream")}, data=fields)


def stored_files(settings: Settings) -> list[str]:
    folder = settings.data_dir / "uploads"
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []


def test_upload_builds_a_new_generation_and_serves_it(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    before = current_generation(settings)
    seeded = stored_files(settings)
    assert client.get("/v1/laws/advertising-law").status_code == 404

    evil_name = "../../../../evil/../广告法 (copy).md"
    response = upload(client, corpus_file(ADS_MD).read_bytes(), evil_name, title_zh="中华人民共和国广告法",
                      law_id="advertising-law", effective_from="2021-04-29", instrument="law", topics="advertising")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["job"]["status"] == "succeeded", body
    assert body["upload"]["kind"] == "md" and body["articles_parsed"] > 50
    assert body["upload"]["original_name"] == "广告法 (copy).md"
    assert "path" not in body["upload"] and str(settings.data_dir) not in response.text
    new_gen = body["job"]["generation"]
    assert new_gen and new_gen != before and current_generation(settings) == new_gen

    # The client's file name was never a path: the file sits under a generated name, nothing escaped.
    names = sorted(set(stored_files(settings)) - set(seeded))
    assert len([n for n in names if n.endswith(".md")]) == 1 and len(names) == 2  # the file and its metadata
    assert all("广告" not in n and "evil" not in n for n in names)
    assert not any(p.name == "evil" for p in tmp_path.rglob("evil"))

    # The same app (no restart) serves the new generation: the new law, and the old ones still.
    article = client.get("/v1/laws/advertising-law/articles/28")
    assert article.status_code == 200, article.text
    assert "虚假广告" in article.text
    assert client.get("/v1/laws/anti-unfair-competition-law/articles/9").status_code == 200
    ready = client.get("/readyz").json()
    assert ready["generation"] == new_gen

    listing = client.get("/v1/admin/generations", headers=ADMIN).json()
    assert listing["current"] == new_gen
    assert {g["id"] for g in listing["generations"]} >= {before, new_gen}


def test_background_upload_keeps_earlier_uploads(client: TestClient, settings: Settings) -> None:
    first = upload(client, corpus_file(ADS_MD).read_bytes(), "ads.md", title_zh="中华人民共和国广告法",
                   law_id="advertising-law", effective_from="2021-04-29")
    assert first.json()["job"]["status"] == "succeeded", first.text

    # A Word file, sent without a helpful name or extension: the type comes from the content.
    response = upload(client, corpus_file(PQL_DOCX).read_bytes(), "blob", wait=False, title_zh="中华人民共和国产品质量法",
                      law_id="product-quality-law", effective_from="2018-12-29")
    assert response.status_code == 202, response.text
    job = response.json()["job"]
    assert response.json()["upload"]["kind"] == "docx"
    deadline = time.monotonic() + 600
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = client.get(f"/v1/admin/jobs/{job['job_id']}", headers=ADMIN).json()
    assert job["status"] == "succeeded", job
    assert current_generation(settings) == job["generation"]
    assert client.get("/v1/laws/product-quality-law/articles/1").status_code == 200
    assert client.get("/v1/laws/advertising-law/articles/28").status_code == 200, "the earlier upload was kept"
    assert client.get("/v1/admin/jobs/doesnotexist", headers=ADMIN).status_code == 404


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b"0" * 20_000_000 + b"</w:document>")
    return out.getvalue()


def _zip_not_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (_encrypted_pdf(), "law.pdf", 422, "encrypted_file"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated", "law.pdf", 422, "corrupt_file"),
        (_docx_bomb(), "law.docx", 413, "decompression_bomb"),
        (b"PK\x03\x04" + b"\x00" * 200, "law.docx", 422, "corrupt_file"),
        (_zip_not_docx(), "law.docx", 415, "unsupported_format"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "law.md", 415, "unsupported_format"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "law.txt", 415, "unsupported_format"),
        (b"", "law.md", 422, "empty_file"),
        ("只是一段文字，没有任何条文。\n".encode() * 5, "law.txt", 422, "no_articles"),
        (b"\xff\xfe\xfa" * 100, "law.txt", 422, "undecodable_text"),
        (b"# A\n\n" + "第一条 内容。\n".encode() * 200_000, "law.md", 413, "input_too_large"),
    ],
    ids=["encrypted-pdf", "malformed-pdf", "docx-bomb", "broken-zip", "zip-not-word", "elf", "png", "empty",
         "no-articles", "undecodable", "too-large"],
)
def test_bad_uploads_are_refused_before_any_build(client: TestClient, settings: Settings, data: bytes, name: str,
                                                  status: int, code: str) -> None:
    before = current_generation(settings)
    seeded = stored_files(settings)
    response = upload(client, data, name)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"] and "Traceback" not in response.text and str(settings.data_dir) not in response.text
    assert current_generation(settings) == before
    assert stored_files(settings) == seeded, "a refused file is not kept"
    assert not (settings.data_dir / "uploads" / "jobs").exists(), "no build was started"


def test_metadata_is_validated(client: TestClient) -> None:
    data = corpus_file(ADS_MD).read_bytes()
    assert upload(client, data, "a.md", effective_from="yesterday").status_code == 422
    assert upload(client, data, "a.md", instrument="decree-of-heaven").status_code == 400
    assert upload(client, data, "a.md", law_id="../../etc").status_code == 422


def test_reload_reopens_current(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/admin/reload", headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.json()["generation"] == current_generation(settings)


@pytest.mark.parametrize("reload_fails", [False, True])
def test_a_background_job_reads_succeeded_only_once_the_new_generation_is_served(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reload_fails: bool) -> None:
    """A client polls the job and asks at once when it reads "succeeded": the served index must have switched by
    then. The child here is a real process that prints the summary a finished build prints."""
    from api import admin_jobs

    monkeypatch.setattr(admin_jobs, "CLI", "import json; print(json.dumps({'generation': 'g-new', 'previous_generation': 'g-old'}))")
    seen: list[str] = []
    manager: admin_jobs.JobManager

    def on_success() -> None:  # what the app does here: reopen the index at the new CURRENT
        seen.append(manager.get(job_id)["status"])
        if reload_fails:
            raise RuntimeError("cannot open")

    manager = admin_jobs.JobManager(Settings(data_dir=tmp_path), on_success=on_success)
    job = manager.submit([(tmp_path / "law.md", {"law_id": "x"})], wait=False)
    job_id = job["job_id"]
    deadline = time.monotonic() + 60
    while manager.get(job_id)["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    done = manager.get(job_id)
    assert seen == ["running"], "the job read succeeded before the served index switched"
    assert done["status"] == "succeeded" and done["generation"] == "g-new"
    assert done.get("served", True) is (not reload_fails)
