"""The day a question dates its facts (kb.temporal.conduct_date)."""

from datetime import date

import pytest

from kb.temporal import conduct_date

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025年8月，我们在网店上架了仿真面具。", date(2025, 8, 31)),
        ("2025年8月20日起，店铺页面写着……", date(2025, 8, 20)),
        ("In March 2025 the shop started selling the masks.", date(2025, 3, 31)),
        ("On 20 August 2025 he opened the account.", date(2025, 8, 20)),
        ("On August 20, 2025 he opened the account.", date(2025, 8, 20)),
        ("The listing went up on 2024-03-15.", date(2024, 3, 15)),
        ("2023年5月签约，2025年2月开始销售。", date(2025, 2, 28)),  # the latest date
    ],
)
def test_a_dated_fact_gives_the_day(text: str, day: date) -> None:
    assert conduct_date(text, today=TODAY) == day


@pytest.mark.parametrize(
    "text",
    [
        "My father died in 2023.",  # a bare year picks no version
        "2027年1月我们打算开店。",  # not yet
        "按现行《反不正当竞争法》，2025年3月的行为怎么处罚？",  # the law in force now is asked for
        "Under the current law, what happens to what we did in May 2025?",
        "We may 2025 units ship later.",  # "may" the verb
        "",
    ],
)
def test_no_day(text: str) -> None:
    assert conduct_date(text, today=TODAY) is None
