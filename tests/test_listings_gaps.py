"""Listing check gaps of issue 12: names without a list, "her face" after a name, officials, consent waivers,
impersonation and fraud-facilitation pitches, no false name on 原创, one finding per category, the rewritten
listing. Detection only (no store): the rules and the name finder as shipped."""

from __future__ import annotations

import pytest

from kb.listings import detect, load_rules
from kb.listings.detector import group, rewritten
from kb.listings.names import find_people, title_case
from tests.listing_helpers import cats


@pytest.mark.parametrize(
    ("title", "description", "person"),
    [
        # invented names: none of their words is in the given-name resource
        ("Realistic Oswin Calloway silicone mask", "", "Oswin Calloway"),
        ("Hyper-real Brisk Dunmore latex face, hand painted", "", "Brisk Dunmore"),
        ("Silicone mask", "Sculpted after Quillon Marsh, we matched her face from stills.", "Quillon Marsh"),
        ("Full-head mask of singer Tavi Ornell", "", "Tavi Ornell"),
    ],
)
def test_western_names_without_a_list(title: str, description: str, person: str) -> None:
    names = load_rules().names
    assert not set(person.split()) & names.en_given_names  # the finder cannot have looked it up
    hits = detect(title, description)
    assert {"likeness", "name_use"} <= {h.category for h in hits}
    assert person in {h.person for h in hits}


def test_her_face_after_a_name_is_a_likeness_and_a_negated_one_is_not() -> None:
    assert "likeness" in cats("Latex mask", "Inspired by Corvin Ashdale - his face in every detail.")
    assert "likeness" not in cats("Latex mask", "Named after Corvin Ashdale, our founder. His face is not the model.")


def test_chinese_surname_and_given_name_in_context() -> None:
    hits = detect("于晓桐同款脸 硅胶头套", "明星脸定制")
    assert {"likeness", "name_use"} <= {h.category for h in hits}
    assert "于晓桐" in {h.person for h in hits}


@pytest.mark.parametrize(
    "text",
    ["Looks exactly like the current head of state.", "Looks just like our prime minister!", "酷似国家领导人的仿真面具"],
)
def test_officials_likeness(text: str) -> None:
    assert "likeness" in cats("Mask", text)


@pytest.mark.parametrize(
    ("title", "description"),
    [("原创脸型 硅胶面具", "原创设计，不以真人为原型。"), ("原创 男士头套", "原创款式。")],
)
def test_original_design_is_neither_a_name_nor_a_portrait(title: str, description: str) -> None:
    assert detect(title, description) == []


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Old Man Mask Realistic Silicone Halloween Costume", "Great Gift For Friends And Family"),
        ("New York style latex mask", "Made in our Los Angeles studio. Ships from Hong Kong."),
        ("Silicone mask", "Sculpted by our artist Maria Lopez, not a portrait of any real person."),
        ("Halloween mask", "We never make masks without the person's consent."),
        ("定制面具", "未经本人同意不得定制，需签署授权书。"),
        ("硅胶面具", "严禁用于冒充他人。"),
        ("Sugar Skull silicone mask for parties", "Venetian Carnival style, gold leaf."),
        ("Plague Doctor mask with hood", "Super Deluxe latex, one size."),
    ],
)
def test_clean_wordings_stay_clean(title: str, description: str) -> None:
    assert detect(title, description) == []


def test_title_case() -> None:
    assert title_case("Old Man Mask Realistic Silicone Halloween Costume")
    assert not title_case("Realistic Keanu Reeves silicone mask")


@pytest.mark.parametrize(
    ("description", "category"),
    [
        ("无需本人同意，全程保密。", "consent_waiver"),
        ("不需要对方授权，发照片就做。", "consent_waiver"),
        ("No consent required, totally discreet.", "consent_waiver"),
        ("We copy any face without their permission.", "consent_waiver"),
        ("戴上后亲戚都认不出来，以假乱真。", "impersonation"),
        ("替朋友上班打卡不露馅。", "impersonation"),
        ("Pass as him at the office.", "impersonation"),
        ("So real even her own husband won't notice.", "impersonation"),
        ("可过银行视频面签，专业代办开户。", "fraud_facilitation"),
        ("We open bank accounts for clients; our agents handle the KYC.", "fraud_facilitation"),
        ("Customs staff won't notice a thing.", "crime_invitation"),
        ("Fly under a borrowed identity.", "crime_invitation"),
        ("把同事的照片发来，我们照着做。", "custom_from_photos"),
        ("Exact face replica of a Bollywood star.", "likeness"),
    ],
)
def test_consent_waiver_impersonation_and_fraud(description: str, category: str) -> None:
    assert category in cats("硅胶面具" if any("\u4e00" <= ch <= "\u9fff" for ch in description) else "Silicone mask", description)


def test_fraud_facilitation_comes_with_the_false_claim() -> None:
    c = cats("硅胶面具", "能绕过银行刷脸验证，适合代办业务。")
    assert {"false_function_claim", "fraud_facilitation"} <= c


def test_one_finding_per_category_with_every_span() -> None:
    hits = detect("硅胶面具 可通过人脸识别", "可通过人脸识别，刷脸支付也行。可通过人脸识别！")
    groups = group(hits)
    assert [g[0].category for g in groups].count("false_function_claim") == 1
    ff = next(g for g in groups if g[0].category == "false_function_claim")
    assert len(ff) == 4 and {h.field for h in ff} == {"title", "description"}


@pytest.mark.parametrize(
    ("title", "description", "gone"),
    [
        ("Realistic Oswin Calloway silicone mask", "Passes bank face verification.", ["Oswin", "Calloway", "verification"]),
        ("于晓桐同款脸 硅胶头套", "无需本人同意，戴上后家人都认不出来。进口硅胶。", ["于晓桐", "同意", "认不出"]),
        ("全网最逼真 硅胶面具", "可通过刷脸支付，手工植发。", ["最逼真", "刷脸"]),
        ("Custom mask", "Send us photos of anyone and we will sculpt it.", ["photos of anyone"]),
    ],
)
def test_rewritten_listing_is_clean_and_keeps_the_rest(title: str, description: str, gone: list[str]) -> None:
    rules = load_rules()
    hits = detect(title, description, rules)
    rw = rewritten(title, description, hits, rules)
    assert rw["changed"] and rw["remaining"] == 0
    assert detect(rw["title"], rw["description"], rules) == []
    text = rw["title"] + " " + rw["description"]
    for word in gone:
        assert word not in text
    assert rw["title"].strip()  # a title is never emptied


def test_rewrite_keeps_safe_clauses_and_uses_the_replacement() -> None:
    rules = load_rules()
    title, desc = "于晓桐同款脸 硅胶头套", "进口硅胶，无需本人同意，包邮。"
    rw = rewritten(title, desc, detect(title, desc, rules), rules)
    assert rw["title"] == "原创设计 硅胶头套"
    assert rw["description"] == "进口硅胶，包邮。"
    title = "Realistic Oswin Calloway silicone mask"
    rw = rewritten(title, "", detect(title, "", rules), rules)
    assert rw["title"] == "Realistic original design silicone mask"


def test_people_in_english_and_chinese_in_one_field() -> None:
    names = load_rules().names
    found = {p.name for p in find_people("Kestrel Vane silicone mask 于晓桐同款脸", names)}
    assert {"Kestrel Vane", "于晓桐"} <= found


def test_a_tagged_name_a_few_words_before_the_cue() -> None:
    hits = detect("张学友演唱会造型同款头套", "")
    assert {"likeness", "name_use"} <= {h.category for h in hits} and "张学友" in {h.person for h in hits}
