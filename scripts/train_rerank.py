"""Train kb/data/rerank.txt (LightGBM LambdaRank over every retrieval channel) and report cross-validated figures.

    KB_DATA_DIR=… .venv/bin/python scripts/train_rerank.py collect --out /tmp/rank.npz [--per-article 1] [--notes-limit N] [--stard-folds 5]
    KB_DATA_DIR=… .venv/bin/python scripts/train_rerank.py cv --data /tmp/rank.npz [--folds 5]
    KB_DATA_DIR=… .venv/bin/python scripts/train_rerank.py write --data /tmp/rank.npz

Training questions (never an evaluation question):
- our own example questions (corpus/notes: lay, lawyer and fact-pattern questions in Chinese and English, written
  from each article's text). A question is searched with *itself* held out of the notes channels (its sibling
  questions and the headnote stay: an unseen question about an annotated article meets them the same way), and a
  question of a superseded version is asked as of a day that version was in force.
- STARD train (real lay questions, Chinese), each searched with a question memory built from the other folds only,
  so the memory priors are as strong as on an unseen question.

Features come from the real retriever over the real index (``Retriever._ranked`` through ``feature_sink``: every
candidate of the fused channels). Cross-validation holds out by *article* for the notes questions (no article's
questions are in both the training and the test folds) and by question for STARD. "fused" is the retriever's fused
order, "learned" the ranker's, "blend" the reciprocal-rank blend the retriever ships (kb.rerank.blend with
FusionWeights.rerank_k / rerank_weight)."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from kb.chunking import date_int  # noqa: E402
from kb.qmemory import QuestionMemory, gold_ref, items_from_rows  # noqa: E402
from kb.rerank import DEFAULT_PATH, FEATURES  # noqa: E402

STARD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "stard" / "train.jsonl"
PARAMS = {"n_estimators": 300, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 20,
          "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "verbose": -1}


class HeldOutNotes:
    """The index's notes with one text held out of every notes search (the training question itself): the notes'
    row mask (in force on the day, law allowed) also drops the rows with that text."""

    def __init__(self, notes: Any) -> None:
        self._notes = notes
        self.held: str | None = None
        rows_of: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(notes.rows):
            rows_of[row.text].append(i)
        self._rows_of = rows_of
        inner = notes._mask

        def mask(day: int, allow_law: Any) -> Any:
            m = inner(day, allow_law)
            if self.held is not None and self.held in rows_of:
                m = m.copy()
                m[rows_of[self.held]] = False
            return m

        notes._mask = mask  # the searches below read the mask through the instance

    def __getattr__(self, name: str) -> Any:
        return getattr(self._notes, name)

    def __len__(self) -> int:
        return len(self._notes)


def _day(n: int) -> date:
    return date(n // 10000, n // 100 % 100, n % 100)


def collect(out: Path, per_article: int, notes_limit: int, stard_folds: int, limit: int | None) -> None:
    from kb.index import open_index
    from kb.records import SearchFilters
    from kb.retrieval import Retriever
    from kb.settings import get_settings

    index = open_index(get_settings())
    notes = HeldOutNotes(index.notes)
    index.notes = notes
    today = date_int(date.today(), 0)
    feats: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    groups: list[str] = []  # CV group: "a:<article>" or "s:<question id>"
    source: list[str] = []  # notes-zh / notes-en / stard

    def run(r: Retriever, text: str, lang: str | None, filters: SearchFilters, gold: set[tuple[str, str]], group: str,
            src: str) -> None:
        got: dict = {}
        r.feature_sink = lambda cands, rows: got.update(cands=cands, rows=rows)
        qa = r.analyze(text, lang)
        r._ranked(qa, 10, r.plan(filters), {})
        if not got:
            return
        y = np.array([1 if (r._law_key_of(c.law_id), c.key) in gold else 0 for c in got["cands"]], dtype=np.int8)
        feats.append(np.asarray(got["rows"], dtype=np.float32))
        labels.append(y)
        groups.append(group)
        source.append(src)

    # our example questions, one (or more) per article, languages alternating
    rng = random.Random(0)
    by_article: dict[str, list[Any]] = defaultdict(list)
    for row in index.notes.rows:
        if row.kind == "question":
            by_article[row.article_id].append(row)
    r = Retriever(index, use_reranker=False)
    picked = []
    for aid in sorted(by_article):
        rows = by_article[aid]
        rng.shuffle(rows)
        picked.extend(rows[:per_article])
    rng.shuffle(picked)
    picked = picked[:notes_limit or None]
    if limit:
        picked = picked[:limit]
    t0 = time.time()
    for n, row in enumerate(picked, 1):
        notes.held = row.text
        key = row.article_id.split("#", 1)[1]
        gold = {(r._law_key_of(row.law_id), key)}
        as_of = _day(row.effective_from) if row.effective_to < today else None
        run(r, row.text, row.lang, SearchFilters(as_of=as_of), gold, "a:" + row.article_id, "notes-" + row.lang)
        if n % 200 == 0:
            print(f"notes {n}/{len(picked)} ({time.time() - t0:.0f} s)", flush=True)
    notes.held = None

    # STARD train, with a question memory of the other folds
    stard = [json.loads(x) for x in STARD.read_text(encoding="utf-8").splitlines() if x.strip()]
    if limit:
        stard = stard[:limit]
    order = list(range(len(stard)))
    random.Random(0).shuffle(order)
    for f in range(stard_folds):
        test = [stard[i] for i in order[f::stard_folds]]
        train = [stard[i] for j, i in enumerate(order) if j % stard_folds != f]
        r = Retriever(index, memory=QuestionMemory(items_from_rows(train)), use_reranker=False)
        for row in test:
            gold = {g for g in (gold_ref(x["law"], x["article"]) for x in row["gold"]) if g}
            if gold:
                run(r, row["question"], "zh", SearchFilters(), gold, "s:" + str(row["id"]), "stard")
        print(f"stard fold {f}: {len(feats)} questions so far ({time.time() - t0:.0f} s)", flush=True)
    np.savez_compressed(out, feats=np.array(feats, dtype=object), labels=np.array(labels, dtype=object),
                        groups=np.array(groups), source=np.array(source), features=np.array(FEATURES))
    print(f"wrote {out}: {len(feats)} questions")


def _load(path: Path) -> tuple[list[np.ndarray], list[np.ndarray], list[str], list[str]]:
    z = np.load(path, allow_pickle=True)
    if tuple(z["features"]) != FEATURES:
        raise SystemExit(f"{path} was collected with other features; collect again")
    return list(z["feats"]), list(z["labels"]), [str(g) for g in z["groups"]], [str(s) for s in z["source"]]


def _metrics(labels: list[np.ndarray], scores: list[np.ndarray], idx: list[int]) -> dict:
    r5 = r10 = r100 = mrr = 0.0
    n = 0
    for i in idx:
        y, s = labels[i], scores[i]
        n_gold = max(int(y.sum()), 1)
        ranked = y[np.argsort(-s, kind="stable")]
        r5 += ranked[:5].sum() / n_gold
        r10 += ranked[:10].sum() / n_gold
        r100 += ranked[:100].sum() / n_gold
        hit = np.flatnonzero(ranked[:10])
        mrr += 1.0 / (hit[0] + 1) if hit.size else 0.0
        n += 1
    n = max(n, 1)
    return {"r@5": round(r5 / n, 3), "r@10": round(r10 / n, 3), "r@100": round(r100 / n, 3), "mrr@10": round(mrr / n, 3)}


def _blend(learned: np.ndarray, weight: float) -> np.ndarray:
    from kb.rerank import blend
    from kb.retrieval import FusionWeights

    return np.asarray(blend(list(learned), k=FusionWeights().rerank_k, weight=weight))


def _fit(feats: list[np.ndarray], labels: list[np.ndarray], idx: list[int]) -> Any:
    import lightgbm as lgb

    idx = [i for i in idx if labels[i].any()]  # a question whose gold no channel found teaches nothing
    m = lgb.LGBMRanker(**PARAMS)
    m.fit(np.concatenate([feats[i] for i in idx]), np.concatenate([labels[i] for i in idx]),
          group=[len(labels[i]) for i in idx])
    return m


def cv(path: Path, folds: int) -> None:
    feats, labels, groups, source = _load(path)
    names = sorted(set(groups))
    random.Random(7).shuffle(names)
    fold_of = {g: i % folds for i, g in enumerate(names)}
    scores: list[np.ndarray] = [np.zeros(0)] * len(feats)
    for f in range(folds):
        train = [i for i, g in enumerate(groups) if fold_of[g] != f]
        m = _fit(feats, labels, train)
        for i, g in enumerate(groups):
            if fold_of[g] == f:
                scores[i] = m.predict(feats[i])
        print(f"fold {f} done", flush=True)
    fused = [-f[:, FEATURES.index("log_rank")] for f in feats]
    for src in sorted(set(source)) + ["all"]:
        idx = [i for i, s in enumerate(source) if src in ("all", s)]
        row = {"fused": _metrics(labels, fused, idx), "learned": _metrics(labels, scores, idx)}
        for w in (0.5, 1.0, 2.0, 4.0):
            row[f"blend w={w}"] = _metrics(labels, [_blend(s, w) for s in scores], idx)
        print(f"\n{src} ({len(idx)} questions)")
        for k, v in row.items():
            print(f"  {k:12} {v}")
    m = _fit(feats, labels, list(range(len(feats))))
    imp = sorted(zip(FEATURES, m.booster_.feature_importance("gain"), strict=True), key=lambda x: -x[1])
    print("\ngain:", ", ".join(f"{n} {g:.0f}" for n, g in imp))


def write(path: Path) -> None:
    feats, labels, groups, _ = _load(path)
    m = _fit(feats, labels, list(range(len(feats))))
    m.booster_.save_model(str(DEFAULT_PATH))
    print(f"wrote {DEFAULT_PATH} ({DEFAULT_PATH.stat().st_size} bytes, {len(feats)} questions)")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--per-article", type=int, default=1)
    c.add_argument("--notes-limit", type=int, default=0, help="at most this many example questions (a random sample)")
    c.add_argument("--stard-folds", type=int, default=5)
    c.add_argument("--limit", type=int, default=None)
    v = sub.add_parser("cv")
    v.add_argument("--data", type=Path, required=True)
    v.add_argument("--folds", type=int, default=5)
    w = sub.add_parser("write")
    w.add_argument("--data", type=Path, required=True)
    a = ap.parse_args()
    if a.cmd == "collect":
        collect(a.out, a.per_article, a.notes_limit, a.stard_folds, a.limit)
    elif a.cmd == "cv":
        cv(a.data, a.folds)
    else:
        write(a.data)


if __name__ == "__main__":
    main()
