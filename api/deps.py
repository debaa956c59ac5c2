"""Dependencies: the settings and the served index. The index is opened once per process and reused; each
request does one cheap check of the generation CURRENT pointer, and a new generation (a finished ingest)
is picked up without a restart."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import Depends, Request

from api.index_state import current_generation
from kb.answer.evidence import Answerer
from kb.errors import IndexUnavailable
from kb.settings import Settings


class IndexHolder:
    """Holds the open index of the CURRENT generation; reopens when the pointer moves."""

    def __init__(self, settings: Settings, *, index: Any = None) -> None:
        self.settings = settings
        self._index = index
        self._pinned = index is not None  # an injected index (tests, embedding) is served as is
        self._generation: str | None = None
        self._lock = threading.Lock()

    @property
    def generation(self) -> str | None:
        return self._generation

    def get(self) -> Any:
        if self._pinned:
            return self._index
        gen = current_generation(self.settings)
        if gen is None:
            raise IndexUnavailable("No index generation is built yet (run `kb ingest`).")
        if self._index is not None and gen == self._generation:
            return self._index
        with self._lock:
            if self._index is None or gen != self._generation:
                from kb.index import open_index

                old = self._index
                self._index = open_index(self.settings)
                self._generation = gen
                close = getattr(old, "close", None)
                if callable(close):
                    close()
        return self._index

    def reload(self) -> Any:
        """Force a reopen on the next request (admin reload)."""
        with self._lock:
            if not self._pinned:
                self._generation = None
        return self.get()


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_index(request: Request) -> Any:
    return request.app.state.index_holder.get()


def get_answerer(request: Request) -> Answerer | None:
    """The answerer the app was built with (None = from settings: deterministic, or LLM with fallback)."""
    return getattr(request.app.state, "answerer", None)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
IndexDep = Annotated[Any, Depends(get_index)]
AnswererDep = Annotated[Answerer | None, Depends(get_answerer)]
