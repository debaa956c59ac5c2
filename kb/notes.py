"""The notes of a generation: our headnotes, example questions and charge names per article (written by this
project, not law), indexed as fields of their own that vote for their article — lexical (BM25 per language) and
dense (the generation's embedding model, and a second, cheap model — ``KB_NOTES_MODEL`` — whose cosines an English
question's note matches blend in: measured on 180 English development questions, the notes' own top 5 held a gold
article for 0.305 with e5 alone, 0.372 with both; for Chinese questions the second model only added noise). Small (a few thousand texts): kept as files in the generation and
searched in memory. A note's filter metadata (law, dates, layer …) is its article's, so the same search filters
apply."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.lexical import LexicalIndex, build_lexical, load_lexical
from kb.vectors import row_products

__all__ = ["NoteRow", "ArticleNotes", "write_notes", "load_notes_index", "note_cache_text", "NOTES_DIR", "QUERY_KINDS"]

NOTES_DIR = "notes"
QUERY_KINDS = frozenset({"question"})  # embedded as queries (question ↔ question is symmetric); the rest as passages


@dataclass(frozen=True)
class NoteRow:
    article_id: str
    law_id: str
    kind: str  # headnote | question | charge
    lang: str
    text: str
    effective_from: int  # YYYYMMDD, as chunks carry them
    effective_to: int
    jurisdiction: str
    instrument: str
    layer: str
    scope: str = ""  # "general": a note on general law (contracts, capacity …), not the core laws' subject


def note_cache_text(kind: str, text: str) -> str:
    """What the vector cache keys a note's vector by: its text after the kind it is embedded as ("query: " for an
    example question, "passage: " for the rest), so a question's query vector never stands in for a passage vector."""
    return ("query: " if kind in QUERY_KINDS else "passage: ") + text


# An article's dense note score: the mean cosine of its BEST_NOTES best notes (1 = the best alone). Pooled development
# sets (516 questions, full index) must_recall@5 / @10: five notes per article, best alone 0.605 / 0.689, mean of two
# 0.611 / 0.708; up to nine per core article (round 1), best alone 0.628 / 0.710, mean of two 0.644 / 0.735, of three
# 0.644 / 0.736; with round 2 (up to eleven, and two or three more on the other laws), mean of two 0.636 / 0.737, of
# three 0.648 / 0.746 (shipped). STARD train sample R@10 0.671 before, 0.668 shipped.
BEST_NOTES = 3
NEAREST_ROWS = 12  # rows read per article asked for (depth): enough to find most candidates' next best rows

SECOND = "second.json"  # the second model's name and dimension (its vectors: second.npy, row order)


def write_notes(path: Path, rows: Sequence[NoteRow], tokens: Sequence[list[str]], vectors: np.ndarray | None,
                second: tuple[str, np.ndarray] | None = None) -> None:
    """One generation's notes: rows (JSON Lines), a BM25 index per language, the vectors (row order), and ``second``
    (model name, vectors in row order) when a second model embedded them."""
    folder = path / NOTES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "notes.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r.__dict__, ensure_ascii=False) + "\n")
    for lang in ("zh", "en"):
        docs = [tok for r, tok in zip(rows, tokens, strict=True) if r.lang == lang]
        if not docs:
            continue
        build_lexical(lang, docs).save(folder / f"lexical-{lang}")
    if vectors is not None:
        np.save(folder / "vectors.npy", np.asarray(vectors, dtype=np.float32))
    if second is not None:
        model, vecs = second
        np.save(folder / "second.npy", np.asarray(vecs, dtype=np.float32))
        (folder / SECOND).write_text(json.dumps({"model": model, "dim": int(vecs.shape[1])}), encoding="utf-8")


class ArticleNotes:
    """Search over the notes; results are (article_id, law_id) → best score."""

    def __init__(self, rows: list[NoteRow], lexical: dict[str, LexicalIndex], vectors: np.ndarray | None,
                 second: tuple[str, np.ndarray] | None = None) -> None:
        self.rows = rows
        self.lexical = lexical
        self.vectors = vectors if vectors is not None and len(vectors) == len(rows) else None
        # (model name, vectors) of the second model, when the generation has them for every row
        self.second = second if second is not None and len(second[1]) == len(rows) else None
        self._by_lang = {lang: [i for i, r in enumerate(rows) if r.lang == lang] for lang in ("zh", "en")}
        self._eff_from = np.array([r.effective_from for r in rows], dtype=np.int64)
        self._eff_to = np.array([r.effective_to for r in rows], dtype=np.int64)
        self._law_names: list[str] = sorted({r.law_id for r in rows})
        codes = {law: i for i, law in enumerate(self._law_names)}
        self._law_code = np.array([codes[r.law_id] for r in rows], dtype=np.int32)
        self._dense_row = np.array([r.kind != "charge" for r in rows], dtype=bool)  # charge names are matched whole
        article_codes: dict[str, int] = {}
        self._article_code = np.array([article_codes.setdefault(r.article_id, len(article_codes)) for r in rows], dtype=np.int64)
        self._n_articles = len(article_codes)
        # articles whose notes are about general law: they are not boosted with the core laws' notes (kb.retrieval)
        self.general = frozenset(r.article_id for r in rows if r.scope == "general")
        self._headnotes: dict[str, dict[str, str]] = {}
        self._charges: dict[str, list[int]] = {}
        self._centring: _Centring | None = None  # made at the first centred search (Index.warm makes one per language)
        for i, r in enumerate(rows):
            if r.kind == "headnote":
                self._headnotes.setdefault(r.article_id, {})[r.lang] = r.text
            elif r.kind == "charge":
                self._charges.setdefault(r.text, []).append(i)

    def __len__(self) -> int:
        return len(self.rows)

    def headnote(self, article_id: str) -> dict[str, str]:
        """{"en": …, "zh": …} of our headnote for the article (empty when none was written)."""
        return self._headnotes.get(article_id, {})

    @property
    def charge_names(self) -> list[str]:
        return list(self._charges)

    def charge_rows(self, name: str) -> list[NoteRow]:
        return [self.rows[i] for i in self._charges.get(name, [])]

    def _mask(self, day: int, allow_law: Callable[[str], bool]) -> np.ndarray:
        """Rows in force on ``day`` whose law the filters allow (the predicate is asked once per law, not per row)."""
        laws_ok = np.fromiter((bool(allow_law(law)) for law in self._law_names), dtype=bool, count=len(self._law_names))
        return (self._eff_from <= day) & (self._eff_to >= day) & laws_ok[self._law_code]

    def search_lexical(self, lang: str, groups: Sequence[tuple[Sequence[str], float]], depth: int, day: int,
                       allow_law: Callable[[str], bool]) -> dict[str, tuple[float, str]]:
        lex = self.lexical.get(lang)
        idx = self._by_lang.get(lang, [])
        groups = [(list(t), w) for t, w in groups if t and w > 0]
        if lex is None or not idx or not groups or not len(lex):
            return {}
        allowed = self._mask(day, allow_law)[np.asarray(idx, dtype=np.int64)]
        out: dict[str, tuple[float, str]] = {}
        for d, score in lex.search_weighted(groups, depth, allowed):
            r = self.rows[idx[d]]
            if r.kind == "charge":
                continue  # charge names are matched whole (kb.retrieval), not word by word
            if r.article_id not in out or out[r.article_id][0] < score:
                out[r.article_id] = (float(score), r.law_id)
        return out

    def products(self, vectors: Sequence[Sequence[float]]) -> np.ndarray | None:
        """The notes' vectors × each query vector (rows in order), in one pass over them (kb.vectors.row_products):
        what ``search_dense`` computes for each vector alone, bit for bit."""
        if self.vectors is None or not len(self.rows):
            return None
        return row_products(self.vectors, [np.asarray(v, dtype=np.float32) for v in vectors])

    def search_dense(self, vector: Sequence[float], depth: int, day: int, allow_law: Callable[[str], bool],
                     sims: np.ndarray | None = None, second: Sequence[float] | None = None, weight: float = 0.0,
                     *, lang: str | None = None, centre: float = 0.0) -> dict[str, tuple[float, str]]:
        """Each article's match by cosine with ``vector``: the mean of its BEST_NOTES best notes, the
        articles in the order of their best (``sims``: its products with the notes' vectors, when
        already computed by ``products``); with ``lang`` and ``centre`` > 0, the cosine of the centred vectors
        (``centred``); with ``second`` (the question's vector by the second model) and ``weight`` > 0, by the sum of
        both models' cosines, each standardised over the notes (z-scores: the two models' cosines live in different
        bands), the second's times ``weight``."""
        if self.vectors is None or not len(self.rows):
            return {}
        if sims is None:
            sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        if lang and centre > 0:
            sims = self.centred(sims, vector, lang, centre)
        if second is not None and weight > 0 and self.second is not None:
            sims = _standard(sims, self._dense_row) + weight * _standard(self.second[1] @ np.asarray(second, dtype=np.float32), self._dense_row)
        # the nearest rows (charge names apart, filters applied), then each article's first (best) row, in that order
        order = _nearest(sims, depth * NEAREST_ROWS)
        order = order[self._mask(day, allow_law)[order] & self._dense_row[order]]
        codes = self._article_code[order]
        by_article = np.argsort(codes, kind="stable")  # each article's rows together, best first
        grouped = codes[by_article]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(grouped) else np.zeros(0, dtype=np.int64)
        first = np.sort(by_article[starts])[:depth]  # each article's best row, the articles in the order of it
        best = order[first]
        # … scored by the mean of its BEST_NOTES best rows: an article is near the question when several of its notes
        # agree, not one. (One of its nine or eleven example questions set in the same shop, or asking "what fine could
        # we face?" the same way, finds an article on its own.) An article with fewer rows among the nearest counts
        # the last of them for each missing one, which no row of its own could beat.
        floor = float(sims[order[-1]]) if len(order) else 0.0
        rank = np.arange(len(grouped)) - np.repeat(starts, np.diff(np.r_[starts, len(grouped)]))
        kept = rank < BEST_NOTES
        total = np.zeros(self._n_articles, dtype=np.float64)
        count = np.zeros(self._n_articles, dtype=np.float64)
        np.add.at(total, grouped[kept], sims[order[by_article[kept]]])
        np.add.at(count, grouped[kept], 1.0)
        mine = codes[first]
        score = (total[mine] + (BEST_NOTES - count[mine]) * floor) / BEST_NOTES
        rows = self.rows
        return {rows[i].article_id: (s, rows[i].law_id) for i, s in zip(best.tolist(), score.tolist(), strict=True)}

    def centred(self, sims: np.ndarray, vector: Sequence[float], lang: str, alpha: float = 1.0) -> np.ndarray:
        """The cosines ``sims`` (the notes' vectors × ``vector``) as cosines of centred vectors: each note less the mean
        of all notes, the question less ``alpha`` × the mean of the example questions in its language.

        A question's vector and our example questions' share what every question shares: the way it asks ("…被查到会
        怎么罚？", "Can they do that?"). Uncentred, a question finds the notes that ask like it (every penalty question
        near every other) before the ones about its subject; less the mean of how questions ask, what is left is what
        it is about. The notes' own mean takes out what all of them share (All-but-the-top, Mu & Viswanath 2018). 395
        development questions whose gold article has notes, gold among the notes' first 5 articles: 0.384 → 0.460
        (English 0.352 → 0.445, Chinese 0.413 → 0.473); @10 0.471 → 0.555; the pooled development sets (full index, 384
        questions) must_recall@5 0.597 → 0.618. Computed from the products, not
        the vectors again: (V − m)·(q − a·c) = V·q − a·V·c − m·q + a·m·c."""
        if self._centring is None:
            self._centring = _Centring(self)
        stats = self._centring
        centre, v_centre, mean_centre, centre_sq = stats.question_mean(lang)
        q = np.asarray(vector, dtype=np.float32)
        qc, qm, qq = float(q @ centre), float(q @ stats.mean), float(q @ q)
        num = sims - alpha * v_centre - (qm - alpha * mean_centre)
        q_norm = max(qq - 2 * alpha * qc + alpha * alpha * centre_sq, 1e-12) ** 0.5
        return num / (stats.norms * q_norm)


class _Centring:
    """What ``ArticleNotes.centred`` needs, each part computed once: the notes' mean and each note's distance from it
    (for every language), and per language the example questions' mean with its products (``question_mean``)."""

    def __init__(self, notes: ArticleNotes) -> None:
        self._vectors = np.asarray(notes.vectors, dtype=np.float32)
        self._asked = [(r.lang, notes._dense_row[i] and r.kind in QUERY_KINDS) for i, r in enumerate(notes.rows)]
        self.mean = self._vectors[notes._dense_row].mean(axis=0)
        sq = np.einsum("ij,ij->i", self._vectors, self._vectors)
        self.norms = np.sqrt(np.maximum(sq - 2 * (self._vectors @ self.mean) + float(self.mean @ self.mean), 1e-12))  # |V − mean|
        self._langs: dict[str, tuple[np.ndarray, np.ndarray, float, float]] = {}

    def question_mean(self, lang: str) -> tuple[np.ndarray, np.ndarray, float, float]:
        """(c, V · c, mean · c, c · c) for c the mean of the example questions in ``lang`` (zero when there are none)."""
        got = self._langs.get(lang)
        if got is None:
            asked = np.array([ok and lg == lang for lg, ok in self._asked], dtype=bool)
            c = self._vectors[asked].mean(axis=0) if asked.any() else np.zeros_like(self.mean)
            got = self._langs[lang] = (c, self._vectors @ c, float(self.mean @ c), float(c @ c))
        return got


def _standard(sims: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosines as z-scores over ``rows`` (the notes matched by vector)."""
    part = sims[rows]
    return (sims - part.mean()) / (float(part.std()) or 1.0)


def _nearest(sims: np.ndarray, n: int) -> np.ndarray:
    """``np.argsort(-sims)[:n]``, the rows of the ``n`` highest products, highest first. When the ``n + 1`` highest are
    all different, that order is the only one, and it is found by partitioning and sorting just those (a fifth of the
    CPU of sorting all ~19,000 products); products tied among them are left to argsort itself, which orders ties its
    own way."""
    neg = -sims
    if n < len(neg):
        part = np.argpartition(neg, n)[: n + 1]
        vals = neg[part]
        if np.unique(vals).size == n + 1:
            return part[np.argsort(vals)][:n]
    return np.argsort(neg)[:n]


def load_notes_index(path: Path) -> ArticleNotes | None:
    """The generation's notes, or None for a generation built without any."""
    folder = path / NOTES_DIR
    if not (folder / "notes.jsonl").is_file():
        return None
    rows = [NoteRow(**json.loads(line)) for line in (folder / "notes.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    lexical = {lang: load_lexical(folder / f"lexical-{lang}") for lang in ("zh", "en") if (folder / f"lexical-{lang}").exists()}
    vec_path = folder / "vectors.npy"
    vectors = np.load(vec_path, mmap_mode="r") if vec_path.is_file() else None
    second = None
    if (folder / SECOND).is_file() and (folder / "second.npy").is_file():
        second = (json.loads((folder / SECOND).read_text(encoding="utf-8"))["model"], np.load(folder / "second.npy"))
    return ArticleNotes(rows, lexical, np.asarray(vectors) if vectors is not None else None, second)
