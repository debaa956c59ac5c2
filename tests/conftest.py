"""Shared fixtures.

``raw_index`` (session scope) is THE real index of the test session: every indexable raw/ file of the
reviewed manifest (corpus/manifest.toml, corpus root = KB_CORPUS_ROOT / the repository's corpus/), ingested by
the real pipeline into a temporary data dir, with the real bundled embedding model and an embedded
Chroma. It yields the opened ``kb.index.Index``: ``raw_index.store`` (ArticleStore), ``raw_index.lexical``,
``raw_index.vectors``, ``raw_index.retriever``, ``raw_index.settings`` (a ``Settings`` whose ``data_dir``
holds the CURRENT generation — use it to build an app or run CLI verbs against this index).
Treat it as read-only: tests that ingest again or damage files build their own index in ``tmp_path``
(see ``small_corpus`` below). ``raw_ingest_report`` is the ``IngestReport`` of that build.

``small_corpus(tmp_path, law_ids)`` copies a few raw/ files into a temporary corpus root with a manifest
filtered to those laws, and returns Settings pointing at it (own data dir): a fast real corpus that a
test may change (edit, truncate, corrupt) without touching the shared one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# One vector cache for every index the session builds (the session index, small corpora, rebuilds): each text is
# embedded once per session. Set KB_VECTOR_CACHE_DIR to reuse a warm cache across runs.
os.environ.setdefault("KB_VECTOR_CACHE_DIR", tempfile.mkdtemp(prefix="kb-test-vectors-"))

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from kb.settings import Settings, get_settings  # noqa: E402

# Property tests check results, not speed: a loaded CI runner must not fail them on Hypothesis' 200 ms deadline.
hypothesis_settings.register_profile("kb", deadline=None)
hypothesis_settings.load_profile("kb")


@pytest.fixture(scope="session")
def raw_ingest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Any]:
    """Build the raw/ index once per session: (settings, IngestReport)."""
    from ingest.pipeline import run_ingest

    base = get_settings()
    if not (base.corpus_root / "raw").is_dir():
        pytest.skip(f"corpus not available at {base.corpus_root}")
    # With KB_TEST_CHROMA_URL (CI starts `chroma run` via scripts/chroma-server.sh) the session index, and so the
    # retrieval and API tests over it, use the Chroma server; without it, embedded Chroma.
    chroma_url = os.environ.get("KB_TEST_CHROMA_URL", "").strip()
    settings = base.model_copy(update={"data_dir": tmp_path_factory.mktemp("raw_index") / "data", "chroma_url": chroma_url})
    report = run_ingest(settings, layer="raw")
    assert report.status == "built" and report.generation, report.message
    return settings, report


@pytest.fixture(scope="session")
def raw_ingest_report(raw_ingest: tuple[Settings, Any]) -> Any:
    return raw_ingest[1]


@pytest.fixture(scope="session")
def raw_index(raw_ingest: tuple[Settings, Any]) -> Iterator[Any]:
    """The opened real raw/ index (see module docstring)."""
    from kb.index import open_index

    index = open_index(raw_ingest[0])
    yield index
    index.close()


# ------------------------------------------------------------------------------- small mutable corpora

SMALL_LAWS = (
    "spc-mental-damages-interpretation",  # md, 6 articles
    "spc-online-personal-rights-interpretation",  # md, 13 articles
    "criminal-law-amendment-xii",  # docx + English md: exercises embedding and zh/en merge
)


def _filtered_manifest(text: str, law_ids: Sequence[str]) -> str:
    """The manifest text with only the [[file]] blocks of ``law_ids`` (keeps the header and [national])."""
    head, *blocks = text.split("\n[[file]]\n")
    kept = []
    tail = ""
    for block in blocks:
        if "\n[national" in block:  # the last file block runs into the [national] table
            block, rest = block.split("\n[national", 1)
            tail = "\n[national" + rest
        law = next(line.split("=", 1)[1].strip().strip('"') for line in block.splitlines() if line.startswith("law_id"))
        if law in law_ids:
            kept.append(block)
    return head + "".join("\n[[file]]\n" + b.rstrip("\n") + "\n" for b in kept) + tail


def make_small_corpus(root: Path, law_ids: Sequence[str] = SMALL_LAWS, *, data_dir: Path | None = None) -> Settings:
    """Copy the raw/ files of ``law_ids`` (every file listed, indexed or not) under ``root/corpus`` and write
    a filtered manifest; returns Settings for that corpus with its own data dir and embedded Chroma."""
    from ingest.manifest import load_manifest

    base = get_settings()
    manifest = load_manifest(base.manifest_path)
    corpus = root / "corpus"
    for e in manifest.entries:
        if e.law_id in law_ids:
            dst = corpus / e.path
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(base.corpus_root / e.path, dst)
    mpath = root / "manifest.toml"
    mpath.write_text(_filtered_manifest(base.manifest_path.read_text(encoding="utf-8"), law_ids), encoding="utf-8")
    return base.model_copy(update={
        "corpus_root": corpus, "manifest_path": mpath, "data_dir": data_dir or root / "data", "chroma_url": "",
    })


@pytest.fixture
def small_corpus(tmp_path: Path) -> Settings:
    """Settings over a private copy of three small raw/ laws (see ``SMALL_LAWS``)."""
    if not (get_settings().corpus_root / "raw").is_dir():
        pytest.skip("corpus not available")
    return make_small_corpus(tmp_path)


# ------------------------------------------------------------------------------- lineage corpus

LINEAGE_LAWS = (
    "anti-unfair-competition-law",  # 2019 → 2025: articles renumbered from 第三条 on
    "public-security-admin-punishments-law",  # 2012 → 2025: renumbered, split, merged, new, deleted
    "spc-aucl-interpretation",  # cites the 2019 AUCL by number
)


@pytest.fixture(scope="session")
def lineage_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real index (pipeline, bundled model, embedded Chroma) of the laws in ``LINEAGE_LAWS``: the two laws with
    two versions in raw/ and an interpretation citing one of them. Read-only; ``.settings`` as for raw_index."""
    from ingest.pipeline import run_ingest
    from kb.index import open_index

    if not (get_settings().corpus_root / "raw").is_dir():
        pytest.skip("corpus not available")
    root = tmp_path_factory.mktemp("lineage")
    (root / "no-notes").mkdir()  # our notes are not what these tests look at; embedding them would only cost time
    settings = make_small_corpus(root, LINEAGE_LAWS).model_copy(update={"notes_dir": root / "no-notes"})
    report = run_ingest(settings, layer="raw")
    assert report.status == "built", report.message
    index = open_index(settings)
    yield index
    index.close()
