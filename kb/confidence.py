"""Evidence score: a calibrated 0..1 confidence that the corpus answers a question, from features of the
search itself (how much of the question the top articles cover, glossary concept hits, the strength of
the best lexical match, similarity to known answered questions). Parameters and the refusal threshold
live in kb/data/calibration.json, fitted by scripts/calibrate_evidence.py on the dev sets; below the
threshold the answerer refuses instead of citing unrelated articles."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["EvidenceFeatures", "evidence_score", "load_calibration", "CALIBRATION_PATH"]

CALIBRATION_PATH = Path(__file__).resolve().parent / "data" / "calibration.json"

# Used only when the calibration file is missing; the shipped file overrides them.
DEFAULT_CALIBRATION = {
    "weights": {"bias": -3.0, "coverage": 3.0, "expansion_coverage": 1.5, "concepts": 1.0, "memory": 2.0, "lexical": 0.8, "mention": 1.0, "out_of_scope": -3.0},
    "refusal_threshold": 0.5,
}


@dataclass(frozen=True)
class EvidenceFeatures:
    coverage: float  # share of the question's own content words found in the top articles
    expansion_coverage: float  # share of glossary legal terms found in the top articles
    concepts: float  # glossary concepts recognised in the question (0..1, saturating)
    memory: float  # cosine to the nearest known answered question
    lexical: float  # log(1 + best BM25 score)
    mention: float  # a law named in the question (1/0)
    out_of_scope: float  # the glossary recognised a concept the corpus does not cover (foreign law …) (1/0)

    @classmethod
    def from_search(cls, qa: Any, hits: list[Any], *, top_raw: float, memory_similarity: float, mentions: int) -> EvidenceFeatures:
        top = hits[:3]
        own = [t for t in qa.content_tokens if len(t) >= 2]
        matched: set[str] = set()
        for h in top:
            matched.update(h.matched)
        coverage = sum(1 for t in own if t in matched) / len(own) if own else 0.0
        exp = qa.expansions
        exp_cov = sum(1 for t in exp if t in matched) / len(exp) if exp else 0.0
        return cls(
            coverage=round(coverage, 4),
            expansion_coverage=round(exp_cov, 4),
            concepts=round(1.0 - math.exp(-len(getattr(qa, "concepts", exp)) / 2.0), 4),
            memory=round(float(memory_similarity), 4),
            lexical=round(math.log1p(max(0.0, top_raw)), 4),
            mention=1.0 if mentions else 0.0,
            out_of_scope=1.0 if getattr(qa, "out_of_corpus", None) else 0.0,
        )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@lru_cache(maxsize=4)
def load_calibration(path: str | None = None) -> dict[str, Any]:
    p = Path(path) if path else CALIBRATION_PATH
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return dict(DEFAULT_CALIBRATION)
    return {**DEFAULT_CALIBRATION, **data}


def evidence_score(f: EvidenceFeatures, calibration: dict[str, Any] | None = None) -> float:
    cal = calibration or load_calibration()
    w = cal["weights"]
    z = w.get("bias", 0.0) + sum(w.get(name, 0.0) * value for name, value in f.as_dict().items())
    return round(1.0 / (1.0 + math.exp(-z)), 4)
