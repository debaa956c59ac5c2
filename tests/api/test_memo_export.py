"""Memo export (issue 12 §4): `?format=docx|md` on /v1/ask and /v1/listings/check over the real raw/ index.
The produced files are read back (python-docx for Word) and checked against the JSON of the same request:
question, dates, short answer, analysis by issue, every citation's verbatim text and version, disclaimer."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import docx
import pytest

from kb.memo import DOCX_TYPE, answer_memo, listing_memo, to_docx, to_markdown
from tests.api.conftest import assert_envelope

LISTING = {"title": "于晓桐同款脸 硅胶面具 可过人脸识别", "description": "无需本人同意，戴上后家人都认不出来。进口硅胶。",
           "as_of": "2026-03-01"}
QUESTION = {"question": "未经同意制作、销售与明星面部相同的硅胶面具是否侵犯肖像权？", "as_of": "2025-06-01"}


def docx_text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_listing_check_as_word(client: Any) -> None:
    body = client.post("/v1/listings/check", json=LISTING).json()
    r = client.post("/v1/listings/check?format=docx", json=LISTING)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == DOCX_TYPE
    assert re.fullmatch(r'attachment; filename="listing-check-memo-2026-03-01\.docx"', r.headers["content-disposition"])
    text = docx_text(r.content)
    assert "商品信息自查备忘录" in text and LISTING["title"] in text and LISTING["description"] in text
    assert "2026-03-01" in text and date.today().isoformat() in text
    assert "简要结论" in text and "分析（按问题）" in text and "免责声明" in text
    for f in body["findings"]:
        assert f["category_name"] in text and f["suggestion"] in text
        for c in f["citations"]:
            assert squash(c["quote"]) in squash(text), c["quote"]  # verbatim
            assert c["version"] in text
    assert body["rewritten"]["title"] in text  # the copyable listing
    assert "于晓桐" not in body["rewritten"]["title"]


def test_listing_check_as_markdown_in_english(client: Any) -> None:
    req = {"title": "Realistic Oswin Calloway silicone mask", "description": "No consent required.", "lang": "en"}
    body = client.post("/v1/listings/check", json=req).json()
    r = client.post("/v1/listings/check", params={"format": "md"}, json=req)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert r.headers["content-disposition"].endswith('.md"')
    md = r.text
    assert md.startswith("# Listing self-check memo") and "## Short answer" in md and "## Analysis by issue" in md
    assert "Civil Code Art. 1019" in md and "Civil Code 第一千零一十九条" not in md  # labels in the memo's language
    cited = {c["quote"] for f in body["findings"] for c in f["citations"]}
    assert cited and all(f"> {q}" in md for q in cited)
    assert "Disclaimer" in md and "not legal advice" in md


def test_answer_as_word_and_markdown(client: Any) -> None:
    body = client.post("/v1/ask", json=QUESTION).json()
    assert not body["refused"] and body["citations"]
    r = client.post("/v1/ask?format=docx", json=QUESTION)
    assert r.status_code == 200 and r.headers["content-type"] == DOCX_TYPE
    assert 'filename="answer-memo-2025-06-01.docx"' in r.headers["content-disposition"]
    text = docx_text(r.content)
    assert QUESTION["question"] in text and "2025-06-01" in text and "法律备忘录" in text
    for issue in body["issues"]:
        assert issue["label"] in text
    for c in body["citations"]:
        assert squash(c["quote"]) in squash(text) and c["version"] in text
    assert "免责声明" in text
    md = client.post("/v1/ask?format=md", json=QUESTION).text
    assert md.count("> ") >= len(body["citations"]) and QUESTION["question"] in md


def test_refusal_memo_says_no_answer(client: Any) -> None:
    q = {"question": "xyzzy plugh frobnicate quux", "lang": "en"}
    body = client.post("/v1/ask", json=q).json()
    assert body["refused"]
    md = client.post("/v1/ask?format=md", json=q).text
    assert "No answer given" in md and "Disclaimer" in md


def test_bad_format_is_the_error_envelope(client: Any) -> None:
    assert_envelope(client.post("/v1/ask?format=pdf", json=QUESTION), 422, "validation_error")
    assert_envelope(client.post("/v1/listings/check?format=xml", json=LISTING), 422, "validation_error")
    assert_envelope(client.post("/v1/listings/check?format=docx", json={"title": " "}), 400, "bad_request")


def test_memo_reads_the_answer_model_and_ignores_new_fields(client: Any) -> None:
    """Another engineer restructures answers: extra fields are ignored, a short_answer is used as given."""
    body = client.post("/v1/ask", json=QUESTION).json()
    grown = {**body, "short_answer": [{"issue": "portrait", "text": "SHORT-ANSWER-STATEMENT", "article": "1019"}],
             "sections": {"anything": [1, 2]}, "follow_ups": ["?"]}
    memo = answer_memo(grown)
    assert memo.short_answer == ["SHORT-ANSWER-STATEMENT"]
    md = to_markdown(memo)
    assert "SHORT-ANSWER-STATEMENT" in md
    assert "SHORT-ANSWER-STATEMENT" in docx_text(to_docx(memo))
    # every citation appears once in the authorities, each issue's citations are referenced from its section
    assert len(memo.citations) == len(body["citations"])
    assert all(s.cites for s in memo.sections)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_listing_memo_language(client: Any, lang: str) -> None:
    body = client.post("/v1/listings/check", json={**LISTING, "lang": lang}).json()
    md = to_markdown(listing_memo(body, LISTING["title"], LISTING["description"]))
    if lang == "en":
        assert "Civil Code Art. 1019" in md and "简要结论" not in md
    else:
        assert "《中华人民共和国民法典》第一千零一十九条" in md and "Short answer" not in md
