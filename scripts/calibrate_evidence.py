"""Calibrate the evidence score (kb/data/calibration.json) on the full index with the compliance dev set, the
answers calibration set (evalsets/answers-calibration.jsonl: answerable and refusal questions) and a held-out
STARD sample: the feature weights stay as reviewed (monotone: more coverage, concepts, lexical strength,
similarity to answered questions → more evidence; an out-of-corpus concept → less); the bias is chosen so
that the refusal threshold 0.5 sits in the middle of the widest gap that separates the questions that
must be refused from the answerable ones (or, if none separates them, maximises accuracy, refusing an
answerable question counting double). Questions the scope rules refuse (kb/answer/scope.py: foreign law,
no legal question, no statute) never reach the score in the service; they stay in the fit as refusals, so that the
score remains a backstop for out-of-scope questions the rules miss (--skip-ruled leaves them out).

Prints the calibration table: evidence-score bands against correctness (answerable questions whose must
article is among the top 10 / questions that must be refused), on the fit set and, with --table, on held-out
`kb eval --json` outputs (their scores re-based to the new bias).

    KB_DATA_DIR=… .venv/bin/python scripts/calibrate_evidence.py [--stard 150] [--write] [--table EVAL.json ...]
    .venv/bin/python scripts/calibrate_evidence.py --table-only --table EVAL.json ...   # no fit, shipped calibration"""

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
OWN = Path(__file__).resolve().parent.parent / "evalsets" / "answers-calibration.jsonl"
BANDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def table(samples: list[tuple[float, bool, bool, bool]], title: str) -> str:
    """Markdown table of evidence bands: (score, should answer, must in top 10, refused by the scope rules) per question;
    "right" counts the service's decision: a scope-rule refusal, else the score against 0.5."""
    lines = [f"### {title}", "", "| evidence | answerable | of them must in top 10 | must be refused | of them caught by scope rules | right |",
             "|---|---|---|---|---|---|"]
    for lo, hi in zip(BANDS, BANDS[1:], strict=False):
        got = [x for x in samples if lo <= x[0] < hi]
        if not got:
            continue
        ans = [x for x in got if x[1]]
        neg = [x for x in got if not x[1]]
        right = sum(1 for x in ans if not x[3] and x[0] >= 0.5) + sum(1 for x in neg if x[3] or x[0] < 0.5)
        lines.append(f"| {lo:.1f}–{min(hi, 1.0):.1f} | {len(ans)} | {sum(1 for x in ans if x[2])} | {len(neg)} | "
                     f"{sum(1 for x in neg if x[3])} | {right}/{len(got)} |")
    return "\n".join(lines)


def held_out(paths: list[str], old_bias: float, new_bias: float) -> list[tuple[float, bool, bool, bool]]:
    """(re-based score, should answer, must in top 10, scope rule refuses) from `kb eval --json` outputs."""
    from kb.answer.scope import refusal
    from kb.evaluation import load_rows

    out = []
    for p in paths:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
        rows = {r["id"]: r for r in load_rows(data["file"])}
        for item in data.get("per_question", []):
            row = rows.get(item["id"])
            if row is None:
                continue
            e = min(max(float(item["evidence"]), 1e-4), 1 - 1e-4)
            score = _sigmoid(math.log(e / (1 - e)) - old_bias + new_bias)
            ranks = item.get("must_ranks") or []
            out.append((score, not item["expect_refusal"], any(r and r <= 10 for r in ranks), refusal(row["question"]) is not None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stard", type=int, default=150)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--skip-ruled", action="store_true", help="leave out questions the scope rules refuse")
    ap.add_argument("--table", nargs="*", default=[], help="`kb eval --json` outputs (held-out sets) to tabulate")
    ap.add_argument("--table-only", action="store_true", help="only tabulate --table outputs with the shipped calibration")
    a = ap.parse_args()
    if a.table_only:
        from kb.confidence import load_calibration as shipped

        bias = float(shipped()["weights"].get("bias", 0.0))
        print(table(held_out(a.table, bias, bias), "Held out: " + ", ".join(Path(p).stem for p in a.table)))
        return

    from datetime import date

    import kb.retrieval as retrieval_mod
    from kb.answer.scope import refusal
    from kb.confidence import load_calibration
    from kb.evaluation import _gold, _rank_of, hit_ref
    from kb.index import open_index
    from kb.qmemory import QuestionMemory, items_from_rows
    from kb.records import SearchFilters
    from kb.retrieval import Retriever
    from kb.settings import get_settings

    old_bias = float(load_calibration()["weights"].get("bias", 0.0))
    index = open_index(get_settings())
    comp = _rows(EVAL / "mask-compliance.dev.jsonl") + _rows(OWN)
    stard = _rows(EVAL / "stard" / "train.jsonl")
    rnd = random.Random(1)
    picked = set(rnd.sample(range(len(stard)), min(a.stard, len(stard))))
    retriever = Retriever(index, memory=QuestionMemory(items_from_rows([r for i, r in enumerate(stard) if i not in picked])))
    samples: list[tuple[str, bool, EvidenceFeatures, bool]] = []  # (id, should answer, features, must in top 10)
    ruled_ids: set[str] = set()
    captured: dict[str, EvidenceFeatures] = {}
    original = retrieval_mod.evidence_score

    def spy(f: EvidenceFeatures, calibration: dict | None = None) -> float:
        captured["last"] = f
        return original(f, calibration)

    def correct(res: object, gold: list[dict]) -> bool:
        refs = [hit_ref(h) for h in res.hits]  # type: ignore[attr-defined]
        return any((r := _rank_of(g, refs)) and r <= 10 for g in (_gold(x) for x in gold) if g)

    retrieval_mod.evidence_score = spy  # type: ignore[assignment]
    ruled = 0
    for r in comp:
        if refusal(r["question"]) is not None:
            ruled += 1
            ruled_ids.add(r["id"])
            if a.skip_ruled:
                continue
        as_of = date.fromisoformat(r["as_of"]) if r.get("as_of") else None
        res = retriever.search(r["question"], k=10, filters=SearchFilters(as_of=as_of), lang=r.get("lang"))
        samples.append((r["id"], not r.get("expect_refusal"), captured["last"], correct(res, r.get("must") or [])))
    for i in sorted(picked):
        res = retriever.search(stard[i]["question"], k=10, lang="zh")
        samples.append((stard[i]["id"], True, captured["last"], correct(res, stard[i].get("gold") or [])))
    retrieval_mod.evidence_score = original  # type: ignore[assignment]

    weights = dict(DEFAULT_CALIBRATION["weights"])
    z = [(sid, ok, sum(weights.get(k, 0.0) * v for k, v in f.as_dict().items() if k != "bias"), f) for sid, ok, f, _ in samples]
    for sid, ok, zz, f in z:
        if not str(sid).isdigit() and not ok:
            print(f"{sid:<14} answer={ok!s:<5} z={zz:6.2f} {f.as_dict()}")
    pos = sorted(zz for _, ok, zz, _ in z if ok)
    neg = sorted(zz for _, ok, zz, _ in z if not ok)
    candidates = sorted({*pos, *neg})
    candidates = [candidates[0] - 1.0, *candidates, candidates[-1] + 1.0]
    best = None
    for lo, hi in zip(candidates, candidates[1:], strict=False):
        cut = (lo + hi) / 2
        errors = 2 * sum(1 for p in pos if p <= cut) + sum(1 for n in neg if n > cut)
        key = (-errors, hi - lo)
        if best is None or key > best[0]:
            best = (key, cut)
    assert best is not None
    _, cut = best
    acc = (sum(1 for p in pos if p > cut) + sum(1 for n in neg if n <= cut)) / len(z)
    gap = min((p for p in pos if p > cut), default=cut) - max((n for n in neg if n <= cut), default=cut)
    weights["bias"] = round(-cut, 4)
    refused_pos = sum(1 for p in pos if p <= cut)
    print(f"{ruled} questions refused by the scope rules ({'left out' if a.skip_ruled else 'fitted as refusals'}); cut z={cut:.3f} accuracy={acc:.3f} gap={gap:.3f}; "
          f"answerable refused: {refused_pos}/{len(pos)}; to refuse kept: {sum(1 for n in neg if n > cut)}/{len(neg)}")
    fit = [(_sigmoid(weights["bias"] + zz), ok, good, sid in ruled_ids) for (sid, ok, zz, _), (_, _, _, good) in zip(z, samples, strict=True)]
    print(table(fit, f"Fit set ({len(fit)} questions: compliance dev + answers calibration + {len(picked)} STARD)"))
    if a.table:
        print()
        print(table(held_out(a.table, old_bias, weights["bias"]), "Held out: " + ", ".join(Path(p).stem for p in a.table)))
    out = {
        "refusal_threshold": 0.5,
        "weights": weights,
        "fitted_on": {"compliance_dev_and_answers_calibration": len(comp) - (ruled if a.skip_ruled else 0),
                      "of_them_scope_rule_refusals": 0 if a.skip_ruled else ruled,
                      "stard_heldout_sample": len(picked), "accuracy": round(acc, 4), "margin_z": round(gap, 4),
                      "answerable_below_threshold": refused_pos},
        "note": "evidence = sigmoid(bias + Σ weight·feature); refuse below refusal_threshold (scripts/calibrate_evidence.py)",
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if a.write:
        CALIBRATION_PATH.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION_PATH}")


if __name__ == "__main__":
    main()
