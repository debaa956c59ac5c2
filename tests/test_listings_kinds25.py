"""Listing kinds mended in session 25 (issue 12 §6), worded here afresh — no evaluation listing is copied: a claim made
in the name of a state body other than the few the rule named (公安机关, 海关, 法院; "supplied to the police",
"customs-issue"), which the Advertising Law forbids alongside 公安部 and 国家; and a face check the shop demands of its
buyer, which is a demand for personal information, not a claim that the mask passes face recognition."""

from __future__ import annotations

from typing import Any

import pytest

from kb.listings import ListingChecker, detect


def cats(title: str, description: str = "") -> set[str]:
    return {h.category for h in detect(title, description)}


@pytest.mark.parametrize(("title", "description"), [
    ("仿真硅胶头套", "海关指定供应商，品质有保障。"),
    ("特效面具", "本款为法院执法同款，做工精细。"),
    ("仿真面具", "公安机关采购品牌，放心购买。"),
    ("Undercover Mask", "The same model we have supplied to the police for training since 2019."),
    ("Tactical Mask", "Customs-issue quality, full-head silicone."),
])
def test_a_state_bodys_name_as_a_selling_point_is_found(title: str, description: str) -> None:
    hits = [h for h in detect(title, description) if h.category == "absolute_claim"]
    assert hits and all("ad-state-organs" in h.citations for h in hits)


@pytest.mark.parametrize(("title", "description"), [
    ("仿真面具", "警方提醒：本品仅供影视道具，请勿用于违法用途。"),
    ("Drama Mask", "Used by our school drama club for three seasons; ships in two days."),
    ("Police Costume Mask (toy)", "A cartoon police dog mask for kids' parties."),
])
def test_a_state_body_merely_mentioned_is_not_a_claim_in_its_name(title: str, description: str) -> None:
    assert "absolute_claim" not in cats(title, description)


def test_a_face_check_demanded_of_the_buyer_is_not_a_claim_about_the_mask() -> None:
    found = cats("硅胶面具", "为防止冒用，付款前需先完成人脸核验，请谅解。")
    assert "forced_personal_info" in found and "false_function_claim" not in found
    # …while the mask said to pass one still is
    assert "false_function_claim" in cats("硅胶面具", "戴上后付款时的人脸核验也能轻松通过。")


def test_the_state_organ_finding_cites_the_advertising_laws_rule(raw_index: Any) -> None:
    result = ListingChecker(raw_index.store).check("仿真面具", "海关指定供应商")
    cited = {c["article"] for f in result["findings"] for c in f["citations"] if c["title_zh"] == "中华人民共和国广告法"}
    assert "第九条" in cited
