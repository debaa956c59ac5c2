"""Write the vector seed shipped in the repository (corpus/vectors/<model>.seed.npy + .json; see kb/vector_seed.py).

The seed holds the vector of every text the curated layer's build embeds — each raw/ chunk in the model's languages
and each of our notes (corpus/notes) — and, with ``--layer all``, in a part of its own (``national``), each chunk of
the national layer; keyed as the vector cache keys them (model + sha256 of the exact text). Vectors come from the
vector cache (KB_VECTOR_CACHE_DIR, float32), else from the seed already there (float16, so an unchanged text keeps the
same bytes), else they are embedded with the configured model (and added to the cache). The output depends only on the
texts and their vectors: the same corpus, notes and model give the same files.

Regenerate it when the model, the chunking (kb/chunking.py, the chunk header in ingest/pipeline.py) or the notes
change; a stale seed is never wrong, it only misses (those texts are embedded at the first build).

    PYTHONPATH=$PWD KB_VECTOR_CACHE_DIR=/tmp/kbfull/vector-cache python scripts/build_vector_seed.py
    … --layer all      # the national layer's chunks too, as the seed's "national" part (≈ 56k vectors, ≈ 43 MB)
    … --no-embed       # only what the cache and the old seed hold; report what is missing
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ingest.pipeline import embedded_texts
from kb.embedder import Embedder, embedder_for, get_embedder
from kb.settings import Settings, get_settings
from kb.vector_cache import VectorCache, embed_cached, text_key
from kb.vector_seed import open_seed, write_seed


def _stripped(prefix: str, embed: Callable[[Sequence[str]], list[list[float]]]) -> Callable[[list[str]], list[list[float]]]:
    """The model is given a note's text without the prefix its cache key carries (chunks have none)."""
    return lambda batch: embed([x.removeprefix(prefix) for x in batch])


def _progress(done: int, total: int) -> None:
    if done % 640 == 0 or done == total:
        print(f"  {done}/{total}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layer", choices=["raw", "all"], default="raw", help="chunks of which layer to seed (notes always)")
    ap.add_argument("--out", type=Path, default=None, help="folder of the seed (default: KB_VECTOR_SEED_DIR)")
    ap.add_argument("--no-embed", action="store_true", help="do not embed what is missing; leave it out")
    args = ap.parse_args(argv)

    settings = get_settings()
    out = args.out or settings.vector_seed_dir
    embedder = get_embedder(settings)
    t0 = time.perf_counter()
    texts = embedded_texts(settings, "raw")
    chunks, notes = list(dict.fromkeys(texts["chunks"])), list(dict.fromkeys(texts["notes"]))
    print(f"texts: {len(texts['chunks'])} raw/ chunks ({len(chunks)} distinct), "
          f"{len(texts['notes'])} notes ({len(notes)} distinct) [{time.perf_counter() - t0:.0f} s]")
    national: list[str] = []
    if args.layer == "all":
        held = set(chunks)
        national = [t for t in dict.fromkeys(embedded_texts(settings, "all")["chunks"]) if t not in held]
        print(f"texts: {len(national)} more distinct chunks of the national layer [{time.perf_counter() - t0:.0f} s]")

    keys = [text_key(t) for t in chunks + notes + national]
    queries = [t for t in notes if t.startswith("query: ")]
    passages = chunks + [t for t in notes if not t.startswith("query: ")] + national
    have, from_cache, from_old, embedded = _vectors(
        settings, out, embedder, keys, [(passages, embedder.embed, "passage: "), (queries, embedder.embed_queries, "query: ")],
        args.no_embed)

    provenance = ("derived from the public law texts of corpus/ (and our notes) by the bundled embedding model; "
                  "written by scripts/build_vector_seed.py")
    chunk_keys, note_keys, nat_keys = keys[:len(chunks)], keys[len(chunks):len(chunks) + len(notes)], keys[len(chunks) + len(notes):]
    info = write_seed(out, embedder.name, [(k, have[k]) for k in chunk_keys + note_keys if k in have], extra={
        "holds": {"layer": "raw", "chunks": sum(1 for k in chunk_keys if k in have),
                  "notes": sum(1 for k in note_keys if k in have)},
        "provenance": provenance,
    })
    print(f"seed {info.path}: {info.count} vectors, {info.size / 1e6:.2f} MB, sha256 {info.sha256[:16]}…")
    if national:
        part = write_seed(out, embedder.name, [(k, have[k]) for k in nat_keys if k in have], part="national", extra={
            "holds": {"layer": "national", "chunks": sum(1 for k in nat_keys if k in have)},
            "provenance": provenance,
        })
        print(f"seed {part.path}: {part.count} vectors, {part.size / 1e6:.2f} MB, sha256 {part.sha256[:16]}…")
    missing = [k for k in keys if k not in have]
    print(f"  from the cache {from_cache}, from the previous seed {from_old}, embedded {embedded}, missing {len(missing)}"
          f" [{time.perf_counter() - t0:.0f} s]")
    if settings.notes_model:
        _second_seed(settings, out, list(dict.fromkeys(texts["notes_plain"])), args.no_embed)
    return 0


def _vectors(settings: Settings, out: Path, embedder: Embedder, keys: list[str],
             groups: list[tuple[list[str], Callable[[Sequence[str]], list[list[float]]], str]], no_embed: bool,
             ) -> tuple[dict[str, list[float]], int, int, int]:
    """The vectors of ``keys`` from the vector cache, else from the seed already in ``out``, else (unless ``no_embed``)
    embedded group by group — (texts, the model's function, the prefix their keys carry) — and added to the cache.
    Returns (vectors by key, how many came from the cache, from the old seed, were embedded)."""
    old = open_seed(out, embedder.name)  # read-only, before it is replaced
    cache = VectorCache(settings.vector_cache_path, embedder.name)  # no seed: the counts say where each came from
    try:
        have = cache.get_many(keys)
        from_cache = len(have)
        if old is not None:
            have.update(old.get_many([k for k in keys if k not in have]))
        from_old = len(have) - from_cache
        embedded = 0
        if not no_embed:
            for group, embed, prefix in groups:
                todo = [t for t in group if text_key(t) not in have]
                if not todo:
                    continue
                kind = f" ({prefix.strip()})" if prefix else ""
                print(f"embedding {len(todo)} missing texts{kind} with {embedder.name} …", flush=True)
                got, n = embed_cached(todo, _stripped(prefix, embed), cache, progress=_progress)
                have.update(got)
                embedded += n
    finally:
        cache.close()
    return have, from_cache, from_old, embedded


def _second_seed(settings: Settings, out: Path, notes: list[str], no_embed: bool) -> None:
    """The seed of the notes' second model (KB_NOTES_MODEL, kb.notes): every note's text as that model embeds it."""
    embedder = embedder_for(settings, settings.notes_model)
    keys = [text_key(t) for t in notes]
    have = _vectors(settings, out, embedder, keys, [(notes, embedder.embed, "")], no_embed)[0]
    info = write_seed(out, embedder.name, [(k, have[k]) for k in keys if k in have], extra={
        "holds": {"notes": sum(1 for k in keys if k in have)},
        "provenance": "derived from our notes (corpus/notes) by the notes' second model; written by scripts/build_vector_seed.py",
    })
    print(f"seed {info.path}: {info.count} vectors, {info.size / 1e6:.2f} MB, missing {sum(1 for k in keys if k not in have)}")


if __name__ == "__main__":
    sys.exit(main())
