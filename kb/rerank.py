"""Learned reranking of the fused candidates (LightGBM LambdaRank over the retriever's own channel scores).

Why: the fusion weights are one global compromise; a ranker learns interactions (a strong law prior matters more
when the lexical match is weak, a dense match more when the question is English …). Trained by
scripts/train_rerank.py on our notes questions (each searched with itself held out of the notes channels) and on
STARD train (out-of-fold question memories); measured by 5-fold cross-validation held out by article (notes) and by
question (STARD): fused -> blend (weight 4) notes-en R@5 0.443 -> 0.587, notes-zh 0.651 -> 0.673, STARD R@10
0.670 -> 0.692, R@100 0.885 -> 0.903. It reorders the fused top DEPTH of each question, both languages (not the
sub-queries of a long question), blended with the fused order by reciprocal rank. By default (settings.rerank
"general") only for questions outside the core laws' subject, what it was trained for: on every question, the
multi-article compliance dev set's must_recall@5 falls from 0.94 to 0.63; on the general ones only, the pooled compliance
sets stay level and a STARD train sample's R@10 rises 0.647 → 0.691 (a sample the ranker saw; CV above: +0.02)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["FEATURES", "features_for", "blend", "Reranker", "load_reranker", "DEFAULT_PATH"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "rerank.txt"
# Every channel's scaled score for the candidate, the fused score and rank, and what describes the question
# (its language, length, how strongly anything matched it, how close the nearest known question is).
FEATURES = (
    "score", "log_rank", "lex_zh", "lex_zx", "lex_en", "raw_lex", "dense", "notes_lex", "notes_dense", "charge",
    "law_prior", "art_prior", "mention", "law_prior_max", "art_prior_max", "dense_gap", "notes_dense_gap",
    "memory_sim", "n_tokens", "top_raw", "lang_en",
)
DEPTH = 500  # candidates reranked: the fused top 500 (what the model was trained on); the rest keep their fused order below


def features_for(cands: Sequence[Any], *, memory_sim: float, n_tokens: int, top_raw: float, lang: str) -> list[list[float]]:
    """One row per candidate (in fused order, FEATURES); ``cands`` are retrieval._Cand objects."""
    lp_max = max((c.law_prior for c in cands), default=0.0) or 1.0
    ap_max = max((c.art_prior for c in cands), default=0.0) or 1.0
    d_max = max((c.dense for c in cands), default=0.0)
    nd_max = max((c.notes_dense for c in cands), default=0.0)
    lang_en = 1.0 if lang == "en" else 0.0
    q = [memory_sim, float(n_tokens), math.log1p(top_raw), lang_en]
    rows = []
    for i, c in enumerate(cands):
        rows.append([
            c.score, math.log1p(i), c.lex_zh, c.lex_zx, c.lex_en, math.log1p(c.raw_lex), c.dense, c.notes_lex,
            c.notes_dense, c.charge, c.law_prior, c.art_prior, c.mention, c.law_prior / lp_max, c.art_prior / ap_max,
            d_max - c.dense, nd_max - c.notes_dense, *q,
        ])
    return rows


def blend(learned: Sequence[float], *, k: float, weight: float) -> list[float]:
    """Reciprocal-rank blend of the fused order (the candidates' order in ``learned``) and the learned one:
    ``1/(k + fused rank) + weight/(k + learned rank)``, ranks from 0, learned ties in fused order. Higher is
    better. The retriever ranks by it; scripts/train_rerank.py measures it."""
    by_learned = sorted(range(len(learned)), key=lambda i: (-learned[i], i))
    learned_rank = {i: r for r, i in enumerate(by_learned)}
    return [1.0 / (k + i) + weight / (k + learned_rank[i]) for i in range(len(learned))]


class Reranker:
    def __init__(self, booster: Any) -> None:
        self.booster = booster

    def scores(self, rows: list[list[float]]) -> list[float]:
        import numpy as np

        return [float(x) for x in self.booster.predict(np.asarray(rows, dtype=np.float64))]


@lru_cache(maxsize=2)
def load_reranker(path: str | None = None) -> Reranker | None:
    p = Path(path) if path else DEFAULT_PATH
    if not p.is_file():
        return None
    import lightgbm as lgb

    return Reranker(lgb.Booster(model_file=str(p)))
