"""The listing check on wordings nobody wrote a rule for: evasions undone before matching (spacing, full-width,
pinyin inside Chinese, look-alike characters, digits for letters) with findings on the seller's own words;
concepts matched by their kinds of wording (identity checks by any name, passing someone else's check, consent
waivers, a person described by office, a real unnamed person's face, false origin printed on request, self-set
reference prices, impossible sales); one-word public figures only bound to a likeness; a title made of claims
only rewritten to the product. Detection only (no store), except where the citations are checked."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from kb.listings import ListingChecker, detect, load_rules
from kb.listings.detector import rewritten
from kb.listings.normalise import normalise
from kb.listings.rules import RULES_PATH, RulesError, parse_rules
from tests.listing_helpers import cats


# --- the normaliser ---------------------------------------------------------------------------------------
def test_normalise_maps_every_span_back_to_the_original() -> None:
    n = normalise("包邮 刷lian验证 ｆａｃｅ 人 脸 第②代", {"lian": "脸"}, {})
    assert "刷脸验证" in n.text and "face" in n.text and "人脸" in n.text and "第二代" in n.text
    for word, original in (("刷脸验证", "刷lian验证"), ("face", "ｆａｃｅ"), ("人脸", "人 脸"), ("第二", "第②")):
        i = n.text.index(word)
        s, e = n.span(i, i + len(word))
        assert n.original[s:e] == original


def test_normalise_leaves_plain_text_alone() -> None:
    text = "Silicone mask, model B3, iPhone 13 case; 原创设计 老人脸面具 2024款"
    n = normalise(text, load_rules().evasion_pinyin, load_rules().evasion_homophones)
    assert n.text == text
    assert n.span(0, len(text)) == (0, len(text))


def test_normalise_undoes_digits_for_letters_and_spaced_letters() -> None:
    n = normalise("n0.1 seller, b3st, any1, b e s t", {}, {})
    assert n.text == "no.1 seller, best, anyone, best"


def test_bad_evasion_tables_fail_at_load_time() -> None:
    data = tomllib.loads(RULES_PATH.read_text(encoding="utf-8"))
    assert parse_rules(data).evasion_pinyin
    data["evasion"]["pinyin"]["li an"] = "脸"
    with pytest.raises(RulesError, match="evasion"):
        parse_rules(data)


@pytest.mark.parametrize(
    ("title", "category", "seller_words"),
    [
        ("硅胶面具 最 佳 品 质", "absolute_claim", "最 佳"),
        ("硅胶面具 全网zui低价", "absolute_claim", "zui低价"),
        ("硅胶面具 蕞逼真", "absolute_claim", "蕞逼真"),
        ("ｂｅｓｔ silicone mask", "absolute_claim", "ｂｅｓｔ"),
        ("Silicone mask, the n0.1 choice", "absolute_claim", "n0.1"),
        ("硅胶面具 可过人lian识别", "false_function_claim", "lian识别"),
        ("硅胶面具 活休检测秒过", "false_function_claim", "活休检测"),
    ],
)
def test_evasions_are_found_and_point_at_the_sellers_words(title: str, category: str, seller_words: str) -> None:
    hits = [h for h in detect(title, "") if h.category == category]
    assert hits
    assert any(seller_words in h.text and title[h.start:h.end] == h.text for h in hits)


# --- people ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("title", ["Obama latex party mask", "BIDEN full-head mask", "Realistic Zelensky silicone face"])
def test_one_word_public_figures_before_mask_words(title: str) -> None:
    hits = detect(title, "")
    assert {"likeness", "name_use"} <= {h.category for h in hits}


@pytest.mark.parametrize(("title", "description"), [
    ("Trump card game deck", "Classic trick-taking game."),
    ("Drake Passage cruise souvenir mask", "Penguin mask from the ship's gift shop."),
])
def test_one_word_names_that_are_words_or_places_are_not_people(title: str, description: str) -> None:
    assert not {"likeness", "name_use"} & cats(title, description)


def test_title_case_name_before_mask_words_with_his_face_in_the_description() -> None:
    title = "Hyper-Real Corvin Ashdale Silicone Mask – Collector Edition"
    assert not {"likeness", "name_use"} & cats(title, "Hand-punched hair, one size.")
    hits = detect(title, "Every wrinkle of his face sculpted from match photos.")
    assert "Corvin Ashdale" in {h.person for h in hits if h.category == "likeness"}


def test_your_own_face_is_nobodys_name() -> None:
    assert not {"likeness", "name_use"} & cats("Latex Copy of Your Own Face", "Made to order.")


@pytest.mark.parametrize("text", [
    "It appears just like the new Spanish prime minister.",
    "A likeness of the incumbent Brazilian president.",
    "Moulded from a real teenage model at our studio.",
    "A life cast of my neighbour's face.",
])
def test_people_described_not_named(text: str) -> None:
    assert "likeness" in cats("Silicone mask", text)


def test_a_cast_of_our_own_face_is_no_third_partys_likeness() -> None:
    assert "likeness" not in cats("Silicone mask", "Cast from our own faces in the studio.")


# --- concepts worded many ways ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Beats the liveness test of most wallet apps.",
    "Gets past ID verification on most apps.",
])
def test_identity_checks_by_any_name(text: str) -> None:
    assert "false_function_claim" in cats("Silicone mask", text)


@pytest.mark.parametrize("text", [
    "Let a family member register on the bank app for you.",
    "Sit the bank's video interview on his behalf.",
    "Gets you into your flatmate's phone.",
    "可代开户、代激活账户",
])
def test_passing_someone_elses_check_is_fraud_facilitation(text: str) -> None:
    assert "fraud_facilitation" in cats("Silicone mask", text)


def test_fraud_facilitation_cites_the_help_offences_with_penalties() -> None:
    rules = load_rules()
    refs = [rules.citations[c] for c in rules.categories["fraud_facilitation"].citations]
    assert ("criminal-law", "287之二") in {(r.law, r.key) for r in refs}
    assert any(r.law == "中华人民共和国反电信网络诈骗法" and r.key == "25" for r in refs)
    assert any(r.penalty for r in refs) and any(not r.penalty for r in refs)


@pytest.mark.parametrize("text", [
    "No fuss: we never ask for their consent.",
    "The girl's guardians were not consulted.",
    "By submitting your order you consent to us using the photos in our catalogue.",
    "We keep customers' head photos indefinitely.",
    "未经家长同意也可定制",
])
def test_consent_waivers_worded_many_ways(text: str) -> None:
    assert "consent_waiver" in cats("Custom mask", text)


@pytest.mark.parametrize("text", ["未经本店同意不得盗图。", "没有其他颜色。", "Custom orders with the person's signed consent only."])
def test_consent_words_that_waive_nothing(text: str) -> None:
    assert "consent_waiver" not in cats("Custom mask", text)


def test_impersonation_they_will_think_it_is_him() -> None:
    assert "impersonation" in cats("Mask", "Sculpted from photos; even his secretary thinks it's him.")


def test_a_face_recognition_device_is_not_a_mask_claiming_to_pass() -> None:
    assert cats("智能门禁 人脸识别开门 小区 写字楼", "人脸库本地存储") == set()
    assert "false_function_claim" in cats("硅胶面具 人脸识别开门", "")


@pytest.mark.parametrize("text", ["按顾客需要可贴原产地标签", "We can print Made in France on the tags.", "外箱印有国家免检标识"])
def test_false_origin_or_mark_on_request(text: str) -> None:
    assert "false_origin_or_mark" in cats("面具", text)


@pytest.mark.parametrize("text", ["划线价由商家自行设定", "本款没有成交记录", "The was price is a figure we set."])
def test_self_set_reference_prices(text: str) -> None:
    assert "false_price" in cats("面具 现价99", text)


def test_sales_a_new_shop_cannot_have() -> None:
    assert "fake_sales_or_reviews" in cats("Pumpkin mask – 250,000 orders", "New shop, launched in spring.")
    assert "fake_sales_or_reviews" not in cats("Pumpkin mask – 25 orders", "New shop, launched in spring.")
    assert "fake_sales_or_reviews" not in cats("Pumpkin mask – 250,000 orders", "Family shop since 1998.")


def test_paid_reviews_and_negated_ones() -> None:
    assert "fake_sales_or_reviews" in cats("Mask", "Five-star review gets a cashback.")
    assert "fake_sales_or_reviews" not in cats("仿真面具", "本店拒绝补单，评价均来自真实买家。")


def test_a_patent_number_still_applied_for() -> None:
    assert "patent_claim" in cats("面具", "专利证书还在申请")


# --- the rewritten listing -------------------------------------------------------------------------------
def test_a_title_of_claims_only_becomes_the_product() -> None:
    rules = load_rules()
    title = "Become anybody: beats banking face checks"
    hits = detect(title, "Soft latex mask, one size.")
    out = rewritten(title, "Soft latex mask, one size.", hits, rules)
    assert out["title"] == "Latex mask" and out["remaining"] == 0
    bare = rewritten(title, "", detect(title, ""), rules)
    assert bare["title"] == rules.fallback_title["en"]


def test_every_finding_keeps_articles_a_penalty_and_a_safer_wording(raw_index: Any) -> None:
    checker = ListingChecker(raw_index.store)
    res = checker.check("Obama latex mask – beats the liveness test of banking apps",
                        "Let a family member register on the bank app for you. We never ask for their consent.")
    found = {f["category"] for f in res["findings"]}
    assert {"likeness", "false_function_claim", "fraud_facilitation", "consent_waiver"} <= found
    rules = load_rules()
    for f in res["findings"]:
        assert f["citations"] and f["suggestion"]
        penalties = {r.id for r in rules.citations.values() if r.penalty}
        refs = set(rules.categories[f["category"]].citations)
        assert refs & penalties, f["category"]
    assert res["rewritten"]["remaining"] == 0 and res["rewritten"]["title"]


# --- second round: short Chinese names, initials, offices with a nationality, more wordings ----------------
@pytest.mark.parametrize("title", ["懂王同款头套 仿真", "川普面具 整蛊", "霉霉的脸 硅胶面具"])
def test_chinese_short_names_and_nicknames_with_a_likeness_cue(title: str) -> None:
    assert {"likeness", "name_use"} <= cats(title, "")


def test_a_chinese_short_name_without_a_cue_is_no_likeness() -> None:
    assert "likeness" not in cats("川普风格 贴纸", "")


@pytest.mark.parametrize(("title", "found"), [
    ("zly同款 硅胶面具", True), ("wyz的脸 仿真头套", True), ("ins同款 面具", False), ("XL同款 头套", False), ("cos同款面具", False),
])
def test_pinyin_initials_before_a_likeness_cue(title: str, found: bool) -> None:
    assert ("likeness" in cats(title, "")) is found


def test_an_office_with_a_nationality_and_a_lion_king() -> None:
    assert "likeness" in cats("Silicone mask", "Looks just like the Dutch king.")
    assert "likeness" not in cats("Lion mask", "Look like the lion king at the party.")


@pytest.mark.parametrize(("text", "found"), [
    ("无需当事人知情，发图即做", True),
    ("They'll never know you borrowed their face.", True),
    ("Printed from your photo; he'll never know until the party.", False),
])
def test_the_person_is_not_to_know(text: str, found: bool) -> None:
    assert ("consent_waiver" in cats("Custom mask", text)) is found


@pytest.mark.parametrize(("text", "found"), [
    ("Pretend to be your boss on video calls.", True),
    ("戴上冒充领导开会", True),
    ("谨防冒充客服，本店不会私信要求转账", False),
    ("严禁用于冒充他人", False),
])
def test_pretending_to_be_someone(text: str, found: bool) -> None:
    assert ("impersonation" in cats("Mask", text)) is found


@pytest.mark.parametrize("text", ["CE certified. We simply stick the CE mark on.", "Lab tested – not actually tested, just a label."])
def test_a_mark_or_test_claimed_without_a_certificate(text: str) -> None:
    assert "false_origin_or_mark" in cats("Mask", text)


def test_reviews_written_by_the_shop_and_an_invented_price() -> None:
    assert "fake_sales_or_reviews" in cats("Mask", "Great ratings (we post a few reviews ourselves).")
    assert "false_price" in cats("Mask – now $19", "The original price is made up.")
    assert "absolute_claim" in cats("Top 1 mask shop", "")
    assert "absolute_claim" not in cats("Mask", "Top 10 seller in the Halloween category")


def test_a_prohibition_opening_the_clause_covers_what_it_lists() -> None:
    assert cats("仿真头套", "仅供舞台表演使用，禁止用于冒充他人或任何违法用途。") == set()
    assert "crime_invitation" in cats("仿真头套", "仅供舞台表演使用，也可用于违法用途。")


def test_a_disguise_for_fun_is_no_impersonation() -> None:
    assert "impersonation" not in cats("Clown mask", "So creepy your own kids won't recognise you at the party!")
    assert "impersonation" in cats("Silicone mask", "His own kids won't know it's not him.")


@pytest.mark.parametrize(("title", "person"), [
    ("Halloween Mask Peter Vandermolt Style Latex", "Peter Vandermolt"),
    ("罗嘉怡 同款 面具 cos", "罗嘉怡"),
])
def test_a_person_named_beside_the_mask_is_whose_face_it_is(title: str, person: str) -> None:
    hits = detect(title, "")
    assert person in {h.person for h in hits if h.category == "likeness"}


def test_a_name_in_another_sentence_than_the_mask_stays_a_mention() -> None:
    hits = detect("Plain white mask", "Shipped by Oswin Calloway. Paint it yourself.")
    assert "likeness" not in {h.category for h in hits}


def test_a_tagged_name_without_a_common_family_name_before_a_likeness_cue() -> None:
    hits = detect("迪丽热巴同款仿真面具", "")
    assert "迪丽热巴" in {h.person for h in hits if h.category == "likeness"}
    assert detect("原创设计仿真面具", "") == []


def test_a_role_before_a_one_word_name() -> None:
    assert {"likeness", "name_use"} <= cats("K-pop idol Sorami face mask", "")


def test_traditional_script_and_zero_width_characters() -> None:
    hits = detect("人臉識別秒過 矽膠面具", "")
    assert any(h.category == "false_function_claim" and h.text == "人臉識別" for h in hits)
    assert "likeness" in cats("黃曉彤同款 頭套", "")
    zw = "b\u200best silicone mask"
    assert any(h.category == "absolute_claim" and h.text == zw[:5] for h in detect(zw, ""))


def test_traditional_table_must_be_pairs() -> None:
    data = tomllib.loads(RULES_PATH.read_text(encoding="utf-8"))
    assert parse_rules(data).evasion_traditional["臉"] == "脸"
    data["evasion"]["traditional"] += "臉"
    with pytest.raises(RulesError, match="pairs"):
        parse_rules(data)


def test_a_child_under_ten_presenting_the_product() -> None:
    assert "endorsement" in cats("Kids mask", "Modelled in our photos by a 7-year-old model.")
    assert "endorsement" in cats("儿童面具", "6岁童模出镜")
    assert "endorsement" not in cats("Mask", "Lily, our 25-year-old model, wears size M.")


def test_a_named_persons_voice() -> None:
    assert "voice" in cats("Talking mask", "Plays Edwin Marlowe's actual voice when you speak.")
    assert "voice" not in cats("Voice changer mask", "Sounds like Darth Vader's voice. Our voice module has 8 effects.")


def test_a_makers_signature_and_an_anti_recognition_product() -> None:
    assert not {"likeness", "name_use"} & cats("Handmade Leather Mask by Anna Whitcombe", "Anna hand-stitches every piece. Her face is on our about page.")
    assert cats("人脸识别 防护 面罩", "防止人脸识别 保护隐私") == set()


def test_a_question_answered_no_and_a_described_actress() -> None:
    assert cats("Mask", "Based on a real person? No – fully fictional.") == set()
    assert "likeness" not in cats("仿真面具", "明星同款？不是！原创设计")
    assert "likeness" in cats("Mask", "Modelled on a beloved Bollywood actress, hand painted.")


@pytest.mark.parametrize("title", ["欧美同款 面具", "韩版同款 头套", "迪士尼同款面具", "王者荣耀同款面具"])
def test_styles_brands_and_games_before_tongkuan_are_no_people(title: str) -> None:
    assert not {"likeness", "name_use"} & cats(title, "")


def test_a_title_in_capitals_is_read_in_title_case() -> None:
    hits = detect("PETER VANDERMOLT SILICONE MASK REALISTIC", "")
    assert "PETER VANDERMOLT" in {h.person for h in hits if h.category == "likeness"}
    assert detect("REALISTIC OLD MAN MASK HALLOWEEN LATEX", "") == []
    assert detect("VENETIAN MASQUERADE MASK GOLD LACE WOMEN", "") == []


@pytest.mark.parametrize(("text", "category"), [
    ("顶级工艺 没有之一 史上最柔软", "absolute_claim"),
    ("点头张嘴都能过，银行也行", "false_function_claim"),
    ("Unlocks banking accounts in seconds.", "false_function_claim"),
    ("Drop us a five star rating and we send a voucher.", "fake_sales_or_reviews"),
    ("专治黑头 可代替药膏", "medical_claim"),
    ("Replaces your medication for sleep.", "medical_claim"),
])
def test_claims_left_in_rewritten_listings_are_found_too(text: str, category: str) -> None:
    assert category in cats("Mask", text)


@pytest.mark.parametrize("text", ["本品不能代替药物。", "Blink twice to switch on the LED eyes.", "点头致意的老人造型"])
def test_their_harmless_neighbours(text: str) -> None:
    assert not {"medical_claim", "false_function_claim"} & cats("Mask", text)


def test_a_certificate_claimed_while_pending() -> None:
    assert "false_origin_or_mark" in cats("UL & FCC certified mask", "Our certification is still pending.")
    assert "false_origin_or_mark" not in cats("UL certified mask", "Certificate no. E12345, see the photos.")


def test_more_chinese_wordings() -> None:
    assert "likeness" in cats("面具", "照着罗嘉怡生活照复刻，五官很像")
    assert "false_function_claim" in cats("硅胶面具", "各种平台实名也没问题")
    assert "custom_from_photos" in cats("面具", "同事、老板的脸都能做")
    assert cats("面具", "本人照片定制请联系客服签同意书") <= {"custom_from_photos"}
