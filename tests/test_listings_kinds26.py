"""Listing kinds added in session 26 (issue 12 §6), worded here afresh — no evaluation listing is copied: a free gift
whose kind, quantity or period is left to the seller (广告法 art. 8(2)); an alcoholic drink pushed on the buyer or
credited with calming the nerves (广告法 art. 23); a covert camera or recorder (刑法 art. 283, 治安管理处罚法 art. 70);
a term that a paid order is not a contract (电子商务法 art. 49); an auto-renewal without a reminder or with a costly or
awkward way out (网络交易监督管理办法 art. 18)."""

from __future__ import annotations

from typing import Any

import pytest

from kb.listings import ListingChecker
from tests.listing_helpers import cats, cited


@pytest.mark.parametrize(("title", "description", "category"), [
    ("Mask + gift", "Every order comes with a free surprise gift; what it is and how many is at our discretion.", "gift_terms"),
    ("面具", "下单送神秘礼物，赠品种类由本店决定，恕不另行通知。", "gift_terms"),
    ("Viking Mask + Mead", "Comes with a bottle of mead - down it in one and your nerves are gone!", "alcohol_ad"),
    ("海盗面具+朗姆酒", "附赠朗姆酒一瓶，一口闷下去，壮胆又解压。", "alcohol_ad"),
    ("Spy Mask", "Old-man mask with a hidden HD camera in the eye.", "covert_device"),
    ("伪装面具", "眼部内置针孔摄像头，可暗中录像。", "covert_device"),
    ("Mask", "Payment does not mean your order is accepted; we may cancel any paid order at any time.", "contract_not_formed"),
    ("面具预售", "付款不代表订单成立，发货后合同才成立。", "contract_not_formed"),
    ("面具盲盒订阅", "连续包月，到期自动续费不另行通知，取消需邮寄书面申请并收取手续费30元。", "auto_renewal"),
    ("Mask Box", "Monthly subscription auto-renews without notice; cancellation fee of $20.", "auto_renewal"),
])
def test_session_26_kinds_are_found(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(("title", "description", "category"), [
    ("Mask", "Free storage bag with every order placed 1-31 December, one per order.", "gift_terms"),
    ("Wine Party Mask", "Venetian mask for wine-tasting evenings; please drink responsibly.", "alcohol_ad"),
    ("Anti-spy Mask", "No hidden camera, no electronics; pure silicone.", "covert_device"),
    ("面具", "本店严禁将面具用于偷拍等违法用途。", "covert_device"),
    ("Mask", "Your order is confirmed as soon as you pay; cancellations only by mutual agreement.", "contract_not_formed"),
    ("Subscription Box", "Monthly box, renews automatically; we email you 5 days before each renewal and you can cancel online "
     "anytime for free.", "auto_renewal"),
])
def test_session_26_lawful_versions_are_not_flagged(title: str, description: str, category: str) -> None:
    assert category not in cats(title, description)


def test_the_new_kinds_cite_their_articles(raw_index: Any) -> None:
    checker = ListingChecker(raw_index.store)
    assert ("中华人民共和国电子商务法", "第四十九条") in cited(checker, "面具预售", "付款不代表订单成立。")
    assert ("网络交易监督管理办法", "第十八条") in cited(checker, "订阅面具盒", "自动续费不另行通知。")
