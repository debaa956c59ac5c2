"""Sentencing circumstances of a criminal fact pattern (kb/circumstances.py, kb/data/circumstances.toml) and the
retrieval step that places their general-part articles after the crime's own articles."""

from __future__ import annotations

import pytest

from kb.circumstances import defendants, is_fact_pattern, load_circumstances
from kb.records import SearchFilters

# our own fact patterns (written for these tests)
JOINT = ("公诉机关指控：2024年3月，被告人王某伙同被告人刘某某，由王某出资并策划，刘某某仅负责在网上发布虚假的面具代购信息，"
         "先后骗取多名被害人货款共计人民币五万元。案发后，刘某某主动投案，如实供述了犯罪事实。被告人王某、刘某某犯诈骗罪。")
ALONE = "经审理查明：被告人陈某在某商场内趁店员不备，窃取展示柜内的手机一部，价值人民币六千元。罪名：盗窃"


def ids(text: str, charges: int = 0) -> list[str]:
    return [c.id for c in load_circumstances().found(text, charges=charges)]


def test_every_circumstance_names_a_general_part_article_and_compiles() -> None:
    items = load_circumstances().items
    assert len(items) >= 10 and all(c.article.isdigit() and int(c.article) < 102 for c in items)  # 总则: 第一至一百零一条
    assert all(c.statute and c.patterns for c in items)


def test_defendants_are_counted_by_name_not_by_mention() -> None:
    assert defendants(JOINT) == {"王某", "刘某某"}
    assert defendants(ALONE) == {"陈某"}
    assert defendants("被告人赵某、孙某甲犯敲诈勒索罪") == {"赵某", "孙某甲"}
    assert not is_fact_pattern("网店卖仿真面具要注意什么？") and is_fact_pattern(ALONE)


def test_a_joint_crime_with_roles_and_a_confession_is_recognised() -> None:
    found = ids(JOINT)
    assert found[:3] == ["joint-crime", "principal", "accessory"] and "surrender-confession" in found
    assert "attempt" not in found and "recidivism" not in found


def test_a_lone_defendant_has_no_principal_or_accessory() -> None:
    text = "公诉机关指控：被告人李某受他人指使，帮助运输赃物。到案后如实供述。"
    found = ids(text)
    assert "joint-crime" not in found and "accessory" not in found  # 从犯 only inside a joint crime
    assert found == ["surrender-confession"]


def test_attempt_recidivism_and_several_charges() -> None:
    text = ("被告人张某曾因犯盗窃罪被判处有期徒刑二年，2023年刑满释放。2024年5月，张某撬开他人车门欲窃取财物，"
            "因车主返回而未得逞。")
    assert ids(text) == ["attempt", "recidivism"]
    assert "several-crimes" in ids("被告人周某犯诈骗罪、伪造公司印章罪。", charges=2)
    assert "several-crimes" not in ids("被告人周某犯诈骗罪。", charges=1)


def test_the_circumstances_follow_the_crime_in_a_search(raw_index) -> None:
    from kb.retrieval import Retriever

    keys = [h.article.key for h in raw_index.retriever.search(JOINT, k=10, filters=SearchFilters()).hits
            if h.article.law_id == "criminal-law"]
    assert keys[:1] == ["266"] and keys[1:5] == ["25", "26", "27", "67"]
    off = Retriever(raw_index)
    off.off = frozenset({"circumstances"})
    top = [h.article.key for h in off.search(JOINT, k=10, filters=SearchFilters()).hits[:5]]
    assert top[:1] == ["266"] and top != keys[:5]


@pytest.mark.parametrize("text", ["我们网店卖面具，被告人是什么意思？", "What happens to a defendant who confesses?"])
def test_questions_that_are_not_fact_patterns_are_left_alone(raw_index, text: str) -> None:
    from kb.retrieval import Retriever

    on = raw_index.retriever.search(text, k=10, filters=SearchFilters()).hits
    off = Retriever(raw_index)
    off.off = frozenset({"circumstances"})
    if "被告人" in text:  # a lay question naming the word: only the statute's conditions in its text count
        assert [h.article.key for h in on if h.article.key in ("25", "26", "27", "23", "65", "68")] == []
    else:
        assert [h.article.article_id for h in on] == [h.article.article_id for h in off.search(text, k=10, filters=SearchFilters()).hits]
