"""Provision lineage: which article of one version of a law continues which article of the previous one.

A pure function over two lists of provisions (``align``), used by the ingest (which stores its edges in the
article store of the generation) and by the tests. Articles are compared by the character bigrams of their
text (Dice coefficient, punctuation and blanks ignored); the one-to-one matching maximises that similarity
plus small bonuses for a nearby position in the law, the same chapter title and the same number (so that of
two near-identical penalty articles the one in the same place wins). What is left is explained by
containment — a new article whose text lies mostly inside an old one that kept its main successor is a part
split off it; an old article whose text lies mostly inside a new one that continues another is merged into
it — or else is new / deleted.

Edge kinds: ``same`` (same number, same text), ``changed`` (same number, text changed), ``renumbered``
(another number; ``text_changed`` says whether the text changed too), ``split`` / ``merged`` (every edge of
a provision split into several, or of several provisions merged into one), ``new`` (no predecessor) and
``deleted`` (no successor)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

__all__ = ["KINDS", "LineageEdge", "Provision", "align", "normalized_text", "similarity"]

KINDS = ("same", "changed", "renumbered", "split", "merged", "new", "deleted")

MATCH_FLOOR = 0.3  # bigram Dice below which two articles are not the same provision
CONTAIN_FLOOR = 0.6  # share of a part's bigrams found in the whole for a split / merge
PART_MIN_BIGRAMS = 12  # a part shorter than this is too short to tell a split from a shared phrase
POSITION_BONUS = 0.1  # at the same relative place in the law; fades to 0 a third of the law away
HEADING_BONUS = 0.05  # under a chapter/section of the same title
NUMBER_BONUS = 0.03  # same article number

_KEEP = re.compile(r"[\w\u3400-\u9fff]+")


@dataclass(frozen=True)
class Provision:
    """One article of one version, as the aligner sees it."""

    key: str  # "7", "253之一"
    text: str
    heading: str = ""  # title of the innermost heading (章/节), "" outside any


@dataclass(frozen=True)
class LineageEdge:
    old_key: str | None  # None for a new provision
    new_key: str | None  # None for a deleted one
    kind: str  # one of KINDS
    score: float  # bigram Dice similarity of the two texts (0 for new / deleted)
    text_changed: bool | None  # None for new / deleted
    primary: bool = True  # False for the extra parts of a split or merge


def normalized_text(text: str) -> str:
    """The text as compared: letters, digits and CJK only (punctuation, blanks and line breaks dropped)."""
    return "".join(_KEEP.findall(text or ""))


def _bigrams(text: str) -> set[str]:
    t = normalized_text(text)
    return {t[i : i + 2] for i in range(len(t) - 1)} if len(t) > 1 else ({t} if t else set())


def similarity(a: str, b: str) -> float:
    """Bigram Dice coefficient of two texts (1.0 for equal normalised texts)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 1.0 if normalized_text(a) == normalized_text(b) else 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _matrices(old: Sequence[Provision], new: Sequence[Provision]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bigram-weighted (Dice, share of each old text inside each new one, share of each new text inside each
    old one, weight of each old text, weight of each new text). A bigram weighs its inverse document frequency
    over both versions: the boilerplate of a law (处五日以上十日以下拘留, 由监督检查部门责令) is in many of its
    articles and says little about which article continues which."""
    grams_old, grams_new = [_bigrams(p.text) for p in old], [_bigrams(p.text) for p in new]
    vocab: dict[str, int] = {}
    for g in (*grams_old, *grams_new):
        for x in g:
            vocab.setdefault(x, len(vocab))

    def incidence(grams: list[set[str]]) -> sparse.csr_matrix:
        rows = [i for i, g in enumerate(grams) for _ in g]
        cols = [vocab[x] for g in grams for x in g]
        return sparse.csr_matrix((np.ones(len(cols), dtype=np.float64), (rows, cols)), shape=(len(grams), len(vocab)))

    a, b = incidence(grams_old), incidence(grams_new)
    df = np.asarray(a.sum(axis=0)).ravel() + np.asarray(b.sum(axis=0)).ravel()
    idf = np.log((len(old) + len(new) + 1) / (df + 1)) + 0.1
    inter = (a @ sparse.diags(idf) @ b.T).toarray()
    size_a = np.maximum(a @ idf, 1e-6)
    size_b = np.maximum(b @ idf, 1e-6)
    dice = 2 * inter / (size_a[:, None] + size_b[None, :])
    return dice, inter / size_a[:, None], inter / size_b[None, :], size_a, size_b


def align(old: Sequence[Provision], new: Sequence[Provision]) -> list[LineageEdge]:
    """Edges from the articles of ``old`` (a version) to those of ``new`` (the next one), in the new
    version's order, deleted provisions after; every article of both appears in at least one edge."""
    if not old or not new:
        return [LineageEdge(p.key, None, "deleted", 0.0, None) for p in old] + [LineageEdge(None, p.key, "new", 0.0, None) for p in new]
    dice, old_in_new, new_in_old, _, _ = _matrices(old, new)
    n, m = len(old), len(new)
    pos_old = np.arange(n)[:, None] / max(n - 1, 1)
    pos_new = np.arange(m)[None, :] / max(m - 1, 1)
    bonus = POSITION_BONUS * np.clip(1 - 3 * np.abs(pos_old - pos_new), 0, 1)
    bonus += HEADING_BONUS * np.array([[bool(o.heading) and o.heading == w.heading for w in new] for o in old])
    bonus += NUMBER_BONUS * np.array([[o.key == w.key for w in new] for o in old])
    gain = np.where(dice >= MATCH_FLOOR, dice + bonus, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    match = {int(i): int(j) for i, j in zip(rows, cols, strict=True) if dice[i, j] >= MATCH_FLOOR}
    matched_new = set(match.values())
    size_old = [len(_bigrams(p.text)) for p in old]
    size_new = [len(_bigrams(p.text)) for p in new]

    splits: dict[int, int] = {}  # unmatched new j → old i it was split off
    for j in range(m):
        if j in matched_new or size_new[j] < PART_MIN_BIGRAMS:
            continue
        i = int(np.argmax(new_in_old[:, j]))
        if new_in_old[i, j] < CONTAIN_FLOOR:
            continue
        if i in match:
            splits[j] = i
        else:  # neither side matched: the old text continues in a (much) longer or shorter new one
            match[i] = j
            matched_new.add(j)
    merges: dict[int, int] = {}  # unmatched old i → new j it was merged into
    for i in range(n):
        if i in match or size_old[i] < PART_MIN_BIGRAMS:
            continue
        j = int(np.argmax(old_in_new[i, :]))
        if old_in_new[i, j] < CONTAIN_FLOOR:
            continue
        if j in matched_new:
            merges[i] = j
        else:
            match[i] = j
            matched_new.add(j)
    split_old, merged_new = set(splits.values()), set(merges.values())

    def edge(i: int, j: int, primary: bool) -> LineageEdge:
        o, w = old[i], new[j]
        changed = normalized_text(o.text) != normalized_text(w.text)
        if i in split_old:
            kind = "split"
        elif j in merged_new:
            kind = "merged"
        elif o.key != w.key:
            kind = "renumbered"
        else:
            kind = "changed" if changed else "same"
        return LineageEdge(o.key, w.key, kind, round(float(dice[i, j]), 3), changed, primary)

    by_new = {j: i for i, j in match.items()}
    out: list[LineageEdge] = []
    for j in range(m):
        if j in by_new:
            out.append(edge(by_new[j], j, True))
        elif j in splits:
            out.append(edge(splits[j], j, False))
        elif j not in merged_new:
            out.append(LineageEdge(None, new[j].key, "new", 0.0, None))
        out += [edge(i, j, False) for i in sorted(merges) if merges[i] == j]
    gone = [i for i in range(n) if i not in match and i not in merges and i not in split_old]
    out += [LineageEdge(old[i].key, None, "deleted", 0.0, None) for i in gone]
    return out
