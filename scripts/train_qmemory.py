"""Build kb/data/qmemory.json.gz from STARD train and measure it by k-fold cross-validation.

    .venv/bin/python scripts/train_qmemory.py build
    .venv/bin/python scripts/train_qmemory.py cv [--folds 5] [--limit N]    # needs an index with national/

CV: the questions are split into folds; each fold is searched with a memory built from the other folds
only, so no question ever sees its own gold articles. "bm25" is lexical search alone (no glossary, no
priors); "system" is the fused retriever without the learned reranker (scripts/train_rerank.py measures that
stage by its own CV)."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.qmemory import DEFAULT_PATH, QuestionMemory, items_from_rows, save_memory  # noqa: E402

STARD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "stard" / "train.jsonl"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build(path: Path) -> None:
    items = items_from_rows(_rows(path))
    save_memory(items, DEFAULT_PATH, source=f"STARD train ({len(items)} questions)")
    print(f"wrote {DEFAULT_PATH} ({DEFAULT_PATH.stat().st_size} bytes, {len(items)} questions)")


def cv(path: Path, folds: int, limit: int | None, configs: list[str], weights: dict | None = None) -> None:
    from kb.evaluation import stard_metrics
    from kb.index import open_index
    from kb.retrieval import FusionWeights, Retriever
    from kb.settings import get_settings

    rows = _rows(path)
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)
    index = open_index(get_settings())
    results: dict[str, list[tuple[int, dict]]] = {c: [] for c in configs}
    for f in range(folds):
        test = [rows[i] for i in order[f::folds]]
        train = [rows[i] for j, i in enumerate(order) if j % folds != f]
        if limit:
            test = test[: max(1, limit // folds)]
        memory = QuestionMemory(items_from_rows(train))
        for name in configs:
            if name == "bm25":
                r = Retriever(index, memory=QuestionMemory([]), use_glossary=False, weights=FusionWeights(mention=0.0), use_reranker=False)
            else:
                r = Retriever(index, memory=memory, weights=FusionWeights(**(weights or {})), use_reranker=False)
            t0 = time.perf_counter()
            m = stard_metrics(index, test, search=lambda q, k, r=r: r.search(q, k=k, lang="zh"))
            print(f"fold {f} {name}: {m} ({time.perf_counter() - t0:.0f}s)", flush=True)
            results[name].append((m["questions"], m))
    for name, parts in results.items():
        n = sum(q for q, _ in parts)
        agg = {key: round(sum(q * m[key] for q, m in parts) / n, 4) for key in ("recall@10", "recall@100", "mrr@10")}
        print(f"CV {folds}-fold {name} over {n} questions: {agg}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["build", "cv"])
    ap.add_argument("--file", type=Path, default=STARD)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--configs", default="bm25,system")
    ap.add_argument("--weights", default="{}", help='FusionWeights overrides as JSON, e.g. {"expansion": 0.3}')
    a = ap.parse_args()
    if a.cmd == "build":
        build(a.file)
    else:
        cv(a.file, a.folds, a.limit, a.configs.split(","), json.loads(a.weights))


if __name__ == "__main__":
    main()
