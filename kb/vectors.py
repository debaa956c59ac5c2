"""Dense vectors behind a protocol, with Chroma as the implementation: an embedded ``PersistentClient``
under ``data_dir/chroma`` by default, or a Chroma server (``chroma run`` / a cluster) when
``KB_CHROMA_URL`` is set. One collection per index generation (``kb_<generation>``), cosine space,
flat scalar metadata on every vector for filtering (effective range, law, jurisdiction, instrument)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlparse

from kb.errors import BackendUnavailable, IndexCorrupt
from kb.settings import Settings

log = logging.getLogger(__name__)

__all__ = [
    "VectorIndex", "ChromaVectorIndex", "PartitionedVectorIndex", "chroma_client", "collection_name", "build_where",
    "open_vector_index", "generation_collections", "row_products", "drop_generation_vectors", "VectorBackend", "ChromaVectorBackend",
]

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

    def query_many(self, vectors: Sequence[Sequence[float]], k: int, where: dict[str, Any] | None = None) -> list[list[tuple[str, float]]]:
        """``query`` of each vector, in order (an index that searches exactly in memory answers them in one pass)."""
        ...

    def drop(self) -> None: ...


@runtime_checkable
class VectorBackend(Protocol):
    """Where generations keep their vectors: creates a generation's index and drops every vector of a generation.
    ``kb.generation_builder`` writes through this; Chroma (``ChromaVectorBackend``) is one implementation."""

    location: str  # recorded in the generation manifest ("embedded", a server URL, …)

    def create_index(self, generation: str, partitions: Sequence[str]) -> VectorIndex:
        """A new, empty index for ``generation``, one partition per language."""
        ...

    def drop_generation(self, generation: str) -> None:
        """Delete every vector collection of ``generation`` (those of a failed build, or of a collected one)."""
        ...


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
    """One Chroma collection; the client is injected (embedded or HTTP, the adapter does not care).

    ``exact``: a query without a filter is answered by an exact cosine search over the collection's vectors, read
    into memory once (the serving path). Chroma's HNSW graph answers it approximately, and differently in each
    process that opens the same collection: on the full index one in two evaluation questions came back with other
    neighbours in a second process, so two workers could answer one question differently. The exact product over
    59k × 384 floats costs about what the HNSW query did (≈ 3–5 ms); a filtered query (a law, a date range …) still
    goes to Chroma."""

    def __init__(self, client: Any, name: str, *, create: bool = False, exact: bool = False) -> None:
        self.name = name
        self._client = client
        self.exact = exact
        self._matrix: tuple[list[str], Any] | None = None
        self._matrix_lock = threading.Lock()
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
        self._matrix = None
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
        if self.exact and not where:
            matrix = self._exact_matrix()
            if matrix is not None:
                return _exact_top(matrix, vector, k)
        res = self._call(self._col.query, query_embeddings=[list(vector)], n_results=k, where=where, include=["distances"])
        ids = res["ids"][0] if res["ids"] else []
        dists = res["distances"][0] if res.get("distances") else []
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]

    def query_many(self, vectors: Sequence[Sequence[float]], k: int, where: dict[str, Any] | None = None) -> list[list[tuple[str, float]]]:
        """``query`` of each vector. Unfiltered queries of an exact index share one pass over the vectors (_exact_many:
        the 90 MB of the full index's Chinese vectors are read from memory once for all the texts of a long question,
        not once per text); the answers are those of ``query``, bit for bit."""
        if k > 0 and len(vectors) > 1 and self.exact and not where:
            matrix = self._exact_matrix()
            if matrix is not None:
                return _exact_many(matrix, vectors, k)
        return [self.query(v, k, where) for v in vectors]

    def _exact_matrix(self) -> tuple[list[str], Any] | None:
        """The collection's ids and unit vectors (float32), read once; None when they cannot be read (the query then
        goes to Chroma)."""
        if self._matrix is None:
            with self._matrix_lock:
                if self._matrix is None:
                    import numpy as np

                    ids: list[str] = []
                    parts = []
                    try:
                        while True:
                            got = self._call(self._col.get, include=["embeddings"], limit=_ADD_BATCH * 10, offset=len(ids))
                            if not got["ids"]:
                                break
                            ids += got["ids"]
                            parts.append(np.asarray(got["embeddings"], dtype=np.float32))
                    except Exception as exc:  # noqa: BLE001 - the approximate search still answers
                        log.warning("exact vector search unavailable for %s: %s", self.name, exc)
                        return None
                    m = np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)
                    norms = np.linalg.norm(m, axis=1, keepdims=True)
                    self._matrix = (ids, m / np.where(norms > 0, norms, 1.0))
        return self._matrix

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


class PartitionedVectorIndex:
    """A generation's vectors as one Chroma collection per language (``kb_<generation>-zh``, ``…-en``).

    Why: Chroma answers a nearest-neighbour query with a metadata filter by listing the matching ids first. On the
    full index a query restricted to the Chinese chunks (59,175 of 61,368) took ≈ 290 ms and one restricted to the
    English chunks ≈ 19 ms, against ≈ 2 ms unfiltered; retrieval searches each language on its own (a model's
    cosines run higher within one language), so every English question paid for a filtered Chinese query. A query
    whose ``where`` names languages goes to their collections, unfiltered unless other conditions remain."""

    def __init__(self, client: Any, name: str, partitions: Sequence[str], *, create: bool = False, exact: bool = False) -> None:
        self.name = name
        self.partitions = tuple(sorted(set(partitions)))
        if not self.partitions:
            raise ValueError("a partitioned vector index needs at least one partition")
        self._parts = {p: ChromaVectorIndex(client, partition_name(name, p), create=create, exact=exact) for p in self.partitions}

    def count(self) -> int:
        return sum(part.count() for part in self._parts.values())

    def add(self, ids: Sequence[str], vectors: Sequence[Sequence[float]], metadatas: Sequence[dict[str, Any]]) -> None:
        rows: dict[str, list[int]] = {}
        for i, meta in enumerate(metadatas):
            lang = str(meta.get("lang"))
            if lang not in self._parts:
                raise ValueError(f"vector {ids[i]!r} has lang {lang!r}; this index holds {list(self.partitions)}")
            rows.setdefault(lang, []).append(i)
        for lang, idx in rows.items():
            self._parts[lang].add([ids[i] for i in idx], [vectors[i] for i in idx], [metadatas[i] for i in idx])

    def get_vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for part in self._parts.values():
            out.update(part.get_vectors([i for i in ids if i not in out]))
        return out

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        return self.query_many([vector], k, where)[0]

    def query_many(self, vectors: Sequence[Sequence[float]], k: int, where: dict[str, Any] | None = None) -> list[list[tuple[str, float]]]:
        langs, rest = split_lang(where)
        out: list[list[tuple[str, float]]] = [[] for _ in vectors]
        for lang in self.partitions:
            if langs is None or lang in langs:
                for hits, got in zip(out, self._parts[lang].query_many(vectors, k, rest), strict=True):
                    hits += got
        for hits in out:
            hits.sort(key=lambda h: -h[1])
            del hits[k:]
        return out

    def drop(self) -> None:
        for part in self._parts.values():
            part.drop()


def _unit(vector: Sequence[float]) -> Any:
    import numpy as np

    q = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(q))
    return q / norm if norm > 0 else q


def _top(ids: list[str], sims: Any, k: int) -> list[tuple[str, float]]:
    """The ``k`` ids of highest cosine, best first (ties by position: the same order in every process)."""
    import numpy as np

    k = min(k, len(ids))
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[np.lexsort((top, -sims[top]))]
    return list(zip([ids[i] for i in top.tolist()], sims[top].tolist(), strict=True))


def _exact_top(matrix: tuple[list[str], Any], vector: Sequence[float], k: int) -> list[tuple[str, float]]:
    ids, m = matrix
    if not ids:
        return []
    return _top(ids, m @ _unit(vector), k)


# Rows of the matrix multiplied by every query vector while they are in the CPU's cache (1.5 MB of 384-d floats).
EXACT_BLOCK_ROWS = 1024


def _exact_many(matrix: tuple[list[str], Any], vectors: Sequence[Sequence[float]], k: int) -> list[list[tuple[str, float]]]:
    """``_exact_top`` of each vector, in one pass over the matrix: each block of rows is multiplied by every vector
    while it is in cache (the product of one vector is memory-bound: ≈ 7 ms for 59k × 384 floats, 8 vectors ≈ 18 ms
    together instead of 58). Each block is BLAS's matrix × vector, as the whole matrix is for one vector: a row's
    cosine is the same dot product, bit for bit (a matrix × matrix product sums in another order)."""
    ids, m = matrix
    if not ids:
        return [[] for _ in vectors]
    return [_top(ids, row, k) for row in row_products(m, [_unit(v) for v in vectors])]


def row_products(m: Any, vectors: Sequence[Any]) -> Any:
    """``m @ v`` of each float32 vector, as the rows of one array, computed block of rows by block of rows so that each
    block is read from memory once for all the vectors; bit for bit ``m @ v`` of each vector alone."""
    import numpy as np

    out = np.empty((len(vectors), m.shape[0]), dtype=np.float32)
    for start in range(0, m.shape[0], EXACT_BLOCK_ROWS):
        block = m[start : start + EXACT_BLOCK_ROWS]
        for row, v in zip(out, vectors, strict=True):
            np.matmul(block, v, out=row[start : start + EXACT_BLOCK_ROWS])
    return out


def partition_name(name: str, partition: str) -> str:
    return f"{name}-{partition}"


def split_lang(where: dict[str, Any] | None) -> tuple[set[str] | None, dict[str, Any] | None]:
    """A ``where`` → (the languages it restricts to, None = any; the rest of it, None = nothing)."""
    if not where:
        return None, None
    conds = list(where["$and"]) if set(where) == {"$and"} else [where]
    langs: set[str] | None = None
    rest: list[dict[str, Any]] = []
    for cond in conds:
        if set(cond) == {"lang"}:
            value = cond["lang"]
            if isinstance(value, dict):
                if set(value) == {"$in"}:
                    got = {str(v) for v in value["$in"]}
                elif set(value) == {"$eq"}:
                    got = {str(value["$eq"])}
                else:
                    rest.append(cond)
                    continue
            else:
                got = {str(value)}
            langs = got if langs is None else langs & got
        else:
            rest.append(cond)
    return langs, (None if not rest else rest[0] if len(rest) == 1 else {"$and": rest})


def open_vector_index(client: Any, manifest: dict[str, Any], *, create: bool = False, exact: bool = False) -> VectorIndex:
    """The vector index a generation's manifest records: partitioned by language (``vector_partitions``) or, for
    generations built before the partitioning, one collection. ``exact``: unfiltered queries searched exactly in
    memory (ChromaVectorIndex)."""
    parts = manifest.get("vector_partitions")
    if parts:
        return PartitionedVectorIndex(client, manifest["collection"], parts, create=create, exact=exact)
    return ChromaVectorIndex(client, manifest["collection"], create=create, exact=exact)


class ChromaVectorBackend:
    """``VectorBackend`` over Chroma: a generation's vectors are one collection per language
    (``PartitionedVectorIndex``), on the embedded client or the server ``KB_CHROMA_URL`` names."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.location = settings.chroma_url or "embedded"

    @property
    def client(self) -> Any:
        return chroma_client(self._settings)

    def create_index(self, generation: str, partitions: Sequence[str]) -> PartitionedVectorIndex:
        return PartitionedVectorIndex(self.client, collection_name(generation), partitions, create=True)

    def drop_generation(self, generation: str) -> None:
        drop_generation_vectors(self.client, generation)


def generation_collections(client: Any, generation: str) -> list[str]:
    """Names of the collections holding a generation's vectors (one, or one per partition)."""
    base = collection_name(generation)
    return sorted(n for n in list_collections(client) if n == base or n.startswith(base + "-"))


def drop_generation_vectors(client: Any, generation: str) -> None:
    for name in generation_collections(client, generation):
        client.delete_collection(name)


def _is_connection_error(exc: Exception) -> bool:
    import httpx

    return isinstance(exc, httpx.TransportError | ConnectionError) or "Could not connect" in str(exc)


def list_collections(client: Any) -> list[str]:
    cols = client.list_collections()
    return [c if isinstance(c, str) else c.name for c in cols]
