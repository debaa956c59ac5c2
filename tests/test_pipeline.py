"""The ingest pipeline on a private copy of three small real laws (tests/conftest.py ``small_corpus``):
incremental re-ingest, a changed file replacing exactly its articles, per-file failures, --strict,
uploaded extra files, and the CLI verbs over the result."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.pipeline import IngestFailed, ingest_files, run_ingest
from kb.generations import current_generation
from kb.index import open_index
from kb.settings import Settings, get_settings

MENTAL = "spc-mental-damages-interpretation"
AMEND = "criminal-law-amendment-xii"


def _hashes(settings: Settings) -> dict[str, str]:
    index = open_index(settings)
    try:
        return dict(index.store._q("SELECT article_id, content_hash FROM articles"))
    finally:
        index.close()


def _file_of(settings: Settings, law_id: str, suffix: str) -> Path:
    """The indexed file of ``law_id`` ending in ``suffix``, in the test's private corpus copy."""
    from ingest.manifest import load_manifest

    entry = next(e for e in load_manifest(settings.manifest_path).indexable() if e.law_id == law_id and e.path.endswith(suffix))
    return settings.corpus_root / entry.path


def test_first_ingest_builds_and_second_changes_nothing(small_corpus: Settings) -> None:
    first = run_ingest(small_corpus)
    assert first.status == "built" and first.failures == []
    assert first.counts["laws"] == 3 and len(first.files) == 4
    index = open_index(small_corpus)
    per_version = {vid: n for _law, vid, n in index.store.articles_per_version()}
    index.close()
    assert per_version[f"{MENTAL}@2021-01-01"] == 6
    assert per_version["spc-online-personal-rights-interpretation@2021-01-01"] == 13
    assert per_version[f"{AMEND}@2024-03-01"] > 0
    assert first.counts["vectors"] > 0  # the English translation of Amendment XII is embedded
    before = _hashes(small_corpus)

    second = run_ingest(small_corpus)
    assert second.status == "unchanged" and second.generation == first.generation
    assert "nothing changed" in second.message
    assert current_generation(small_corpus) == first.generation
    assert [d.name for d in small_corpus.generations_dir.iterdir()] == [first.generation]
    assert _hashes(small_corpus) == before


def test_changed_file_replaces_exactly_its_articles(small_corpus: Settings, tmp_path: Path) -> None:
    small_corpus = small_corpus.model_copy(update={"vector_cache_dir": tmp_path / "vector-cache"})  # a cold cache of its own
    first = run_ingest(small_corpus)
    before = _hashes(small_corpus)
    index = open_index(small_corpus)
    old = index.store.article(MENTAL, "1")
    index.close()
    path = _file_of(small_corpus, MENTAL, ".md")
    text = path.read_text(encoding="utf-8")
    phrase = old.paragraphs_zh[0][:12]
    assert text.count(phrase) == 1
    path.write_text(text.replace(phrase, phrase + "（测试修订）"), encoding="utf-8")

    second = run_ingest(small_corpus)
    assert second.status == "built" and second.generation != first.generation
    assert second.reused["parsed_files"] == 3  # of 4 indexed files: only the changed one was parsed again
    # only the changed chunk is embedded again; every other vector comes from the (model, content hash) cache
    assert second.reused["embedded"] == 1 and second.reused["vectors"] == first.counts["vectors"] - 1
    after = _hashes(small_corpus)
    assert set(after) == set(before)
    changed = {aid for aid in after if after[aid] != before[aid]}
    assert changed == {f"{old.version_id}#1"}
    index = open_index(small_corpus)
    assert "（测试修订）" in index.store.article(MENTAL, "1").text_zh
    index.close()
    # the previous generation is kept for rollback, the one before it is collected
    assert {d.name for d in small_corpus.generations_dir.iterdir()} == {first.generation, second.generation}
    path.write_text(text, encoding="utf-8")
    third = run_ingest(small_corpus)
    assert {d.name for d in small_corpus.generations_dir.iterdir()} == {second.generation, third.generation}
    assert _hashes(small_corpus) == before


def test_bad_file_is_reported_and_the_rest_ingests(small_corpus: Settings) -> None:
    docx = _file_of(small_corpus, AMEND, ".docx")
    docx.write_bytes(b"PK\x03\x04 this is not a zip archive at all" * 10)
    report = run_ingest(small_corpus)
    assert report.status == "built"
    failed = {f["path"]: f for f in report.failures}
    assert list(failed) == [docx.relative_to(small_corpus.corpus_root).as_posix()]
    assert failed[next(iter(failed))]["reason"] == "corrupt_file"
    skipped = [f for f in report.files if f["status"] == "skipped"]
    assert [f["reason"] for f in skipped] == ["primary_failed"]  # its English translation is not indexed alone
    index = open_index(small_corpus)
    assert {law.law_id for law in index.store.laws()} == {MENTAL, "spc-online-personal-rights-interpretation"}
    assert any(f["status"] == "failed" and f["reason"] == "corrupt_file" for f in index.store.files())
    index.close()


def test_strict_ingest_fails_and_publishes_nothing(small_corpus: Settings) -> None:
    _file_of(small_corpus, MENTAL, ".md").write_bytes(b"")
    with pytest.raises(IngestFailed) as exc:
        run_ingest(small_corpus, strict=True)
    assert exc.value.report.failures[0]["reason"] == "empty_file"
    assert current_generation(small_corpus) is None
    assert not any(small_corpus.generations_dir.iterdir())


@contextlib.contextmanager
def cli_pointed_at(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI (which reads its settings from the environment) works on ``settings``' corpus and data dir."""
    monkeypatch.setenv("KB_CORPUS_ROOT", str(settings.corpus_root))
    monkeypatch.setenv("KB_MANIFEST_PATH", str(settings.manifest_path))
    monkeypatch.setenv("KB_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        yield settings
    finally:
        get_settings.cache_clear()


@pytest.fixture
def cli_env(small_corpus: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    with cli_pointed_at(small_corpus, monkeypatch) as settings:
        yield settings


def test_cli_strict_exit_code(cli_env: Settings) -> None:
    from cli import app

    _file_of(cli_env, MENTAL, ".md").write_bytes(b"\xff\xfe\x00garbage")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "--strict"])
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output
    result = runner.invoke(app, ["ingest"])  # not strict: the rest ingests, exit 0
    assert result.exit_code == 0, result.output
    assert "built generation" in result.output


def test_cli_ingest_stats_article_search(cli_env: Settings) -> None:
    from cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "-q"]).exit_code == 0
    again = runner.invoke(app, ["ingest"])
    assert again.exit_code == 0 and "nothing changed" in again.output
    stats = runner.invoke(app, ["stats"])
    assert stats.exit_code == 0 and "raw" in stats.output and "on disk" in stats.output
    art = runner.invoke(app, ["article", "精神损害", "第一条"])
    assert art.exit_code == 0, art.output
    assert "第一条" in art.output and "spc-mental-damages-interpretation@2021-01-01#1" in art.output
    amb = runner.invoke(app, ["article", "最高人民法院", "1"])
    assert amb.exit_code == 2 and MENTAL in amb.output
    missing = runner.invoke(app, ["article", "精神损害", "999"])
    assert missing.exit_code == 1
    found = runner.invoke(app, ["search", "精神损害赔偿", "--k", "3", "--json"])
    assert found.exit_code == 0, found.output
    assert MENTAL in found.output


def test_cli_ingest_keeps_uploaded_laws_unless_told_not_to(small_corpus: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """An admin upload survives a plain `kb ingest` (it used to vanish from the index); --no-uploads leaves the
    uploaded law out of the build but never deletes the stored file."""
    src = next((get_settings().corpus_root / "raw/cn/advertising-law").glob("*.md"))  # the real corpus, not the copy
    with cli_pointed_at(small_corpus, monkeypatch) as cli_env:
        _uploaded_law_survives_ingest(cli_env, src)


def _uploaded_law_survives_ingest(cli_env: Settings, src: Path) -> None:
    from api import uploads
    from cli import app

    stored = uploads.store(src.read_bytes(), "广告法.md", cli_env)
    uploads.write_sidecar(stored, {"law_id": "advertising-law", "title_zh": "中华人民共和国广告法", "instrument": "law",
                                   "effective_from": "2021-04-29", "name": stored.path.name})
    (stored.path.parent / "torn.json").write_text('{"upload": {"stored_as": "gone.md"}', encoding="utf-8")  # half-written

    def served_laws() -> set[str]:
        index = open_index(cli_env)
        try:
            return {law.law_id for law in index.store.laws()}
        finally:
            index.close()

    runner = CliRunner()
    kept = runner.invoke(app, ["ingest"])
    assert kept.exit_code == 0, kept.output
    assert "kept 1 uploaded file" in kept.output
    assert {"advertising-law", MENTAL} <= served_laws()
    assert "nothing changed" in runner.invoke(app, ["ingest"]).output  # same corpus + same uploads

    dropped = runner.invoke(app, ["ingest", "--no-uploads"])
    assert dropped.exit_code == 0 and "built generation" in dropped.output, dropped.output
    laws = served_laws()
    assert "advertising-law" not in laws and MENTAL in laws
    assert stored.path.is_file()


def test_ingest_files_adds_a_law_and_reports_a_bad_upload(small_corpus: Settings, tmp_path: Path) -> None:
    run_ingest(small_corpus)
    src = get_settings().corpus_root / "raw/cn/advertising-law"
    upload = tmp_path / "upload.md"
    shutil.copyfile(next(src.glob("*.md")), upload)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    meta = {"law_id": "advertising-law", "title_zh": "中华人民共和国广告法", "instrument": "law",
            "effective_from": "2021-04-29", "short_names": ["广告法"]}
    report = ingest_files(small_corpus, [(upload, meta), (empty, {**meta, "law_id": "empty-law", "title_zh": "空法"})])
    assert report.status == "built"
    assert [f["reason"] for f in report.failures] == ["empty_file"]
    index = open_index(small_corpus)
    try:
        assert len(index.store.articles("advertising-law@2021-04-29")) == 74
        assert index.store.resolve_law("广告法").law_id == "advertising-law"
        assert index.store.article("spc-mental-damages-interpretation", "1") is not None  # the corpus is still there
    finally:
        index.close()


def test_ingest_files_metadata_is_checked(small_corpus: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="law_id"):
        ingest_files(small_corpus, [(tmp_path / "x.md", {"title_zh": "某法"})])


def test_parser_cache_roundtrip() -> None:
    from ingest.model import Article, Heading, ParsedDocument
    from ingest.pipeline import _decode_doc, _encode_doc

    doc = ParsedDocument("zh", "某法", [Article(1, 0, "第一条", ["甲", "乙"], (Heading("章", "第一章", "总则"),))],
                         [Heading("章", "第一章", "总则")], {"k": "v"}, "序", ["w"])
    assert _decode_doc(_encode_doc(doc)) == doc


def test_unknown_layer_is_rejected(small_corpus: Settings) -> None:
    with pytest.raises(ValueError):
        run_ingest(small_corpus, layer="everything")


def test_national_layer_adds_laws_and_skips_raw_duplicates(small_corpus: Settings) -> None:
    """A few real national/ files beside the small raw/ corpus: a national-only law is indexed in layer
    "national"; the national copy of a raw/ version is skipped as a duplicate, never merged."""
    src = get_settings().corpus_root / "national"
    picks = ["民法商法/著作权法(2020-11-11).md", "民法商法/商标法(2019-04-23).md",
             "司法解释/最高人民法院关于确定民事侵权精神损害赔偿责任若干问题的解释(2020-12-29).md"]
    for rel in picks:
        dst = small_corpus.corpus_root / "national" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, dst)
    report = run_ingest(small_corpus, layer="all")
    assert report.status == "built" and report.failures == []
    skipped = {f["path"]: f for f in report.files if f["status"] == "skipped"}
    assert list(skipped) == ["national/" + picks[2]] and skipped["national/" + picks[2]]["reason"] == "duplicate"
    index = open_index(small_corpus)
    try:
        law = index.store.resolve_law("著作权法")
        assert law.law_id == "中华人民共和国著作权法" and law.layer == "national"
        (version,) = index.store.versions(law.law_id)
        assert version.layer == "national" and version.effective_from is not None
        assert index.store.article(law.law_id, "1") is not None
        layers = index.store.stats()["layers"]
        assert layers["national"]["laws"] == 2 and layers["raw"]["laws"] == 3
        assert [v.layer for v in index.store.versions(MENTAL)] == ["raw"]  # not a second, national copy
        assert index.store.allowed_docs("zh", layers=["national"])
    finally:
        index.close()
    only_raw = run_ingest(small_corpus, layer="raw")
    assert only_raw.counts["laws"] == 3
