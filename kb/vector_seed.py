"""A seed of vectors shipped in the repository (``corpus/vectors/``), read-only, consulted by the vector cache on a miss.

A fresh clone has an empty vector cache; without a seed its first build embeds the curated layer's chunks and our
notes (≈ 25k texts, minutes on two cores) before it can answer, and a full build the national layer's 56k chunks
(an hour or more). The seed holds those vectors, computed once by ``scripts/build_vector_seed.py`` with the bundled
model, so a fresh machine embeds only what changed since.

Two files per model and part, named like the cache's file: ``<model>.seed.npy`` + ``<model>.seed.json`` (the main
part: raw/ chunks and our notes) and ``<model>.<part>.seed.npy`` + ``.json`` (e.g. ``national``: the bulk layer's
chunks, which change rarely — kept apart so that a notes change rewrites 20 MB, not 65):

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
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

import numpy as np

from kb.checksums import sha256_file

__all__ = ["SEED_FORMAT", "VectorSeed", "SeedInfo", "seed_paths", "write_seed", "open_seed", "verify_seed"]

log = logging.getLogger(__name__)

SEED_FORMAT = 1
_KEY_LEN = 40  # hex characters of kb.vector_cache.text_key
_PART = re.compile(r"[a-z0-9-]+")


def _safe(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model)


def seed_paths(folder: Path, model: str, part: str = "") -> tuple[Path, Path]:
    """(vectors .npy, manifest .json) of ``model``'s seed under ``folder``: its main file, or the file of ``part``
    (a seed may come in parts — the curated layer and our notes in one, the national layer in another — so that
    regenerating the small, often-changing part leaves the large one's bytes alone)."""
    if part and not _PART.fullmatch(part):
        raise ValueError(f"not a seed part name: {part!r}")
    stem = f"{_safe(model)}.{part}.seed" if part else f"{_safe(model)}.seed"
    return folder / f"{stem}.npy", folder / f"{stem}.json"


def _part_files(folder: Path, model: str) -> list[tuple[str, Path, Path]]:
    """(part, .npy, .json) of every part of ``model``'s seed present under ``folder``, the main file first."""
    found: list[tuple[str, Path, Path]] = []
    safe = _safe(model)
    for meta in sorted(folder.glob(f"{glob_escape(safe)}*.seed.json")):
        middle = meta.name[len(safe):-len(".seed.json")]
        part = middle.removeprefix(".")
        if middle and (not middle.startswith(".") or not _PART.fullmatch(part)):
            continue  # another model's file whose name starts like this one's
        npy = meta.with_suffix(".npy")
        if npy.is_file():
            found.append((part, npy, meta))
    return sorted(found, key=lambda x: (x[0] != "", x[0]))


def _dtype(dim: int) -> np.dtype[Any]:
    return np.dtype([("k", f"S{_KEY_LEN}"), ("v", "<f2", (dim,))])


@dataclass(frozen=True)
class SeedInfo:
    path: Path
    count: int
    size: int  # bytes of the .npy
    sha256: str


def write_seed(folder: Path, model: str, items: Iterable[tuple[str, Sequence[float]]], *,
               extra: dict[str, Any] | None = None, part: str = "") -> SeedInfo:
    """Write ``model``'s seed (or one ``part`` of it) from (text key, vector) pairs (duplicates keep the first); the
    same pairs give the same bytes. ``extra`` goes into the manifest (what the seed holds, its provenance)."""
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
    npy, meta = seed_paths(folder, model, part)
    tmp = npy.with_suffix(".npy.tmp")
    with tmp.open("wb") as fh:
        np.save(fh, arr, allow_pickle=False)
    tmp.replace(npy)
    info = SeedInfo(npy, len(keys), npy.stat().st_size, sha256_file(npy))
    manifest = {"format": SEED_FORMAT, "model": model, "dim": dim, "dtype": "float16", "count": info.count,
                "file": npy.name, "sha256": info.sha256, **({"part": part} if part else {}), **(extra or {})}
    meta.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return info


class VectorSeed:
    """One model's seed, opened read-only (memory-mapped), in one or more parts; ``get_many`` answers the keys they
    hold (a key held by two parts is answered by the first: the main file)."""

    def __init__(self, paths: Sequence[Path], model: str, dim: int) -> None:
        if not paths:
            raise ValueError("a seed needs at least one file")
        self.paths = list(paths)
        self.model = model
        self.dim = dim
        self._parts = []
        for path in self.paths:
            arr = np.load(path, mmap_mode="r", allow_pickle=False)
            if arr.dtype != _dtype(dim):
                raise ValueError(f"{path.name}: unexpected layout {arr.dtype}")
            self._parts.append(arr)

    def __len__(self) -> int:
        return int(sum(len(arr) for arr in self._parts))

    def get_many(self, keys: Sequence[str]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        wanted = [k for k in dict.fromkeys(keys) if len(k) == _KEY_LEN]
        for arr in self._parts:
            todo = [k for k in wanted if k not in out]
            if not todo or not len(arr):
                continue
            held = arr["k"]
            q = np.asarray(todo, dtype=f"S{_KEY_LEN}")
            pos = np.searchsorted(held, q)
            pos_c = np.minimum(pos, len(held) - 1)
            hit = (pos < len(held)) & (held[pos_c] == q)
            vecs = np.asarray(arr["v"][pos_c[hit]], dtype=np.float32)
            out.update({k: vecs[i].tolist() for i, k in enumerate(np.asarray(todo)[hit].tolist())})
        return out


def open_seed(folder: Path, model: str) -> VectorSeed | None:
    """``model``'s seed under ``folder`` (every part of it that checks out), or None when there is none (a part that
    does not check out is logged and left out)."""
    paths: list[Path] = []
    dims: set[int] = set()
    try:
        parts = _part_files(folder, model)
    except OSError as exc:
        log.warning("vector seed for %s under %s ignored: %s", model, folder, exc)
        return None
    for part, npy, meta in parts:
        try:
            manifest = json.loads(meta.read_text(encoding="utf-8"))
            problems = _check(npy, manifest, model, hash_file=True)
            if manifest.get("part", "") != part:
                problems.append(f"its manifest names part {manifest.get('part', '')!r}, its file name {part!r}")
            if problems:
                log.warning("vector seed %s ignored: %s", npy, "; ".join(problems))
                continue
            dims.add(int(manifest["dim"]))
            paths.append(npy)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("vector seed %s ignored: %s", npy, exc)
    if not paths:
        return None
    if len(dims) != 1:
        log.warning("vector seed for %s under %s ignored: parts of different dimensions %s", model, folder, sorted(dims))
        return None
    try:
        return VectorSeed(paths, model, dims.pop())
    except (OSError, ValueError) as exc:
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
