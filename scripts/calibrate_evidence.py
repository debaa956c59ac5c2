"""Calibrate the evidence score (kb/data/calibration.json) on the compliance dev set plus a held-out STARD
sample: the feature weights stay as reviewed (monotone: more coverage, concepts, lexical strength,
similarity to answered questions → more evidence; an out-of-corpus concept → less); the bias is chosen so
that the refusal threshold 0.5 sits in the middle of the widest gap that separates the questions that
must be refused from the answerable ones (or, if none separates them, maximises accuracy).

    KB_DATA_DIR=… .venv/bin/python scripts/calibrate_evidence.py [--stard 150] [--write]"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.confidence import CALIBRATION_PATH, DEFAULT_CALIBRATION, EvidenceFeatures  # noqa: E402

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stard", type=int, default=150)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()

    from kb.index import open_index
    from kb.qmemory import QuestionMemory, items_from_rows
    from kb.records import SearchFilters
    from kb.retrieval import Retriever
    from kb.settings import get_settings

    index = open_index(get_settings())
    comp = _rows(EVAL / "mask-compliance.dev.jsonl")
    stard = _rows(EVAL / "stard" / "train.jsonl")
    rnd = random.Random(1)
    picked = set(rnd.sample(range(len(stard)), min(a.stard, len(stard))))
    retriever = Retriever(index, memory=QuestionMemory(items_from_rows([r for i, r in enumerate(stard) if i not in picked])))
    samples: list[tuple[str, bool, EvidenceFeatures]] = []  # (id, should answer, features)
    captured: dict[str, EvidenceFeatures] = {}

    import kb.retrieval as retrieval_mod

    original = retrieval_mod.evidence_score

    def spy(f: EvidenceFeatures, calibration: dict | None = None) -> float:
        captured["last"] = f
        return original(f, calibration)

    retrieval_mod.evidence_score = spy  # type: ignore[assignment]
    from datetime import date

    for r in comp:
        as_of = date.fromisoformat(r["as_of"]) if r.get("as_of") else None
        retriever.search(r["question"], k=10, filters=SearchFilters(as_of=as_of), lang=r.get("lang"))
        samples.append((r["id"], not r.get("expect_refusal"), captured["last"]))
    for i in sorted(picked):
        retriever.search(stard[i]["question"], k=10, lang="zh")
        samples.append((stard[i]["id"], True, captured["last"]))
    retrieval_mod.evidence_score = original  # type: ignore[assignment]

    weights = dict(DEFAULT_CALIBRATION["weights"])
    z = [(sid, ok, sum(weights.get(k, 0.0) * v for k, v in f.as_dict().items() if k != "bias"), f) for sid, ok, f in samples]
    for sid, ok, zz, f in z:
        if sid.startswith("mask"):
            print(f"{sid:<14} answer={ok!s:<5} z={zz:6.2f} {f.as_dict()}")
    pos = sorted(zz for _, ok, zz, _ in z if ok)
    neg = sorted(zz for _, ok, zz, _ in z if not ok)
    candidates = sorted({*pos, *neg})
    best = None
    for lo, hi in zip(candidates, candidates[1:], strict=False):
        cut = (lo + hi) / 2
        acc = (sum(1 for p in pos if p > cut) + sum(1 for n in neg if n <= cut)) / len(z)
        key = (acc, hi - lo)
        if best is None or key > best[0]:
            best = (key, cut)
    assert best is not None
    (acc, gap), cut = best
    weights["bias"] = round(-cut, 4)
    refused_pos = sum(1 for p in pos if p <= cut)
    print(f"cut z={cut:.3f} accuracy={acc:.3f} gap={gap:.3f}; answerable refused: {refused_pos}/{len(pos)}; "
          f"to refuse kept: {sum(1 for n in neg if n > cut)}/{len(neg)}")
    out = {
        "refusal_threshold": 0.5,
        "weights": weights,
        "fitted_on": {"compliance_dev": len(comp), "stard_heldout_sample": len(picked), "accuracy": round(acc, 4),
                      "margin_z": round(gap, 4), "answerable_below_threshold": refused_pos},
        "note": "evidence = sigmoid(bias + Σ weight·feature); refuse below refusal_threshold (scripts/calibrate_evidence.py)",
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.write:
        CALIBRATION_PATH.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION_PATH}; sigmoid at the cut = {1 / (1 + math.exp(0)):.2f}")


if __name__ == "__main__":
    main()
