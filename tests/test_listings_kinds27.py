"""Listing kinds added in session 27 (issue 12 §6), worded here afresh — no evaluation listing is copied: fees added
beyond the marked price (价格法 art. 13); banknote images on goods (中国人民银行法 art. 19); the cost of returning faulty
goods put on the buyer (消费者权益保护法 art. 24(2)); the actual supplier's identity withheld (消费者权益保护法实施条例
art. 13); ads that shut out or belittle one sex (广告法 art. 9(9)); face images kept without limit, passed on or
"accepted" by using a feature (个人信息保护法 arts. 28–29). And two precision mends: 和 after a word is a conjunction,
not a family name ("颜色和真钞一模一样"), and a warning to recognise fraud is no invitation to it."""

from __future__ import annotations

from typing import Any

import pytest

from kb.listings import ListingChecker
from tests.listing_helpers import cats, cited


@pytest.mark.parametrize(("title", "description", "category"), [
    ("面具", "标价59元，提交订单时另外收取“消毒费”8元，商品页不单独标注。", "hidden_fees"),
    ("Latex Mask", "Listed at $30; a handling fee of $6 is added at checkout and is not shown on this page.", "hidden_fees"),
    ("招财面具", "面具两侧印有人民币五十元票面图案，喜庆吉利。", "banknote_image"),
    ("Lucky Mask", "Printed all over with real RMB banknote designs for Spring Festival parties.", "banknote_image"),
    ("面具", "收到破损的请联系客服，来回运费由买家承担。", "return_rights"),
    ("Mask", "Faulty items can be sent back, but the customer pays the return shipping.", "return_rights"),
    ("面具", "本品由代工厂直接发货，代工厂的名称和联系方式不对外透露。", "seller_identity"),
    ("Mask", "Shipped by our supplier; we will not share the supplier's name or address.", "seller_identity"),
    ("Horror Mask", "Girls just can't handle this one.", "discrimination"),
    ("恐怖面具", "女生勿扰，只卖真男人。", "discrimination"),
    ("AR Try-On", "Your facial scans are kept indefinitely to train our models.", "forced_personal_info"),
    ("在线试戴", "试戴时的面部照片长期保存，使用即视为同意。", "forced_personal_info"),
])
def test_session_27_kinds_are_found(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(("title", "description", "category"), [
    ("面具", "标价59元含消毒费，包邮，无其他费用。", "hidden_fees"),
    ("Mask", "Shipping ($5) is listed below and charged at checkout.", "hidden_fees"),
    ("元宝面具", "原创元宝图案，不使用任何人民币图案。", "banknote_image"),
    ("面具", "质量问题包退换，来回运费由本店承担。", "return_rights"),
    ("Mask", "Made by our partner workshop, Lin Crafts, 12 Hua Road, Yiwu, tel. 0579-1234567.", "seller_identity"),
    ("Mask", "Loved by women and men alike.", "discrimination"),
    ("Try-On", "Face images stay on your phone and are deleted when you close the page.", "forced_personal_info"),
    ("面具", "标价即总价，结算时不另收任何费用，页面未标明的费用一律不收。", "hidden_fees"),
    ("面具", "质量问题退换，运费由本店承担，不收取任何手续费。", "return_rights"),
    ("Mask", "Defective items: we cover return shipping, and there is no restocking fee.", "return_rights"),
])
def test_session_27_lawful_versions_are_not_flagged(title: str, description: str, category: str) -> None:
    assert category not in cats(title, description)


def test_a_conjunction_is_no_family_name() -> None:
    assert not {"likeness", "name_use"} & cats("金色面具", "表面的金箔颜色和真金一模一样。")
    assert "likeness" in cats("面具", "这款面具和周杰伦长得一模一样。")


def test_a_warning_to_recognise_fraud_is_no_invitation() -> None:
    assert "crime_invitation" not in cats("反诈宣传面具", "社区宣传活动道具，提醒居民识别冒充客服的诈骗。")
    assert "crime_invitation" in cats("面具", "戴上它方便诈骗。")


def test_the_new_kinds_cite_their_articles(raw_index: Any) -> None:
    checker = ListingChecker(raw_index.store)
    assert ("中华人民共和国消费者权益保护法", "第二十四条") in cited(checker, "面具", "收到破损的请联系客服，来回运费由买家承担。")
    assert ("中华人民共和国消费者权益保护法实施条例", "第十三条") in cited(checker, "面具", "本品由代工厂直接发货，代工厂的名称和联系方式不对外透露。")
