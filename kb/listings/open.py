"""Opens only the article store of the CURRENT generation: the listing check needs no vectors or model,
so the CLI and the benchmark start in a fraction of the time ``open_index`` takes."""

from __future__ import annotations

from kb.generations import require_current
from kb.settings import Settings
from kb.store import ArticleStore
from kb.store_writer import STORE_FILE


def open_store(settings: Settings) -> ArticleStore:
    _, path = require_current(settings)
    return ArticleStore(path / STORE_FILE)
