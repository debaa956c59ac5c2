"""How much a float16 or int8 vector seed changes retrieval, against the float32 vectors of the cache.

For each set — the raw/ chunks and our notes (what corpus/vectors seeds) and, with ``--store``, the national layer's
chunks of a built full index — prints the size the seed would take, 1 − cosine(float32, quantised) and, for a few
questions of our own (not from any evaluation set), whether brute-force top-10 keeps its set and its order.
int8 is one scale per vector (max |x| / 127), renormalised on reading.

    PYTHONPATH=$PWD KB_VECTOR_CACHE_DIR=/tmp/kbfull/vector-cache python scripts/measure_seed_precision.py \\
        --store /path/to/data/generations/<id>/store.sqlite
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import numpy as np

from ingest.pipeline import embedded_texts
from kb.embedder import get_embedder
from kb.settings import get_settings
from kb.vector_cache import VectorCache, text_key

QUESTIONS = [
    "Can I sell a silicone mask modelled on a famous actor's face?", "未经本人同意使用他人肖像制作面具",
    "penalties for false advertising of a product's functions", "电子商务平台经营者对平台内经营者的责任",
    "selling customers' facial photographs", "伪造居民身份证的刑事责任", "labeling requirements for synthetic media",
    "消费者因经营者欺诈可以要求几倍赔偿", "work permit for a foreign craftsman", "人脸识别技术处理个人信息的规定",
    "import duty on rubber goods", "环境污染损害赔偿责任",
]


def _int8(m: np.ndarray) -> np.ndarray:
    scale = np.abs(m).max(axis=1, keepdims=True) / 127.0
    d = np.round(m / scale).astype(np.int8).astype(np.float32) * scale
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def _report(name: str, m: np.ndarray, q: np.ndarray) -> None:
    n, dim = m.shape
    print(f"{name}: {n} vectors; seed size fp16 {n * (2 * dim + 40) / 1e6:.1f} MB, int8 {n * (dim + 44) / 1e6:.1f} MB")
    variants = {"fp16": m.astype(np.float16).astype(np.float32), "int8": _int8(m)}
    top = {k: np.argsort(-(q @ x.T), axis=1)[:, :10] for k, x in {"fp32": m, **variants}.items()}
    for k, x in variants.items():
        cos = (m * x).sum(1) / np.linalg.norm(m, axis=1) / np.linalg.norm(x, axis=1)
        same_set = sum(set(a) == set(b) for a, b in zip(top["fp32"], top[k], strict=True))
        same_order = sum(bool((a == b).all()) for a, b in zip(top["fp32"], top[k], strict=True))
        print(f"  {k}: 1-cos max {np.max(1 - cos):.1e}; top-10 of {len(q)} questions: same set {same_set}, "
              f"same order {same_order}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, help="store.sqlite of a generation holding the national layer")
    args = ap.parse_args()
    settings = get_settings()
    embedder = get_embedder(settings)
    cache = VectorCache(settings.vector_cache_path, embedder.name)
    q = np.asarray(embedder.embed_queries(QUESTIONS), dtype=np.float32)
    sets = embedded_texts(settings, "raw")
    if args.store:
        db = sqlite3.connect(f"file:{args.store}?mode=ro", uri=True)
        sets["national"] = [f"{h}\n{t}" for h, t in db.execute("SELECT header, text FROM chunks WHERE layer = 'national'")]
        db.close()
    try:
        for name, texts in sets.items():
            keys = list(dict.fromkeys(text_key(t) for t in texts))
            got = cache.get_many(keys)
            if len(got) < len(keys):
                print(f"{name}: {len(keys) - len(got)} of {len(keys)} not in the cache (left out)")
            if got:
                _report(name, np.asarray([got[k] for k in keys if k in got], dtype=np.float32), q)
    finally:
        cache.close()


if __name__ == "__main__":
    main()
