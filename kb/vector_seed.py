"""A seed of vectors shipped in the repository (``corpus/vectors/``), read-only, consulted by the vector cache on a miss.

A fresh clone has an empty vector cache; without a seed its first build embeds the curated layer's chunks and our
notes (≈ 10k texts, minutes on two cores) before it can answer. The seed holds those vectors, computed once by
``scripts/build_vector_seed.py`` with the bundled model, so a fresh machine embeds only what changed since.

Two files per model, named like the cache's file (``<model>.seed.npy`` + ``<model>.seed.json``):

- the ``.npy``: one structured array sorted by key, ``k`` = the cache's text key (hex sha256 prefix of the exact text
  embedded, see ``kb.vector_cache.text_key``), ``v`` = the vector in float16 (L2-normalised vectors lose < 1e-3 of
  cosine). ``.npy`` rather than ``.npz``: a zip member carries the time it was written, an ``.npy`` is the same bytes
  for the same content (the build is deterministic).
- the ``.json``: the manifest — model name, dimension, dtype, count, the ``.npy``'s sha256, what it holds.

Never a wrong vector: a lookup goes by (model, exact text) — the seed of another model is never opened (its name is in
the file name and checked against the manifest), and a changed chunk has another key and simply misses. A seed whose
bytes do not match its manifest's sha256 is ignored (and reported by ``verify_seed``)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.checksums import sha256_file

__all__ = ["SEED_FORMAT", "VectorSeed", "SeedInfo", "seed_paths", "write_seed", "open_seed", "verify_seed"]

log = logging.getLogger(__name__)

SEED_FORMAT = 1
_KEY_LEN = 40  # hex characters of kb.vector_cache.text_key


def _safe(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model)


def seed_paths(folder: Path, model: str) -> tuple[Path, Path]:
    """(vectors .npy, manifest .json) of ``model``'s seed under ``folder``."""
    stem = f"{_safe(model)}.seed"
    return folder / f"{stem}.npy", folder / f"{stem}.json"


def _dtype(dim: int) -> np.dtype[Any]:
    return np.dtype([("k", f"S{_KEY_LEN}"), ("v", "<f2", (dim,))])


@dataclass(frozen=True)
class SeedInfo:
    path: Path
    count: int
    size: int  # bytes of the .npy
    sha256: str


def write_seed(folder: Path, model: str, items: Iterable[tuple[str, Sequence[float]]], *,
               extra: dict[str, Any] | None = None) -> SeedInfo:
    """Write ``model``'s seed from (text key, vector) pairs (duplicates keep the first); the same pairs give the same
    bytes. ``extra`` goes into the manifest (what the seed holds, its provenance)."""
    got: dict[str, np.ndarray] = {}
    for k, v in items:
        if len(k) != _KEY_LEN or not re.fullmatch(r"[0-9a-f]+", k):
            raise ValueError(f"not a text key: {k!r}")
        got.setdefault(k, np.asarray(v, dtype=np.float32))
    if not got:
        raise ValueError("no vectors to seed")
    dims = {len(v) for v in got.values()}
    if len(dims) != 1:
        raise ValueError(f"vectors of different dimensions: {sorted(dims)}")
    dim = dims.pop()
    keys = sorted(got)
    arr = np.empty(len(keys), dtype=_dtype(dim))
    arr["k"] = np.asarray(keys, dtype=f"S{_KEY_LEN}")
    arr["v"] = np.stack([got[k] for k in keys]).astype("<f2")
    folder.mkdir(parents=True, exist_ok=True)
    npy, meta = seed_paths(folder, model)
    tmp = npy.with_suffix(".npy.tmp")
    with tmp.open("wb") as fh:
        np.save(fh, arr, allow_pickle=False)
    tmp.replace(npy)
    info = SeedInfo(npy, len(keys), npy.stat().st_size, sha256_file(npy))
    manifest = {"format": SEED_FORMAT, "model": model, "dim": dim, "dtype": "float16", "count": info.count,
                "file": npy.name, "sha256": info.sha256, **(extra or {})}
    meta.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return info


class VectorSeed:
    """One model's seed, opened read-only (memory-mapped); ``get_many`` answers the keys it holds."""

    def __init__(self, path: Path, model: str, dim: int) -> None:
        self.path = path
        self.model = model
        self.dim = dim
        self._arr = np.load(path, mmap_mode="r", allow_pickle=False)
        if self._arr.dtype != _dtype(dim):
            raise ValueError(f"{path.name}: unexpected layout {self._arr.dtype}")
        self._keys = self._arr["k"]

    def __len__(self) -> int:
        return int(len(self._keys))

    def get_many(self, keys: Sequence[str]) -> dict[str, list[float]]:
        if not keys or not len(self._keys):
            return {}
        wanted = [k for k in dict.fromkeys(keys) if len(k) == _KEY_LEN]
        q = np.asarray(wanted, dtype=f"S{_KEY_LEN}")
        pos = np.searchsorted(self._keys, q)
        pos_c = np.minimum(pos, len(self._keys) - 1)
        hit = (pos < len(self._keys)) & (self._keys[pos_c] == q)
        rows = pos_c[hit]
        vecs = np.asarray(self._arr["v"][rows], dtype=np.float32)
        return {k: vecs[i].tolist() for i, k in enumerate(np.asarray(wanted)[hit].tolist())}


def _read_manifest(folder: Path, model: str) -> tuple[Path, dict[str, Any]] | None:
    npy, meta = seed_paths(folder, model)
    if not npy.is_file() or not meta.is_file():
        return None
    return npy, json.loads(meta.read_text(encoding="utf-8"))


def open_seed(folder: Path, model: str) -> VectorSeed | None:
    """``model``'s seed under ``folder``, or None when there is none or it does not check out (logged)."""
    try:
        found = _read_manifest(folder, model)
        if found is None:
            return None
        npy, manifest = found
        problems = _check(npy, manifest, model, hash_file=True)
        if problems:
            log.warning("vector seed %s ignored: %s", npy, "; ".join(problems))
            return None
        return VectorSeed(npy, model, int(manifest["dim"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("vector seed for %s under %s ignored: %s", model, folder, exc)
        return None


def _check(npy: Path, manifest: dict[str, Any], model: str | None, *, hash_file: bool) -> list[str]:
    problems: list[str] = []
    if manifest.get("format") != SEED_FORMAT:
        problems.append(f"format {manifest.get('format')!r}, expected {SEED_FORMAT}")
    if model is not None and manifest.get("model") != model:
        problems.append(f"made with {manifest.get('model')!r}, not {model!r}")
    if manifest.get("dtype") != "float16":
        problems.append(f"dtype {manifest.get('dtype')!r}")
    if hash_file and sha256_file(npy) != manifest.get("sha256"):
        problems.append("sha256 differs from its manifest")
    return problems


def verify_seed(folder: Path) -> tuple[list[str], list[str]]:
    """Check every seed under ``folder``: (lines describing each seed, problems). Cheap: hashes each file and reads
    its header and keys (sorted, unique, as many as the manifest says)."""
    lines: list[str] = []
    problems: list[str] = []
    if not folder.is_dir():
        return lines, problems
    for meta in sorted(folder.glob("*.seed.json")):
        try:
            manifest = json.loads(meta.read_text(encoding="utf-8"))
            npy = folder / str(manifest.get("file", ""))
            if not npy.is_file():
                problems.append(f"{meta.name}: its file {manifest.get('file')!r} is missing")
                continue
            found = _check(npy, manifest, None, hash_file=True)
            arr = np.load(npy, mmap_mode="r", allow_pickle=False)
            if arr.dtype != _dtype(int(manifest["dim"])):
                found.append(f"layout {arr.dtype} does not match dim {manifest['dim']}")
            elif len(arr) != manifest.get("count"):
                found.append(f"{len(arr)} vectors, manifest says {manifest.get('count')}")
            elif len(arr) > 1 and not bool(np.all(arr["k"][1:] > arr["k"][:-1])):
                found.append("keys not sorted and unique")
            problems += [f"{npy.name}: {p}" for p in found]
            lines.append(f"vector seed {npy.name}: {manifest.get('model')}, {manifest.get('count')} vectors "
                         f"({npy.stat().st_size / 1e6:.1f} MB){'' if found else ', sha256 ok'}")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{meta.name}: {exc}")
    for npy in sorted(folder.glob("*.seed.npy")):
        if not npy.with_suffix(".json").is_file():
            problems.append(f"{npy.name}: no manifest beside it")
    return lines, problems
