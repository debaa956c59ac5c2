"""Tokenisers for the lexical index and queries: jieba (with the legal user dictionary) for Chinese,
PyStemmer for English. Index and query must use the very same functions."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]|\d+[a-z]?")
_ZH_KEEP = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")

EN_STOP = frozenset(
    "a an the of to in on for and or by with as at be is are was were been this that these those it its from "
    "which who whom whose shall may can any such other not no than then there their them they he she his her "
    "i we you our your my me us do does did if so into upon under over about".split()
)
ZH_STOP = frozenset("的 了 和 与 或 及 等 是 在 对 为 以 由 其 之 者 所 将 被 把 从 向 并 而 也 都 就 我 你 他 她 它 吗 呢 吧 啊 什么 怎么 如何 哪些 是否 可以 能否 会 要 该 这 那 个".split())

_lock = threading.Lock()
_LEGAL_DICT = Path(__file__).resolve().parent.parent / "corpus" / "legal_dict.txt"


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    with _lock:
        tok.initialize()
        if _LEGAL_DICT.is_file():
            tok.load_userdict(str(_LEGAL_DICT))
    return tok


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize_zh(text: str) -> list[str]:
    """jieba search-mode tokens of the Han/alphanumeric text, without stop words and punctuation."""
    out: list[str] = []
    for tok in _jieba().cut_for_search(text):
        tok = tok.strip()
        if not tok or tok in ZH_STOP or not _ZH_KEEP.search(tok):
            continue
        out.append(tok.lower())
    return out


@lru_cache(maxsize=4096)
def query_tokens_zh(text: str) -> tuple[str, ...]:
    """`tokenize_zh` of a question or a part of one, remembered (bounded): a Chinese question's text is tokenised by
    its lexical analysis and again by the question memory (kb.qmemory.features), each of its sentences too."""
    return tuple(tokenize_zh(text))


def tokenize_en(text: str) -> list[str]:
    words = [w.lower() for w in _EN_WORD.findall(text)]
    words = [w for w in words if w not in EN_STOP]
    return _stemmer().stemWords(words)


def tokenize(text: str, lang: str) -> list[str]:
    return tokenize_zh(text) if lang == "zh" else tokenize_en(text)


def zh_word_starts(text: str) -> set[int]:
    """Offsets where a jieba precise-mode word begins (the legal dictionary keeps law names whole)."""
    starts, pos = set(), 0
    for tok in _jieba().cut(text):
        starts.add(pos)
        pos += len(tok)
    return starts


def tokenize_zh_terms(text: str) -> list[str]:
    """jieba precise-mode tokens: one token per word. For glossary legal terms, so that a long dictionary
    phrase (电子商务平台经营者) counts once instead of once per sub-word as search mode would weigh it."""
    out: list[str] = []
    for tok in _jieba().cut(text):
        tok = tok.strip()
        if not tok or tok in ZH_STOP or not _ZH_KEEP.search(tok):
            continue
        out.append(tok.lower())
    return out
