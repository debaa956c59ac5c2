"""Index generations: atomic switch, a crashed or killed ingest leaves the previous generation serving,
the ingest lock, garbage collection, and refusing a broken generation instead of answering from it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ingest.pipeline import run_ingest
from kb.errors import IndexCorrupt, IndexUnavailable
from kb.generations import (
    IngestBusy,
    current_generation,
    generation_dir,
    ingest_lock,
    switch_current,
)
from kb.index import open_index
from kb.settings import Settings
from kb.vectors import (
    chroma_client,
    collection_name,
    generation_collections,
    list_collections,
    partition_name,
)

MENTAL = "spc-mental-damages-interpretation"


class Boom(RuntimeError):
    pass


def _edit_mental(settings: Settings) -> None:
    from ingest.manifest import load_manifest

    entry = next(e for e in load_manifest(settings.manifest_path).indexable() if e.law_id == MENTAL)
    path = settings.corpus_root / entry.path
    text = path.read_text(encoding="utf-8")
    at = text.index("第一条")  # edit the body of Article 1, not the title in the front matter
    path.write_text(text[:at] + text[at:].replace("精神损害", "精神损害（改）", 1), encoding="utf-8")


def test_open_before_any_ingest_is_unavailable(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "empty")
    with pytest.raises(IndexUnavailable):
        open_index(settings)
    switch_current(settings, "20990101T000000-abcdef")  # CURRENT naming a generation that is not there
    with pytest.raises(IndexCorrupt):
        open_index(settings)


@pytest.mark.parametrize("stage", ["parsed", "tokenized", "stored", "lexical", "embedding", "before-switch"])
def test_failure_midway_keeps_the_previous_generation(small_corpus: Settings, stage: str) -> None:
    first = run_ingest(small_corpus)
    _edit_mental(small_corpus)

    def hook(at: str) -> None:
        if at == stage:
            raise Boom(at)

    with pytest.raises(Boom):
        run_ingest(small_corpus, hook=hook)
    assert current_generation(small_corpus) == first.generation
    assert [d.name for d in small_corpus.generations_dir.iterdir()] == [first.generation]
    assert sorted(list_collections(chroma_client(small_corpus))) == generation_collections(chroma_client(small_corpus), first.generation) != []
    index = open_index(small_corpus)
    assert not any("（改）" in (a.text_zh or "") for a in index.store.articles(f"{MENTAL}@2021-01-01"))
    index.close()
    # the next ingest is not blocked (the lock died with the failed one) and publishes the edit
    after = run_ingest(small_corpus)
    assert after.status == "built" and current_generation(small_corpus) == after.generation
    index = open_index(small_corpus)
    assert "（改）" in index.store.article(MENTAL, "1").text_zh
    index.close()


def test_killed_ingest_leaves_current_and_is_cleaned_up(small_corpus: Settings, tmp_path: Path) -> None:
    """A real SIGKILL in the middle of an ingest (after the store is written, before the switch)."""
    first = run_ingest(small_corpus)
    _edit_mental(small_corpus)
    script = tmp_path / "killme.py"
    script.write_text(textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from ingest.pipeline import run_ingest
        from kb.settings import Settings
        s = Settings(corpus_root=Path({str(small_corpus.corpus_root)!r}), manifest_path=Path({str(small_corpus.manifest_path)!r}),
                     data_dir=Path({str(small_corpus.data_dir)!r}))
        def hook(stage):
            if stage == "lexical":
                os.kill(os.getpid(), signal.SIGKILL)
        run_ingest(s, hook=hook)
    """))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    leftovers = {d.name for d in small_corpus.generations_dir.iterdir()} - {first.generation}
    assert len(leftovers) == 1  # the half-built generation is still on disk…
    assert current_generation(small_corpus) == first.generation  # …but nobody points at it
    index = open_index(small_corpus)
    assert index.generation == first.generation
    index.close()
    after = run_ingest(small_corpus)  # lock released by the kernel; garbage collected
    assert {d.name for d in small_corpus.generations_dir.iterdir()} == {first.generation, after.generation}


def test_force_publishes_a_new_generation_reusing_what_is_unchanged(small_corpus: Settings) -> None:
    first = run_ingest(small_corpus)
    assert run_ingest(small_corpus).status == "unchanged"
    forced = run_ingest(small_corpus, force=True)
    assert forced.status == "built" and forced.generation != first.generation == forced.previous
    assert current_generation(small_corpus) == forced.generation
    assert forced.reused["embedded"] == 0 and forced.reused["vectors"] == first.counts["vectors"] > 0
    index = open_index(small_corpus)
    try:
        assert index.vectors.count() == first.counts["vectors"] and index.search("肖像", 3).hits
    finally:
        index.close()


def test_deferred_build_defers_the_notes_vectors_too(small_corpus: Settings, tmp_path: Path) -> None:
    """A deferred build (what `make run` does first) embeds only the curated layer's chunks; our notes' vectors come
    from the cache or wait for the background build, which completes them. (Without the shipped seed, which would
    hand over the notes' vectors at once: tests/test_vector_seed.py.)"""
    from kb.generations import read_generation_manifest

    settings = small_corpus.model_copy(update={"vector_cache_dir": tmp_path / "empty-cache", "vector_seed": False})
    first = run_ingest(settings, defer_vectors=True)
    assert first.counts["notes"] > 0 and first.counts["notes_vectors_missing"] == first.counts["notes"]
    assert read_generation_manifest(generation_dir(settings, first.generation))["vectors_complete"] is False
    index = open_index(settings)
    try:
        assert index.notes is not None and index.notes.vectors is None and index.search("肖像", 3).hits
    finally:
        index.close()
    full = run_ingest(settings)  # the background build
    assert full.status == "built" and full.counts["notes_vectors_missing"] == 0
    assert read_generation_manifest(generation_dir(settings, full.generation))["vectors_complete"] is True
    index = open_index(settings)
    try:
        assert index.notes is not None and index.notes.vectors is not None and len(index.notes.vectors) == full.counts["notes"]
    finally:
        index.close()


def test_concurrent_ingest_is_refused(small_corpus: Settings) -> None:
    with ingest_lock(small_corpus):
        with pytest.raises(IngestBusy):
            run_ingest(small_corpus)
    assert current_generation(small_corpus) is None


def test_generation_with_damaged_parts_is_refused(small_corpus: Settings) -> None:
    report = run_ingest(small_corpus)
    gdir = generation_dir(small_corpus, report.generation)
    open_index(small_corpus).close()
    # a lexical file truncated on disk
    victim = next(p for p in (gdir / "lexical" / "zh").iterdir() if p.suffix == ".npy")
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt):
        open_index(small_corpus)
    victim.write_bytes(data)
    open_index(small_corpus).close()
    # vectors missing from the collection
    col = chroma_client(small_corpus).get_collection(partition_name(collection_name(report.generation), "zh"))
    some = col.get(limit=1)["ids"]
    col.delete(ids=some)
    with pytest.raises(IndexCorrupt, match="vectors"):
        open_index(small_corpus)


def test_embedding_model_mismatch_is_refused(small_corpus: Settings) -> None:
    run_ingest(small_corpus)
    other = small_corpus.model_copy(update={"embedding_model": "hash:64"})
    with pytest.raises(IndexCorrupt, match="embedded with"):
        open_index(other)


def test_switch_current_is_a_whole_file_replace(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    switch_current(settings, "a")
    switch_current(settings, "b")
    assert current_generation(settings) == "b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT"]  # no temp file left behind
