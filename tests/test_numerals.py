from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.numerals import (
    article_key,
    article_label,
    english_label,
    parse_article_label,
    parse_chinese_number,
    parse_english_label,
    to_chinese,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("一百", 100), ("一百零一", 101), ("一百一十", 110),
     ("一千零一", 1001), ("一千零一十九", 1019), ("一千零二十", 1020), ("一千一百六十五", 1165),
     ("一千二百六十", 1260), ("二百五十三", 253), ("一万零一十", 10010), ("12", 12), ("１２", 12)],
)
def test_parse_chinese_number(text: str, value: int) -> None:
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize("bad", ["", "条", "一二", "abc", "一〇一"])
def test_parse_chinese_number_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese_number(bad)


@given(st.integers(min_value=1, max_value=99_999))
def test_round_trip(n: int) -> None:
    assert parse_chinese_number(to_chinese(n)) == n


def test_statute_spelling() -> None:
    assert to_chinese(10) == "十"
    assert to_chinese(110) == "一百一十"
    assert to_chinese(1019) == "一千零一十九"
    assert to_chinese(1001) == "一千零一"


def test_article_labels() -> None:
    assert parse_article_label("第一千零一十九条") == (1019, 0)
    assert parse_article_label("第二百五十三条之一") == (253, 1)
    assert parse_article_label("第二百八十七条之二") == (287, 2)
    assert article_label(253, 1) == "第二百五十三条之一"
    assert article_label(20) == "第二十条"
    assert article_key(253, 1) == "253之一"
    with pytest.raises(ValueError):
        parse_article_label("第二百五十三条的规定")


def test_english_labels() -> None:
    assert english_label(253, 1) == "Article 253a"
    assert english_label(287, 2) == "Article 287b"
    assert english_label(1019) == "Article 1019"
    assert parse_english_label("253a") == (253, 1)
    assert parse_english_label("Article 280a") == (280, 1)
    assert parse_english_label("1019") == (1019, 0)
    with pytest.raises(ValueError):
        parse_english_label("Article")


@given(st.integers(min_value=1, max_value=2000), st.integers(min_value=0, max_value=9))
def test_label_round_trips(n: int, s: int) -> None:
    assert parse_article_label(article_label(n, s)) == (n, s)
    assert parse_english_label(english_label(n, s)) == (n, s)
