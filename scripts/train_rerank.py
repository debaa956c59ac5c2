"""Train kb/data/rerank.txt (LightGBM LambdaRank) on STARD train and report k-fold CV figures.

    KB_DATA_DIR=… .venv/bin/python scripts/train_rerank.py [--folds 5] [--limit N] [--write]

Features come from the real retriever over the real index, with a question memory built from the other
folds only (so the priors are as strong as on an unseen question). The ranker is then cross-validated over
questions (a second split): "base" is the fused order, "rerank" the learned one, both over the same
candidates (all that retrieval gathers, kb.rerank.DEPTH). "blend" is what the retriever ships: a reciprocal-rank
blend of the two orders (kb.retrieval.FusionWeights.rerank_k / rerank_weight)."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from kb.qmemory import QuestionMemory, gold_ref, items_from_rows  # noqa: E402
from kb.rerank import DEFAULT_PATH  # noqa: E402

STARD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "stard" / "train.jsonl"
PARAMS = {"n_estimators": 200, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 20, "verbose": -1}


def collect(rows: list[dict], folds: int, limit: int | None) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Per question: (features [n, f], labels [n], number of gold articles)."""
    from kb.index import open_index
    from kb.retrieval import Retriever
    from kb.settings import get_settings

    index = open_index(get_settings())
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)
    out = []
    for f in range(folds):
        test = [rows[i] for i in order[f::folds]]
        if limit:
            test = test[: max(1, limit // folds)]
        train = [rows[i] for j, i in enumerate(order) if j % folds != f]
        r = Retriever(index, memory=QuestionMemory(items_from_rows(train)), use_reranker=False)
        got: dict = {}
        r.feature_sink = lambda cands, feats, got=got: got.update(cands=cands, feats=feats)
        for row in test:
            gold = {g for g in (gold_ref(x["law"], x["article"]) for x in row["gold"]) if g}
            got.clear()
            r.search(row["question"], k=10, lang="zh")
            if not got or not gold:
                continue
            labels = np.array([1 if (r._law_key_of(c.law_id), c.key) in gold else 0 for c in got["cands"]])
            out.append((np.asarray(got["feats"], dtype=np.float64), labels, len(gold)))
        print(f"fold {f}: {len(out)} questions collected", flush=True)
    return out


def metrics(data: list[tuple[np.ndarray, np.ndarray, int]], scores: list[np.ndarray]) -> dict:
    r10 = r100 = mrr = 0.0
    for (_, y, n_gold), s in zip(data, scores, strict=True):
        order = np.argsort(-s, kind="stable")
        ranked = y[order]
        r10 += ranked[:10].sum() / n_gold
        r100 += ranked[:100].sum() / n_gold
        hit = np.flatnonzero(ranked[:10])
        mrr += 1.0 / (hit[0] + 1) if hit.size else 0.0
    n = len(data)
    return {"recall@10": round(r10 / n, 4), "recall@100": round(r100 / n, 4), "mrr@10": round(mrr / n, 4), "questions": n}


def _blend(learned: np.ndarray) -> np.ndarray:
    """The retriever's blend (kb.rerank.blend, FusionWeights defaults) of the fused order and ``learned``."""
    from kb.rerank import blend
    from kb.retrieval import FusionWeights

    w = FusionWeights()
    return np.asarray(blend(list(learned), k=w.rerank_k, weight=w.rerank_weight))


def main() -> None:
    import lightgbm as lgb

    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--cache", type=Path, default=None, help="npz cache of the collected features")
    a = ap.parse_args()
    rows = [json.loads(x) for x in STARD.read_text(encoding="utf-8").splitlines() if x.strip()]
    if a.cache and a.cache.is_file():
        z = np.load(a.cache, allow_pickle=True)
        data = list(z["data"])
    else:
        data = collect(rows, a.folds, a.limit)
        if a.cache:
            np.savez(a.cache, data=np.array(data, dtype=object))
    base = metrics(data, [-x[0][:, 1] for x in data])  # fused order (feature "rank")
    idx = list(range(len(data)))
    random.Random(7).shuffle(idx)
    scores: list[np.ndarray | None] = [None] * len(data)
    for f in range(a.folds):
        test = idx[f :: a.folds]
        train = [i for j, i in enumerate(idx) if j % a.folds != f]
        m = lgb.LGBMRanker(**PARAMS)
        m.fit(np.concatenate([data[i][0] for i in train]), np.concatenate([data[i][1] for i in train]),
              group=[len(data[i][1]) for i in train])
        for i in test:
            scores[i] = m.predict(data[i][0])
    rerank = metrics(data, scores)  # type: ignore[arg-type]
    blend = metrics(data, [_blend(s) for s in scores])  # type: ignore[arg-type]
    print(f"CV {a.folds}-fold over {len(data)} questions: base {base} | rerank {rerank} | blend (shipped) {blend}")
    if a.write:
        m = lgb.LGBMRanker(**PARAMS)
        m.fit(np.concatenate([d[0] for d in data]), np.concatenate([d[1] for d in data]), group=[len(d[1]) for d in data])
        m.booster_.save_model(str(DEFAULT_PATH))
        print(f"wrote {DEFAULT_PATH} ({DEFAULT_PATH.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
