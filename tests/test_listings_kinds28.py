"""Listing kinds added in session 28 (issue 12 §6), worded here afresh — no evaluation listing is copied: a device that
shows the caller as any number (反电信网络诈骗法 art. 14); heroes and martyrs mocked on goods (英雄烈士保护法 art. 22,
民法典 art. 185); prize draws whose winners or prizes the seller settles at will (反不正当竞争法 art. 11 (2025));
returned or display goods sold as new (消费者权益保护法 art. 20); a named brand run down; a state body's name or image
used as endorsement (广告法 art. 9(2))."""

from __future__ import annotations

from typing import Any

import pytest

from kb.listings import ListingChecker
from kb.listings.rules import load_rules
from tests.listing_helpers import cats, cited


@pytest.mark.parametrize(("title", "description", "category"), [
    ("整蛊套装", "面具配改号器，来电显示可以设成任意号码，整人专用。", "number_spoofing"),
    ("Ghost Caller Kit", "Includes a caller-ID changer: spoof any number you like.", "number_spoofing"),
    ("搞笑面具", "以黄继光为原型的恶搞版面具，歪嘴造型笑翻全场。", "martyrs"),
    ("Meme Mask", "A goofy parody mask of a famous war hero, great for meme videos.", "martyrs"),
    ("抽奖活动", "下单参与抽奖，奖品种类和中奖名单由本店内部决定。", "prize_terms"),
    ("Giveaway", "Every order enters the prize draw. Winners are chosen internally by our staff.", "prize_terms"),
    ("面具", "部分库存为顾客退货，重新包装后按新品出售，不另行标注。", "used_as_new"),
    ("Vampire Mask", "Some stock is ex-display units, cleaned and sold as new.", "used_as_new"),
    ("Pro Mask", "Forget FaceCo's cheap rubbish - ours is real silicone.", "disparagement"),
    ("Training Mask", "As recommended by the Ministry of Public Security for drills.", "absolute_claim"),
])
def test_session_28_kinds_are_found(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(("title", "description", "category"), [
    ("儿童变声面具", "只改变说话声音，不具备改号功能，不能打电话。", "number_spoofing"),
    ("Call Guard", "Our app helps you detect spoofed calls from scammers.", "number_spoofing"),
    ("原创英雄面具", "本店原创虚构超级英雄，与任何真实英雄人物无关。", "martyrs"),
    ("抽奖活动", "一等奖手镯1只，共10名中奖，11月1日直播公开抽取，中奖名单当场公布。", "prize_terms"),
    ("Prize Draw", "One winner drawn live on 1 November from all orders; prize: a $50 voucher.", "prize_terms"),
    ("面具", "全部为全新未拆封商品，退货商品不再销售。", "used_as_new"),
    ("Mask", "Refurbished units are listed separately and clearly marked as refurbished.", "used_as_new"),
    ("Pro Mask", "Hand-finished platinum silicone, certificate of conformity included.", "disparagement"),
    ("Zombie Cop Mask", "Mask only, no uniform or badge; an original sculpt, not any real officer.", "absolute_claim"),
])
def test_session_28_lawful_versions_are_not_flagged(title: str, description: str, category: str) -> None:
    assert category not in cats(title, description)


def test_the_new_kinds_cite_their_articles(raw_index: Any) -> None:
    rules = load_rules()
    spoof, penalty = rules.citations["atf-number-spoofing"], rules.citations["atf-device-penalty"]
    assert (spoof.law, spoof.key, penalty.key, penalty.penalty) == ("中华人民共和国反电信网络诈骗法", "14", "42", True)
    assert (rules.citations["hml-martyrs"].law, rules.citations["hml-martyrs"].key) == ("中华人民共和国英雄烈士保护法", "22")
    checker = ListingChecker(raw_index.store)
    assert ("中华人民共和国民法典", "第一百八十五条") in cited(checker, "搞笑面具", "以邱少云为原型的恶搞面具。")
    assert ("中华人民共和国反不正当竞争法", "第十一条") in cited(checker, "抽奖", "下单抽奖，中奖名单由店铺内部确定。")
    assert ("中华人民共和国消费者权益保护法", "第二十条") in cited(checker, "面具", "展示样品清洁后按新品出售。")
