"""What the operations endpoints need to know about the served index: its generation and size, and whether
it opens. Kept apart from the routes so /readyz, /metrics and admin ask the same question the same way."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from kb import generations
from kb.errors import IndexUnavailable, KBError
from kb.settings import Settings


def current_generation(settings: Settings) -> str | None:
    """The generation id the CURRENT pointer names, or None when nothing is built yet."""
    return generations.current_generation(settings)


def list_generations(settings: Settings) -> list[dict[str, Any]]:
    """Generation directories on disk, oldest first, with their recorded counts where readable."""
    current = current_generation(settings)
    root = settings.generations_dir
    if not root.is_dir():
        return []
    out: list[dict[str, Any]] = []
    for path in sorted(p for p in root.iterdir() if p.is_dir()):
        entry: dict[str, Any] = {"id": path.name, "current": path.name == current}
        try:
            manifest = generations.read_generation_manifest(path)
        except KBError:
            entry["complete"] = False
        else:
            entry["complete"] = True
            for key in ("created", "counts", "stats"):
                if key in manifest:
                    entry[key] = manifest[key]
        out.append(entry)
    return out


def reload_index(app: Any) -> str | None:
    """Make ``app`` serve the generation CURRENT names now; returns its id (raises if it cannot open)."""
    holder = getattr(app.state, "index_holder", None)
    if holder is not None:
        holder.reload()
        return holder.generation or current_generation(app.state.settings)
    return current_generation(app.state.settings)


def index_facts(request: Request, *, deep: bool) -> dict[str, Any]:
    """Generation id and article counts; raises the kb.errors the index raises (IndexUnavailable, IndexCorrupt,
    BackendUnavailable). Opens the index if not open yet (cached after); ``deep`` also asks the vector backend."""
    settings: Settings = request.app.state.settings
    holder = getattr(request.app.state, "index_holder", None)
    generation = current_generation(settings)
    pinned = bool(getattr(holder, "_pinned", False))  # an index injected by tests/embedding needs no CURRENT
    if generation is None and not pinned:
        raise IndexUnavailable("No index generation is built yet (run `kb ingest`).")
    facts: dict[str, Any] = {"generation": generation}
    if holder is None:
        return facts
    index = holder.get()
    facts["generation"] = holder.generation or generation
    if generation and holder.generation and generation != holder.generation:  # a new generation is being opened
        facts["switching_to"] = generation
        failed = getattr(holder, "failed", {}).get(generation)
        if failed:
            facts["switch_failed"] = failed
    store = getattr(index, "store", None)
    stats = store.stats() if store is not None and hasattr(store, "stats") else None
    if isinstance(stats, dict):
        layers: dict[str, Any] = stats["layers"] if isinstance(stats.get("layers"), dict) else stats
        facts["articles"] = {str(layer): v["articles"] for layer, v in layers.items()
                             if isinstance(v, dict) and isinstance(v.get("articles"), int)}
    if deep:
        vectors = getattr(index, "vectors", None)
        if vectors is not None and hasattr(vectors, "count"):
            facts["vectors"] = vectors.count()
    facts["dense"] = generations.vector_status(settings, getattr(index, "manifest", None))
    return facts

