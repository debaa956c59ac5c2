"""The service refuses out-of-scope questions with the scope rule's reason, what was searched and the nearest laws
(real raw/ index), and still answers a PRC-law question that names a foreign place."""

from __future__ import annotations

from typing import Any

from kb.answer.service import answer_question


def test_a_foreign_place_is_refused_with_the_place_and_the_search(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, "Can a Seattle gift shop sell masks of a baseball star without a licence?", settings=api_settings)
    assert ans.refused is True and ans.citations == []
    assert "seattle" in (ans.refusal_reason or "") and "foreign jurisdiction" in ans.answer
    assert "Searched:" in ans.answer and "nearest laws" in ans.answer
    assert ans.searched["terms"]  # what was searched is reported, not only said


def test_a_no_statute_question_is_refused_saying_so(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(qa_index, "起诉面具店侵犯我的肖像权，胜算大吗？", settings=api_settings)
    assert ans.refused is True
    assert "胜诉的可能性" in (ans.refusal_reason or "") and "最接近的法律" in ans.answer


def test_a_prc_law_question_naming_a_foreign_place_is_answered(qa_index: Any, api_settings: Any) -> None:
    ans = answer_question(
        qa_index, "Does the Civil Code protect a Japanese actor against masks of his face sold in Guangzhou?", settings=api_settings
    )
    assert ans.refused is False and ans.citations
