"""Listing kinds added in session 24 (issue 12 §6), each worded here afresh — no evaluation listing is copied: a
prize draw above the legal cap, an add-on pre-selected at checkout, a face scan or ID demanded before the shop will
sell, awards or test figures whose source is withheld, another maker's name printed on the goods, a voice described
by the role its owner is known for, a competitor run down by comparison; and two clean kinds that look risky: a
casting kit for the buyer's own face, and 以假乱真 said of a stage effect."""

from __future__ import annotations

import pytest

from tests.listing_helpers import cats


@pytest.mark.parametrize(("title", "description", "category"), [
    ("Zombie Mask Bundle", "Buy any two masks and join our New Year raffle - grand prize RMB 88,000 cash!", "prize_promotion"),
    ("万圣节面具", "下单即参与幸运抽奖，一等奖现金8万元，12月1日直播开奖。", "prize_promotion"),
    ("Witch Mask", "A 29-yuan glue remover is added to every order automatically; untick the box if you don't need it.", "tie_in_default"),
    ("仿真面具", "结算时默认勾选“面具清洁套装”（39元），不需要的请自行取消勾选。", "tie_in_default"),
    ("定制面具", "为确保安全，下单前须上传身份证正反面并完成人脸识别，不同意的顾客恕不接待。", "forced_personal_info"),
    ("Custom Face Mask", "All buyers must upload a photo of their ID card and complete a face scan before ordering.", "forced_personal_info"),
    ("金奖面具", "本品荣获国际面具博览会金奖，经权威机构检测仿真度达98.5%，检测报告恕不公开。", "unsourced_claim"),
    ("Award-Winning Mask", "Winner of three international awards; independent lab tests show 97% skin likeness (test report confidential).", "unsourced_claim"),
    ("老人面具", "小作坊生产，包装上印上某知名工艺品厂的厂名厂址，看起来更正规。", "false_origin_or_mark"),
    ("Talking Mask", "Built-in voice chip: you will sound exactly like the host of the most famous late-night talk show.", "voice"),
    ("Old Man Mask", "Unlike the cheap masks from other shops that smell of glue, ours are odourless. Don't waste your money on their knock-offs.", "disparagement"),
])
def test_new_kinds_are_found(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(("title", "description", "category"), [
    ("Mask Bundle", "Every order enters our monthly prize draw: top prize a 500-yuan voucher.", "prize_promotion"),
    ("仿真面具", "可选购清洁套装（需手动勾选，默认不选）。", "tie_in_default"),
    ("定制面具", "仅凭订单号即可下单，我们不收集人脸或身份证信息。", "forced_personal_info"),
    ("Mask", "Tested by SGS, report no. SH2024-118 available on request.", "unsourced_claim"),
])
def test_the_lawful_version_is_not_flagged(title: str, description: str, category: str) -> None:
    assert category not in cats(title, description)


def test_a_casting_kit_for_the_buyers_own_face_is_no_likeness() -> None:
    assert "likeness" not in cats("Life-Cast Kit", "Cast your own face at home and make a perfect replica in silicone.")
    assert "likeness" in cats("Celebrity Mask", "A perfect replica of a famous actor, hand painted.")


def test_a_stage_effect_that_looks_real_is_not_impersonation() -> None:
    assert "impersonation" not in cats("京剧脸谱面具", "手绘描金，演出时“以假乱真”的舞台效果。")
    assert "impersonation" in cats("仿真面具", "戴上后以假乱真，冒充他人，连家人都认不出。")
