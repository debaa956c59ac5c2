"""Listing kinds added or mended in session 25 (issue 12 §6), worded here afresh — no evaluation listing is copied:
a claim made in the name of a state body other than the few the rule named (公安机关, 海关, 法院; "supplied to the
police", "customs-issue"); a face check the shop demands of its buyer, which is a demand for personal information, not
a claim that the mask passes face recognition; tobacco and e-cigarettes promoted in a listing; a flammable or toxic
item handed over without its warning; a disclaimer of injury and a claim window shorter than the law allows; payback
and yield guarantees; synthesised video sold without its label; access to the phone's contacts or photos demanded for
a coupon."""

from __future__ import annotations

from typing import Any

import pytest

from kb.listings import ListingChecker, detect
from tests.listing_helpers import cats


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


@pytest.mark.parametrize(("title", "description", "category"), [
    ("Pirate Mask Set", "Comes with a free vape pen so you can blow smoke like a real captain.", "tobacco_ad"),
    ("民国大亨面具套装", "赠送一包香烟道具之外，再送正品电子烟一支，氛围拉满。", "tobacco_ad"),
    ("Mask Glue Kit", "Includes 500 ml of toxic adhesive thinner in a plain jar, without any hazard label.", "safety_warning"),
    ("面具胶水套装", "附赠易燃溶剂一瓶，分装小瓶，没有任何警示标志。", "safety_warning"),
    ("Latex Mask", "The shop is not responsible for any injury from wearing it; complaints can only be made within 48 hours.", "unfair_terms"),
    ("硅胶面具", "因佩戴造成的任何过敏，本店一律不承担责任。", "unfair_terms"),
    ("面具店加盟", "加盟费三万，保证六个月内回本，年化回报率高达40%。", "investment_promise"),
    ("Mask Franchise", "Guaranteed to pay back within a year, with returns of at least 25% after that.", "investment_promise"),
    ("AI合成视频定制", "上传照片即可生成AI视频，成品没有任何水印。", "likeness"),
    ("节日面具", "领取优惠券需要授权获取您的手机位置和相册，拒绝授权将无法领取。", "forced_personal_info"),
    ("Party Mask", "To claim the discount you must grant us access to your contacts.", "forced_personal_info"),
])
def test_session_25_kinds_are_found(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(("title", "description", "category"), [
    ("Gangster Mask", "Comes with a candy cigarette and a fedora; no smoking in the venue.", "tobacco_ad"),
    ("面具道具", "附赠仿真香烟道具一支（纸质，不可点燃）。", "tobacco_ad"),
    ("Mask Cleaner", "Flammable solvent: the bottle carries the hazard label and Chinese warnings.", "safety_warning"),
    # the shop's own assurance that it never sells a hazardous item without its warning (the missing warning negated)
    ("清洗剂", "本店从不销售没有警示标志的易燃溶剂。", "safety_warning"),
    ("Mask Thinner", "We never ship toxic thinner without hazard labels.", "safety_warning"),
    ("硅胶面具", "因顾客自行改装造成的损坏，本店不承担责任。", "unfair_terms"),
    ("面具加盟", "加盟有风险，收益不作保证，请谨慎评估。", "investment_promise"),
])
def test_session_25_lawful_versions_are_not_flagged(title: str, description: str, category: str) -> None:
    assert category not in cats(title, description)
