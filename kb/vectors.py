"""Dense vectors behind a protocol, with Chroma as the implementation: an embedded ``PersistentClient``
under ``data_dir/chroma`` by default, or a Chroma server (``chroma run`` / a cluster) when
``KB_CHROMA_URL`` is set. One collection per index generation (``kb_<generation>``), cosine space,
flat scalar metadata on every vector for filtering (effective range, law, jurisdiction, instrument)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlparse

from kb.errors import BackendUnavailable, IndexCorrupt
from kb.settings import Settings

__all__ = ["VectorIndex", "ChromaVectorIndex", "chroma_client", "collection_name", "build_where"]

_ADD_BATCH = 1000


@runtime_checkable
class VectorIndex(Protocol):
    name: str

    def count(self) -> int: ...

    def add(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], metadatas: Sequence[dict[str, Any]]) -> None: ...

    def get_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of those ids that exist (for reuse by the next generation)."""
        ...

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Top ``k`` (id, cosine similarity), best first, among vectors whose metadata match ``where``."""
        ...

    def drop(self) -> None: ...


def collection_name(generation: str) -> str:
    return f"kb_{generation}"


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def chroma_client(settings: Settings) -> Any:
    """One client per location (embedded path or server URL), shared by every generation."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    key = settings.chroma_url or str(settings.chroma_path)
    with _clients_lock:
        if key not in _clients:
            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            try:
                if settings.chroma_url:
                    url = urlparse(settings.chroma_url)
                    _clients[key] = chromadb.HttpClient(
                        host=url.hostname or "localhost", port=url.port or (443 if url.scheme == "https" else 8000),
                        ssl=url.scheme == "https", settings=chroma_settings,
                    )
                else:
                    settings.chroma_path.mkdir(parents=True, exist_ok=True)
                    _clients[key] = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
            except Exception as exc:  # noqa: BLE001 - connection refused, bad URL, unreadable files
                raise BackendUnavailable(f"Chroma at {key} is unavailable: {exc}") from exc
        return _clients[key]


def forget_client(settings: Settings) -> None:
    """Drop the cached client (tests that delete a data dir)."""
    with _clients_lock:
        _clients.pop(settings.chroma_url or str(settings.chroma_path), None)


def _date_int(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def build_where(
    *,
    as_of: date | None = None,
    law_ids: Sequence[str] | None = None,
    jurisdictions: Sequence[str] | None = None,
    instruments: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    lang: str | None = None,
) -> dict[str, Any] | None:
    """Chroma ``where`` for the search filters (None when nothing filters)."""
    conds: list[dict[str, Any]] = []
    if as_of is not None:
        day = _date_int(as_of)
        conds += [{"effective_from": {"$lte": day}}, {"effective_to": {"$gte": day}}]
    for field, values in (("law_id", law_ids), ("jurisdiction", jurisdictions), ("instrument", instruments), ("layer", layers)):
        if values:
            conds.append({field: {"$in": list(values)}})
    if lang:
        conds.append({"lang": lang})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}


class ChromaVectorIndex:
    """One Chroma collection; the client is injected (embedded or HTTP, the adapter does not care)."""

    def __init__(self, client: Any, name: str, *, create: bool = False) -> None:
        self.name = name
        self._client = client
        try:
            if create:
                self._col = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
            else:
                self._col = client.get_collection(name, embedding_function=None)
        except Exception as exc:  # noqa: BLE001
            if create or _is_connection_error(exc):
                raise BackendUnavailable(f"Chroma collection {name}: {exc}") from exc
            raise IndexCorrupt(f"vector collection {name} is missing: {exc}") from exc

    def count(self) -> int:
        return int(self._call(self._col.count))

    def add(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], metadatas: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(ids), _ADD_BATCH):
            self._call(
                self._col.upsert,
                ids=list(ids[i : i + _ADD_BATCH]),
                embeddings=[list(v) for v in vectors[i : i + _ADD_BATCH]],
                metadatas=list(metadatas[i : i + _ADD_BATCH]),
            )

    def get_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for i in range(0, len(ids), _ADD_BATCH):
            got = self._call(self._col.get, ids=list(ids[i : i + _ADD_BATCH]), include=["embeddings"])
            embs = got.get("embeddings")
            if embs is None:
                continue
            for cid, vec in zip(got["ids"], embs, strict=True):
                out[cid] = [float(x) for x in vec]
        return out

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        res = self._call(self._col.query, query_embeddings=[list(vector)], n_results=k, where=where, include=["distances"])
        ids = res["ids"][0] if res["ids"] else []
        dists = res["distances"][0] if res.get("distances") else []
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]

    def drop(self) -> None:
        self._call(self._client.delete_collection, self.name)

    @staticmethod
    def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            if _is_connection_error(exc):
                raise BackendUnavailable(f"Chroma is unavailable: {exc}") from exc
            raise


def _is_connection_error(exc: Exception) -> bool:
    import httpx

    return isinstance(exc, httpx.TransportError | ConnectionError) or "Could not connect" in str(exc)


def list_collections(client: Any) -> list[str]:
    cols = client.list_collections()
    return [c if isinstance(c, str) else c.name for c in cols]
