"""answer_metrics over hand-written rows (not the evaluation set): citing-must share, fabricated, refusals."""

from __future__ import annotations

from typing import Any

from kb.answer.metrics import answer_metrics

ROWS = [
    {"id": "t1", "lang": "en", "question": "May a shop sell masks made from a stranger's photos without consent?", "as_of": None,
     "must": [{"law": "中华人民共和国民法典", "article": "第一千零一十九条"}], "expect_refusal": False},
    {"id": "t2", "lang": "zh", "question": "广告中能否使用“国家级”“最佳”等用语？", "as_of": "2024-05-01",
     "must": [{"law": "中华人民共和国广告法", "article": "第九条"}], "expect_refusal": False},
]


def test_answer_metrics(qa_index: Any, api_settings: Any) -> None:
    m = answer_metrics(qa_index, ROWS, settings=api_settings)
    assert m["fabricated_citations"] == 0
    assert m["answers_citing_must"] == 1.0 and m["refusal_accuracy"] == 1.0
    assert m["answers_must_first3"] == 1.0 and all(r["must_first3"] for r in m["answer_rows"])
    assert m["citations"] >= 2 and [r["id"] for r in m["answer_rows"]] == ["t1", "t2"]
    forced = answer_metrics(qa_index, ROWS, settings=api_settings.model_copy(update={"refusal_threshold": 1.01}))
    assert forced["refusal_accuracy"] == 0.0 and forced["answered_with_must"] == 0 and forced["answers_citing_must"] is None
    assert forced["answers_must_first3"] is None


def test_must_first3_counts_only_the_first_three_citations(qa_index: Any, api_settings: Any) -> None:
    from kb.answer import Citation, Draft

    class Late:  # cites the must article fourth: it is cited, but not among the first three
        name = "late"

        def answer(self, evidence: Any) -> Draft:
            store = evidence.store
            cites = []
            for key in ("1020", "1018", "995", "1019"):
                art = store.article("civil-code", key)
                cites.append(Citation(law="civil-code", article=key, quote=art.text_zh.split("。")[0] + "。"))
            return Draft(text="x", citations=cites, answerer=self.name)

    m = answer_metrics(qa_index, ROWS[:1], answerer=Late(), settings=api_settings)
    assert m["answers_citing_must"] == 1.0 and m["answers_must_first3"] == 0.0
