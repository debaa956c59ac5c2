"""The listing check on concepts of session 23 (issue 12 §6), each worded here afresh (no evaluation listing is
copied): a person described by what they are known for; a vouching "by X himself"; digits for letters in a name;
a prohibition chained over several modals; a licence the seller will not show; an imported original made at a
Chinese site; a certificate "once approved"; a counter price in a shop with no counter; a "last day" renewed every
day; passing a bank or KYC check as help with real-name verification; somebody else's photos by count; a child's
face from photos and real children as models; an official's face; a franchise's mark admitted unlicensed; imitation
police insignia; the shop's own best-seller; a vegetable that is no name. Detection only, except where the
citations are read from the store."""

from __future__ import annotations

import pytest

from kb.listings import detect, load_rules
from kb.listings.normalise import normalise
from tests.listing_helpers import cats


def _full_store():  # noqa: ANN202
    """The index of KB_DATA_DIR when it holds the national layer's 反电信网络诈骗法, else None."""
    try:
        from kb.index import open_index
        from kb.settings import get_settings

        store = open_index(get_settings()).store
        store.resolve_law("中华人民共和国反电信网络诈骗法")
        return store
    except Exception:  # noqa: BLE001 - no index, or no national layer: the store-backed part is skipped
        return None


def extra_citations(title: str, description: str, category: str) -> set[str]:
    return {c for h in detect(title, description) if h.category == category for c in h.citations}


# --- evasions and negation --------------------------------------------------------------------------------
def test_a_digit_one_for_an_i_inside_a_name_is_undone() -> None:
    n = normalise("Br1tney wig, Sh1ne gloss, model B1A, H1N1 mask", {}, {})
    assert n.text == "Britney wig, Shine gloss, model B1A, H1N1 mask"
    i = n.text.index("Britney")
    assert n.original[slice(*n.span(i, i + 7))] == "Br1tney"


def test_a_prohibition_chained_over_modals_covers_every_item_it_lists() -> None:
    assert "false_function_claim" not in cats("仿真硅胶头套", "❗本品不可且不得用于刷脸支付、人脸解锁或实名认证")
    assert "false_function_claim" in cats("仿真硅胶头套", "本品可用于刷脸支付、人脸解锁")


def test_a_licence_the_seller_will_not_show_is_no_licence() -> None:
    assert "likeness" in cats("某当红女星同款脸 硅胶面具", "已获书面授权（授权书暂不提供）")
    assert "likeness" not in cats("某当红女星同款脸 硅胶面具", "已获本人书面授权，授权书编号 SQ-2026-17，可查验")


# --- a person described or vouching -----------------------------------------------------------------------
def test_a_person_described_by_what_they_are_famous_for() -> None:
    assert "likeness" in cats("Silicone head", "Made to look like the Brazilian football star famous for his bicycle kicks.")
    assert "likeness" not in cats("Sequin eye mask", "The sequins make you look like a star on any stage.")


def test_vouching_by_the_person_in_person_is_an_endorsement() -> None:
    assert "endorsement" in cats("Champion replica mask", "Tested by the champion herself before the final.")
    assert "endorsement" in cats("硅胶面具", "歌手本人亲测，戴着很舒服")
    assert "endorsement" not in cats("Latex mask", "Tested by our workshop for tears and seams.")


# --- origin, certificates, prices ---------------------------------------------------------------------------
def test_an_imported_original_made_at_a_chinese_site_is_a_false_origin() -> None:
    assert "false_origin_or_mark" in cats("Authentic Japanese craftsmanship Noh mask",
                                          "Each piece leaves our Ningbo workshop, where it is sewn by hand.")
    assert "false_origin_or_mark" not in cats("Authentic Japanese craftsmanship Noh mask", "Carved and painted in Kyoto.")


def test_a_certificate_promised_once_approved_is_not_held() -> None:
    assert "false_origin_or_mark" in cats("FDA approved silicone mask", "Paperwork can be sent once the application is granted.")
    assert "false_origin_or_mark" not in cats("CE certified silicone mask", "Certificate no. CE-8812 issued 2025, copy on request.")


def test_a_counter_price_in_a_shop_without_counters() -> None:
    assert "false_price" in cats("乳胶面具 商场价899 今日99", "我们只做网店，没有线下门店。")
    assert "false_price" not in cats("乳胶面具 商场价899 今日99", "全国二十家商场专柜同款同价。")


def test_a_last_day_renewed_every_day_is_a_false_time_limit() -> None:
    assert "false_price" in cats("Witch mask – final day of the deal!", "Psst: the deal is extended every day.")
    assert "false_price" in cats("巫婆面具 限时特价", "每天都是最后一天，放心拍")
    assert "false_price" not in cats("Witch mask – sale ends tonight", "Regular price from tomorrow: $30.")


# --- identity checks, photos, children ---------------------------------------------------------------------
def test_passing_a_bank_or_kyc_check_is_help_with_real_name_verification() -> None:
    assert "fraud_facilitation" in cats("Thin silicone face", "Beats banking app selfie verification every time.")
    assert "fraud_facilitation" in cats("超薄硅胶脸皮", "稳过支付宝实名，眨眼也行")
    assert "fraud_facilitation" not in cats("Thin silicone face", "Not for identity verification of any kind.")


def test_the_real_name_help_article_is_cited_when_the_store_holds_it() -> None:
    extra = extra_citations("Silicone face skin", "Passes crypto exchange KYC selfie checks.", "fraud_facilitation")
    assert {"atf-real-name-help", "atf-real-name-help-penalty"} <= extra
    rules = load_rules()
    assert rules.citations["atf-real-name-help"].key == "31" and rules.citations["atf-real-name-help-penalty"].penalty
    store = _full_store()
    if store is None:
        pytest.skip("the national layer (反电信网络诈骗法) is not in this index")
    from kb.listings import ListingChecker

    res = ListingChecker(store).check("Silicone face skin", "Passes crypto exchange KYC selfie checks.")
    f = next(f for f in res["findings"] if f["category"] == "fraud_facilitation")
    articles = {(c["title_zh"], c["article"]) for c in f["citations"]}
    assert ("中华人民共和国反电信网络诈骗法", "第三十一条") in articles
    assert ("中华人民共和国反电信网络诈骗法", "第四十四条") in articles
    assert f["suggestion"]


def test_somebody_elses_photos_by_count() -> None:
    assert "custom_from_photos" in cats("Custom face mask", "Email us five photos of your landlord and we sculpt the mask.")
    assert "custom_from_photos" not in cats("Custom face mask", "Send us 8 photos of your own face from all sides.")
    assert "custom_from_photos" not in cats("Custom pet mask", "Send us 2 pics of your dog.")


def test_a_childs_face_from_photos_cites_the_guardians_consent() -> None:
    extra = extra_citations("宝宝同款面具", "上传宝宝的照片，一比一定制", "custom_from_photos")
    assert {"pipl-minors", "mpl-minors-info", "ad-name-likeness-consent"} <= extra


def test_real_children_as_models_are_a_likeness() -> None:
    assert "likeness" in cats("儿童面具", "详情页模特均为真实小朋友")
    assert "likeness" not in cats("儿童面具", "非真人小朋友，图片为3D渲染")


def test_an_officials_face_cites_the_ban_on_state_officials_images() -> None:
    assert "ad-state-organs" in extra_citations("省长同款面具", "", "likeness")
    assert "likeness" not in cats("协会主席同款面具", "")


# --- trademarks and characters, police insignia --------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Batman cowl latex", "Unofficial, same mould as the film prop."),
        ("钢铁侠头盔 cos", "非正版，原单尾货"),
        ("Kids hero mask", "Disney logo printed on the band."),
    ],
)
def test_a_franchise_mark_admitted_unlicensed(title: str, description: str) -> None:
    assert "ip_infringement" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Officially licensed Batman cowl", "Licence no. WB-2291 on the tag."),
        ("Hulk hands foam toy", "Green foam, ages 4+."),
        ("奥特曼面具 正版授权", "授权编号 TSR-0098"),
    ],
)
def test_a_licensed_or_unadmitted_character_is_not_flagged(title: str, description: str) -> None:
    assert "ip_infringement" not in cats(title, description)


def test_imitation_police_insignia() -> None:
    assert "police_insignia" in cats("高仿特警服全套", "含警徽、肩章，拍戏专用")
    assert "police_insignia" in cats("Replica police badge and uniform set", "")
    assert "police_insignia" not in cats("儿童警察玩具服 卡通款", "不含警徽，纯棉")


# --- words out of context ---------------------------------------------------------------------------------------
def test_the_shops_own_best_seller_is_no_superlative() -> None:
    assert "absolute_claim" not in cats("Witch mask – our best-selling design", "Best-selling item in our shop for three Octobers.")
    assert "absolute_claim" in cats("The best-selling mask in the world", "")


def test_a_vegetable_is_no_name() -> None:
    assert cats("南瓜头套 万圣节", "乳胶南瓜造型") == set()


# --- wordings probed after the first round (pointing without a name, events, video checks, "whose face") -------
def test_a_person_pointed_at_without_a_name() -> None:
    assert "likeness" in cats("Bald silicone head", "Everyone will know: you know who, that famous grin.")
    assert "likeness" in cats("某男星同款头套", "懂的都懂，五官一比一")
    assert "likeness" not in cats("Bald silicone head", "You know what to do at Halloween.")


def test_a_first_name_at_a_named_event_is_an_endorsement() -> None:
    assert "endorsement" in cats("Sequin mask", "As seen on Dua at the Brit Awards.")
    assert "endorsement" not in cats("Sequin mask", "As seen on our stage at the Halloween parade.")


def test_bank_video_interviews_are_real_name_verification() -> None:
    assert "fraud_facilitation" in cats("Soft silicone face", "Made for remote account-opening interviews.")
    assert "fraud_facilitation" in cats("硅胶脸皮", "可过银行视频面签")


def test_not_caring_whose_face_it_is_waives_consent() -> None:
    assert "consent_waiver" in cats("照片定制面具", "照片来源我们一律不过问")
    assert "consent_waiver" in cats("Photo mask", "We never check who is in the photo.")


def test_passing_as_one_particular_person_but_not_a_party_disguise() -> None:
    assert "impersonation" in cats("Be him for a day", "Become your brother and fool his bank.")
    assert "impersonation" not in cats("Zombie mask", "Fool your friends at the Halloween party!")


def test_a_deadline_that_comes_back_every_night() -> None:
    assert "false_price" in cats("Skull mask $9 – ends midnight (every night)", "")
    assert "false_price" not in cats("Skull mask $9 – ends midnight", "")


def test_disease_treatment_with_any_condition_and_a_zero_for_o() -> None:
    assert "medical_claim" in cats("修护面罩", "专治黄褐斑")
    assert "medical_claim" not in cats("修护面罩", "不能治疗任何疾病，仅供造型")
    assert "absolute_claim" in cats("NUMBER 0NE latex mask", "")


def test_a_workshop_abroad_is_no_domestic_site() -> None:
    assert "false_origin_or_mark" not in cats("Carnival mask made in Italy", "Hand-painted in Venice by our workshop.")
    assert "false_origin_or_mark" in cats("Carnival mask made in Italy", "Cast in our Yiwu workshop, painted by hand.")


def test_somebody_elses_face_from_their_posts() -> None:
    assert "custom_from_photos" in cats("Prank mask", "Any coworker's face you like: send us their instagram.")
    assert "police_insignia" in cats("Replica SWAT police uniform", "")


# --- a second probe: clean wordings near the line, and more ways of saying the same risks ------------------------
def test_the_regulators_price_window_and_a_question_headline_are_clean() -> None:
    assert cats("万圣节面具 今日特价", "活动至10月31日结束，之后恢复日常价39元（近30日最低价29元）") == set()
    assert cats("Best mask for first-time sculptors? Try our latex kit", "") == set()


def test_a_one_word_public_figure_with_a_style_suffix() -> None:
    assert "likeness" in cats("Putin-style bald cap and mask", "")
    assert "likeness" not in cats("Trumpet-style horn mask", "")


def test_never_sold_at_the_original_price_but_never_used_is_the_item() -> None:
    assert "false_price" in cats("面具 原价899（从未售出）现价89", "")
    assert "false_price" not in cats("Latex mask, original price $80", "Worn once, never used since.")


def test_scarcity_restocked_daily_and_nagging_parents() -> None:
    assert "false_price" in cats("Only 3 left!", "Restocked daily, order any time.")
    assert "children_ad" in cats("Kids dragon mask", "Pester your parents until they order it!")


def test_clinical_proof_and_cancer_prevention_are_medical_terms() -> None:
    assert "medical_claim" in cats("Night mask", "Clinically shown to erase fine lines.")
    assert "medical_claim" in cats("负离子面罩", "抗肿瘤 降血压")


def test_cloned_voices() -> None:
    assert "voice" in cats("AI voice mask", "Sounds exactly like Harriet Quell on the radio.")
    assert "voice" in cats("AI配音面具", "可模仿任意人声音")
    assert "voice" not in cats("Voice mask", "Sounds like Count Dracula, 6 effects.")


def test_covert_photos_and_slogan_form_check_bypass() -> None:
    assert "consent_waiver" in cats("定制面具", "抓拍的照片也可以做")
    assert "false_function_claim" in cats("Liveness-proof silicone face", "")
    assert "false_function_claim" in cats("硅胶面具", "人脸验证？秒过")


def test_a_pending_mark_in_brackets_and_army_uniforms() -> None:
    assert "false_origin_or_mark" in cats("Latex mask, UL certified (pending)", "")
    assert "police_insignia" in cats("高仿作训服 部队制式", "")
    assert "police_insignia" not in cats("儿童迷彩服 卡通款", "")


def test_passing_as_a_relative_in_chinese() -> None:
    assert "impersonation" in cats("仿真头套", "戴上秒变你老板")
    assert "impersonation" in cats("仿真头套", "连岳父都能骗过？骗过岳父岳母没问题")


def test_a_numbered_series_and_a_one_phrase_question_are_no_superlatives() -> None:
    assert cats("Tiger mask", "Size chart: No.1 (toddlers), No.2 (kids), No.3 (adults).") == set()
    assert cats("Top-rated? Read our unedited reviews", "") == set()
    assert "absolute_claim" in cats("Who makes the most realistic mask? We do.", "")
    assert "absolute_claim" in cats("Tiger mask No.1 in the market", "")


def test_goods_the_law_bars_from_sale() -> None:
    assert "prohibited_goods" in cats("海盗cos套装", "附送全金属仿真手枪")
    assert "prohibited_goods" in cats("Pirate mask with replica flintlock pistol", "")
    assert "prohibited_goods" in cats("Tribal mask", "Inlaid with genuine tortoiseshell.")
    assert "prohibited_goods" in cats("傩戏面具", "真虎皮装饰")
    for title, description in (("Kids water gun and mask set", ""), ("象牙白面具", "象牙色树脂"),
                               ("Venetian mask in ivory white", ""), ("Tiger print mask", "Faux fur trim.")):
        assert "prohibited_goods" not in cats(title, description), title
    assert {"guns-replica-ban", "guns-replica-penalty"} <= extra_citations("cos套装", "送仿真枪", "prohibited_goods")


def test_a_synthesised_face_sold_without_its_label() -> None:
    assert "deep-synth-label" in extra_citations("AI face swap videos", "Delivered with no watermark.", "likeness")
    assert "likeness" not in cats("Latex mask photo prints", "High-res prints, no watermark.")


def test_categories_cite_the_articles_their_explanations_rest_on() -> None:
    rules = load_rules()
    assert "pipl-lawful-basis" in rules.categories["custom_from_photos"].citations  # 个人信息保护法 art. 13
    assert "pq-producer-origin" in rules.categories["false_origin_or_mark"].citations  # 产品质量法 art. 30
    assert "cpr-fake-reviews" in rules.categories["fake_sales_or_reviews"].citations  # 消保法实施条例 art. 9
    for cat in ("prohibited_goods", "police_insignia", "ip_infringement"):
        assert any(rules.citations[c].penalty for c in rules.categories[cat].citations), cat


# --- a fourth probe: styled letters, slang, offices by country, carried-over reviews ----------------------------
def test_styled_letters_and_a_zero_opening_a_word_are_undone() -> None:
    n = normalise("𝐁𝐄𝐒𝐓 mask, Ⓑⓔⓢⓣ, 0fficial, 0riginal, 0.5mm, 007", {}, {})
    assert n.text == "BEST mask, Best, official, original, 0.5mm, 007"
    assert "absolute_claim" in cats("𝐁𝐄𝐒𝐓 mask ever", "")


def test_a_lookalike_and_an_office_named_by_its_country() -> None:
    assert "likeness" in cats("Rita O. lookalike silicone mask", "")
    assert "likeness" in cats("Mask that looks like Norway's prime minister", "")
    assert "likeness" not in cats("Grandma lookalike mask (fictional)", "")


def test_passing_as_someone_else_in_any_words() -> None:
    assert "impersonation" in cats("Silicone face", "Sit the driving test as someone else.")
    assert "impersonation" in cats("人皮面具", "易容成任何人")


def test_a_franchise_written_around_and_more_franchises() -> None:
    assert "ip_infringement" in cats("D1sney style mask", "not 0fficial")
    assert "ip_infringement" in cats("芭比同款面具", "非官方授权")


def test_beauty_treatment_names_and_carried_over_reviews() -> None:
    assert "medical_claim" in cats("抗皱面罩", "效果堪比水光针")
    assert "medical_claim" not in cats("抗皱面罩", "不能替代医美，仅为日常护理")
    assert "fake_sales_or_reviews" in cats("Mask", "Ratings carried over from our older listings.")
    assert "fake_sales_or_reviews" in cats("面具 已有2w+好评", "新店刚开业")


def test_a_favourite_is_no_superlative() -> None:
    assert cats("儿童卡通面具 小熊", "宝宝最爱的小熊造型") == set()


def test_a_fifth_probe_clearances_creators_and_a_rule_of_the_house() -> None:
    assert "false_origin_or_mark" in cats("Face mask – FDA cleared", "Clearance is still pending.")
    assert "likeness" in cats("Mask of the famous streamer with the green hair", "")
    assert "impersonation" in cats("人皮面具", "戴上秒变另一个人")
    assert cats("Latex mask – our no. 1 rule: safety first", "") == set()
    assert cats("The ultimate guide to mask care, free with every order", "") == set()


def test_a_sixth_probe_comparatives_homophones_badges_and_crowds() -> None:
    assert "absolute_claim" in cats("面具 碾压同行", "")
    assert "absolute_claim" in cats("醉像的面具", "")
    assert "absolute_claim" in cats("第1品牌 乳胶面具", "")
    assert "absolute_claim" not in cats("#1 New Release in Halloween Masks", "")
    assert "ip_infringement" in cats("Ghostface mask – unofficial", "")
    assert "ip_infringement" not in cats("Ghostface mask – official replica", "Licensed by the studio, licence no. GF-11.")
    assert "endorsement" in cats("Mask", "Influencer favourite: 5k creators use it.")
    assert "endorsement" in cats("面具", "百万粉达人推荐")
    assert "medical_claim" in cats("硅胶面具", "医用级材质")
    assert "medical_claim" not in cats("硅胶面具", "非医用级，仅作道具")


def test_a_seventh_probe_faces_from_pictures_escaping_cameras_and_identity_photos() -> None:
    assert "custom_from_photos" in cats("Memorial mask", "We recreate your late grandfather's face from old photos.")
    assert "custom_from_photos" not in cats("Pet memorial mask", "Send us photos of your late dog.")
    assert "custom_from_photos" not in cats("Self-portrait mask", "Send us photos of your own face, front and side.")
    assert "custom_from_photos" in cats("Prank mask", "Send us photos of your boss.")
    assert "crime_invitation" in cats("Surveillance-proof mask", "")
    assert "crime_invitation" in cats("Mask", "CCTV won't identify you.")
    assert "crime_invitation" not in cats("Surveillance-proof fashion print", "An art piece: does not work against real cameras.")
    assert "crime_invitation" in cats("人皮面具", "可提供身份证正反面照片")
    assert "crime_invitation" in cats("Mask bundle", "Includes a face data pack for 3D printing.")


def test_a_registered_medical_device_is_no_mask_borrowing_medical_words() -> None:
    assert cats("医用外科口罩 械字号", "国械注准20212140000，一次性使用") == set()
    assert "medical_claim" in cats("面罩 械字号", "治疗痤疮")


def test_a_ninth_probe_seats_crowds_ticks_and_merged_listings() -> None:
    assert "likeness" in cats("Mask of the man in the Kremlin", "")
    assert "likeness" in cats("The face of your favourite F1 driver", "")
    assert "likeness" not in cats("Face mask for actors: make-up base", "Used by stage performers.")
    assert "impersonation" in cats("Silicone face", "Be anyone on video calls.")
    assert "consent_waiver" in cats("Custom mask", "No permission? No problem.")
    assert "false_origin_or_mark" in cats("Handmade in Italy (actually Yiwu)", "")
    assert "false_origin_or_mark" in cats("Mask FDA ✅ CE ✅", "Certificates coming soon.")
    assert "false_origin_or_mark" not in cats("Mask CE ✅", "Certificate no. CE-2231 issued 2025.")
    assert "fake_sales_or_reviews" in cats("2k 5★ reviews", "We merged our listings.")
