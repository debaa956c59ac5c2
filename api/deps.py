"""Dependencies: the settings and the served index. The index is opened once per process and reused; each
request does one cheap check of the generation CURRENT pointer, and a new generation (a finished ingest)
is picked up without a restart."""

from __future__ import annotations

import logging
import threading
from typing import Annotated, Any

from fastapi import Depends, Request

from api.index_state import current_generation
from kb.answer.evidence import Answerer
from kb.errors import IndexUnavailable
from kb.settings import Settings

log = logging.getLogger("kb.api")


class IndexHolder:
    """Holds the open index of the CURRENT generation and follows the pointer.

    When the pointer moves (an ingest published a generation), the new generation is opened and warmed in a
    background thread while requests keep being answered from the one already open; the swap is one assignment, so
    every request runs wholly on one generation (a request takes the index once, at its start). The old index is
    not closed under requests still running on it: it is released when the last of them drops it. Only the first
    generation a process serves is opened in the request that asks for it."""

    def __init__(self, settings: Settings, *, index: Any = None) -> None:
        self.settings = settings
        self._index = index
        self._pinned = index is not None  # an injected index (tests, embedding) is served as is
        self._generation: str | None = None
        self._lock = threading.Lock()
        self._opening: str | None = None  # the generation a background thread is opening
        self.failed: dict[str, str] = {}  # generation → why it could not be opened (kept serving the previous one)

    @property
    def generation(self) -> str | None:
        return self._generation

    def get(self) -> Any:
        if self._pinned:
            return self._index
        gen = current_generation(self.settings)
        if gen is None:
            raise IndexUnavailable("No index generation is built yet (run `kb ingest`).")
        index = self._index
        if index is not None and gen == self._generation:
            return index
        if index is not None:  # a newer generation: open it aside, keep answering from this one
            self._open_in_background(gen)
            return index
        with self._lock:
            if self._index is None or gen != self._generation:
                from kb.index import open_index

                self._index = open_index(self.settings)
                self._generation = gen
        return self._index

    def _open_in_background(self, gen: str) -> None:
        with self._lock:
            if self._opening == gen or gen in self.failed:
                return
            self._opening = gen
        threading.Thread(target=self._open_and_swap, args=(gen,), name=f"kb-open-{gen}", daemon=True).start()

    def _open_and_swap(self, gen: str) -> None:
        from kb.generations import generation_dir
        from kb.index import open_generation

        try:
            index = open_generation(self.settings, gen, generation_dir(self.settings, gen))
            if self.settings.warm_start:
                index.warm()
        except Exception as exc:  # noqa: BLE001 - a broken new generation must not stop the served one
            log.warning("generation %s could not be opened; still serving %s: %s", gen, self._generation, exc)
            with self._lock:
                self.failed[gen] = str(exc)
                self._opening = None
            return
        with self._lock:
            self._index, self._generation, self._opening = index, gen, None

    def reload(self) -> Any:
        """Reopen the CURRENT generation now (admin reload), in this request."""
        if self._pinned:
            return self._index
        from kb.index import open_index

        with self._lock:
            self.failed.clear()
            gen = current_generation(self.settings)
            self._index = open_index(self.settings)
            self._generation = gen
        return self._index


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_index(request: Request) -> Any:
    index = request.app.state.index_holder.get()
    request.state.generation = getattr(index, "generation", None)  # reported in the X-KB-Generation header
    return index


def get_answerer(request: Request) -> Answerer | None:
    """The answerer the app was built with (None = from settings: deterministic, or LLM with fallback)."""
    return getattr(request.app.state, "answerer", None)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
IndexDep = Annotated[Any, Depends(get_index)]
AnswererDep = Annotated[Answerer | None, Depends(get_answerer)]
