"""Listing check, kinds of risk added after the unseen listings of 2026-12-07 (issue 12 §6): names in pinyin,
Hangul and kana; "her face" in the other field; a written licence; disease-treatment claims; false origin or
certification marks; deceased persons; absolute words inside a work's quoted title. Detection only (the
rules and the name finder as shipped), plus the citations of the new categories on the raw store."""

from __future__ import annotations

from typing import Any

import pytest

from kb.listings import detect, load_rules
from kb.listings.detector import rewritten
from kb.listings.names import find_people
from tests.listing_helpers import cats


@pytest.mark.parametrize(
    ("title", "description", "person"),
    [
        ("Hyper-Real Silicone Face Mask of Zhao Liying", "", "Zhao Liying"),  # pinyin, title case
        ("Liying Zhao replica face mask", "", "Liying Zhao"),  # given name first
        ("박보검 同款硅胶面具", "", "박보검"),  # Hangul before a Chinese cue
        ("Realistic 新垣ゆい silicone mask", "", "新垣ゆい"),  # kanji + hiragana before an English face word
        ("ブラッド・ピット realistic mask", "", "ブラッド・ピット"),  # katakana
    ],
)
def test_names_in_pinyin_and_other_scripts_are_likeness_and_name_use(title: str, description: str, person: str) -> None:
    hits = detect(title, description)
    assert {"likeness", "name_use"} <= {h.category for h in hits}
    assert person in {h.person for h in hits}


@pytest.mark.parametrize(
    "title",
    [
        "Hong Kong opera style mask",  # a place, not a name
        "Feng Shui red lucky mask",  # a loan phrase
        "Zhu Bajie pig head mask",  # 猪八戒: a character of fiction (zh_not_names, read in pinyin)
        "Guan Yu red face opera mask",  # 关羽: a figure of legend
        "Tai Chi master old man mask",
        "Wang Lei Studio silicone mask",  # a business's name, not a face
        "ホラーマスク ゾンビ",  # Japanese product words
    ],
)
def test_pinyin_and_kana_look_alikes_are_not_people(title: str) -> None:
    assert not cats(title) & {"likeness", "name_use"}


def test_the_sellers_own_person_named_in_the_other_field_is_not_a_name_finding() -> None:
    assert not cats("Wang Fang signature series", "Sculpted by our founder Wang Fang.") & {"name_use", "likeness"}


def test_her_face_in_the_description_makes_the_title_name_a_likeness() -> None:
    assert "likeness" in cats("Audrey Hepburn tribute edition", "Her iconic face recreated from studio photos.")
    assert "likeness" not in cats("Audrey Hepburn tribute edition", "Silicone, hand painted.")
    # and a name-free listing stays clean however it describes "her face"
    assert not cats("Geisha silicone mask", "Her face is hand-painted with traditional white makeup.")


def test_pronoun_face_without_a_name_raises_nothing() -> None:
    people = find_people("Elderly lady mask, her face shows gentle wrinkles", load_rules().names)
    assert people == []


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Licensed mask of TV host Zhou Ping", "Zhou Ping signed a written likeness licence with our studio; copy on request."),
        ("林海授权款头套", "林海本人已签署肖像授权书，授权期内限量生产。"),
    ],
)
def test_a_written_licence_clears_likeness_and_name(title: str, description: str) -> None:
    assert not cats(title, description) & {"likeness", "name_use"}


def test_a_licence_claim_with_a_consent_waiver_still_reports_the_person() -> None:
    got = cats("Officially licensed Taylor Swift mask", "No written licence needed, we never ask.")
    assert {"likeness", "consent_waiver"} <= got


def test_a_licence_policy_is_no_consent_waiver() -> None:
    assert "consent_waiver" not in cats("Film double masks", "We work from a signed consent form only. No consent, no order.")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Soothing silicone mask", "Relieves migraines and cures acne overnight."),
        ("美容硅胶面具", "可治疗湿疹和鼻炎。"),
        ("Silicone mask, registered medical device", ""),
    ],
)
def test_disease_treatment_and_medical_terms(title: str, description: str) -> None:
    assert "medical_claim" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Latex mask", "Not a medical device; it does not treat any condition."),
        ("面具", "本品不具有治疗功能，仅供表演使用。"),
        ("Comfort fit latex mask", "Pain-free fit, relieves pressure on the ears."),
        ("Trick or treat pumpkin mask", "Great for Halloween treats."),
    ],
)
def test_no_medical_claim_in_negations_and_ordinary_words(title: str, description: str) -> None:
    assert "medical_claim" not in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Silicone mask", "Labelled Made in Italy, actually produced in our Dongguan workshop."),
        ("德国原装 仿真面具", "广东自有工厂生产，厂家直销。"),
        ("硅胶面具 包装印CE认证标志", "CE认证证书正在办理中。"),
        ("Mask with CE and FDA marks", "Certification pending."),
    ],
)
def test_false_origin_and_borrowed_certification_marks(title: str, description: str) -> None:
    assert "false_origin_or_mark" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("日本进口硅胶原料 仿真面具", "采用日本进口硅胶原料，广东自有工厂手工制作。"),  # imported material, made at home
        ("Mask", "Silicone made in Japan, cast in our Shenzhen workshop."),
        ("Mask", "Made in Japan. Shipped from our Shenzhen warehouse."),
        ("CE certified silicone mask", "CE certificate no. 12345 issued 2024."),
    ],
)
def test_true_origin_and_held_certificates_are_not_flagged(title: str, description: str) -> None:
    assert "false_origin_or_mark" not in cats(title, description)


def test_a_deceased_person_needs_a_person() -> None:
    assert {"deceased_person", "likeness"} <= cats("纪念款 仿真面具", "按已故演员张国荣生前照片复刻。")
    assert "deceased_person" not in cats("Monster mask", "Original design, a tribute to the films of 1931-1939.")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ('Werewolf mask from our novel "The Best Night Ever"', ""),
        ("判官脸谱头套", "戏曲里他被称为“天下第一判官”，手绘脸谱。"),
        ("京剧脸谱头套", "造型取自话剧《天下第一楼》。"),
        ("Best-selling author's villain mask", ""),
    ],
)
def test_absolute_words_in_a_works_title_are_not_claims(title: str, description: str) -> None:
    assert "absolute_claim" not in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [('"Best mask ever" - silicone mask', ""), ("“行业第一”硅胶面具", "")],
)
def test_a_quoted_claim_about_the_product_is_still_a_claim(title: str, description: str) -> None:
    assert "absolute_claim" in cats(title, description)


def test_the_rewrite_drops_a_mark_with_its_pending_certificate() -> None:
    title, description = "Silicone mask", "CE mark printed on the box (certificate pending). Soft platinum silicone."
    rules = load_rules()
    out = rewritten(title, description, detect(title, description, rules), rules)
    assert "CE" not in out["description"] and "pending" not in out["description"]
    assert "platinum silicone" in out["description"] and "(" not in out["description"]
    assert out["remaining"] == 0


def test_new_categories_cite_the_law_in_force(raw_index: Any) -> None:
    from kb.listings import ListingChecker

    checker = ListingChecker(raw_index.store)
    got = checker.check("美容硅胶面具 德国原装", "可治疗痤疮。广东自有工厂生产。按已故演员张国荣生前照片复刻。", lang="en")
    by_cat = {f["category"]: f for f in got["findings"]}
    articles = {c: {(x["title_zh"], x["article"]) for x in f["citations"]} for c, f in by_cat.items()}
    assert ("中华人民共和国广告法", "第十七条") in articles["medical_claim"]
    assert ("中华人民共和国产品质量法", "第五条") in articles["false_origin_or_mark"]
    assert ("中华人民共和国民法典", "第九百九十四条") in articles["deceased_person"]
    assert by_cat["medical_claim"]["category_name"] == "Disease-treatment or medical claim"  # the UI's language
    assert len(got["findings"]) == len(by_cat)  # one finding per category


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Freddy Krueger latex mask", "Burned face of the dream-killer character."),
        ("Michael Myers horror mask", "The iconic slasher villain mask, white face."),
        ("奥特曼同款面具", "儿童动漫角色面具"),
    ],
)
def test_a_name_the_listing_presents_as_a_character_is_not_a_person(title: str, description: str) -> None:
    assert not cats(title, description) & {"likeness", "name_use"}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Freddy Krueger mask", "The character as played by actor Robert Englund, his face 1:1."),  # a real role named
        ("Keanu Reeves John Wick character mask", ""),  # two names: an actor and his role
        ("Zhou Xun Mulan character mask", "Her face, as in the film."),  # a Chinese name in pinyin
        ("刘亦菲花木兰角色同款面具", ""),  # a Chinese name by family name
    ],
)
def test_a_real_person_behind_a_character_still_counts(title: str, description: str) -> None:
    assert cats(title, description) & {"likeness", "name_use"}


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("乔治·克鲁尼硅胶面具", "还原他的脸，细节到位。", "likeness"),  # a middle-dot transliteration
        ("Wang Yibo同款面具", "", "likeness"),  # pinyin right before a Chinese cue
        ("当红男星同款脸 硅胶面具", "", "likeness"),
        ("国家领导人仿真面具", "", "likeness"),
        ("Turn your boss's face into a mask", "Upload his LinkedIn photos.", "custom_from_photos"),
        ("人脸数据包出售", "带身份证号的真人人脸照片，建模专用。", "crime_invitation"),
        ("仿真面具", "无需本人到场，戴上即可替他人办理业务。", "impersonation"),
        ("Ultra-realistic mask", "Even cops can't tell.", "crime_invitation"),
    ],
)
def test_more_wordings_of_known_risks(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


def test_a_numeral_before_a_family_name_character_is_a_measure_word() -> None:
    # 3000张 / 三张: 张 counts photos here, it is not the family name Zhang
    assert not cats("照片定制面具", "提供三张本人正脸照片即可。") & {"likeness", "name_use"}
    assert not {h.person for h in detect("素材", "3000张带水印的风景照片，本人拍摄。") if h.person}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Ancient Warrior Bronze Mask", "Inspired by Sanxingdui bronze heads."),  # a place after "inspired by"
        ("Mask inspired by Peking Opera", ""),
        ("孔子面具", "古代思想家造型，学校演出用。"),  # figures of antiquity (zh_not_names)
        ("李白诗人头套", "唐代诗人造型，原创设计。"),
    ],
)
def test_places_styles_and_figures_of_antiquity_are_not_people(title: str, description: str) -> None:
    assert not cats(title, description) & {"likeness", "name_use"}


def test_inspired_by_a_two_word_name_is_still_a_likeness() -> None:
    assert "likeness" in cats("Mask inspired by Tom Hanks", "")


def test_a_character_costume_that_looks_like_a_real_person_still_counts() -> None:
    assert {"likeness", "name_use"} <= cats("Cosplay Character Mask", "Looks exactly like Emma Stone.")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("网红脸面具 适合实时换脸", "", "likeness"),
        ("仿真头套", "戴上化身各路明星。", "likeness"),
        ("仿真头套", "连直播间观众也认不出来。", "impersonation"),
        ("防护面罩", "可杀灭病毒。", "medical_claim"),
        ("Antiviral face shield", "Filters 95% of germs.", "medical_claim"),
        ("仿真面具 公安部检验合格", "", "absolute_claim"),
    ],
)
def test_further_wordings(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("明星同款妆容 化妆刷", "不含人脸，非面具。"),  # a celebrity's make-up style, no face
        ("病毒主题万圣节面具", "丧尸病毒题材造型，原创设计。"),  # a virus as a theme
        ("仿真面具", "国家权威机构检测报告可查。"),  # 权威 is no name
    ],
)
def test_further_clean_wordings(title: str, description: str) -> None:
    assert not cats(title, description) & {"likeness", "name_use", "medical_claim"}


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Satire mask", "A grotesque version of the sitting governor.", "likeness"),  # 丑化 (art. 1019)
        ("恶搞版领导人头套", "", "likeness"),
        ("Custom faces, no questions asked", "Send any photo.", "consent_waiver"),
        ("Exam helper mask", "Take the exam for your brother; proctors won't notice.", "impersonation"),
        ("Silicone cap", "Treats hair loss in weeks.", "medical_claim"),
    ],
)
def test_caricature_no_questions_exams_and_hair_loss(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


def test_a_return_policy_asks_no_questions_innocently() -> None:
    assert "consent_waiver" not in cats("Realistic old man face mask", "Full refund within 30 days, no questions asked.")


@pytest.mark.parametrize(
    ("title", "description"),
    [("面具+证件套餐", "可代办假驾照，照片与面具一致。"), ("Disguise kit", "Includes a forged passport page with the mask's face.")],
)
def test_forged_identity_documents(title: str, description: str) -> None:
    assert "crime_invitation" in cats(title, description)


def test_beings_of_myth_are_not_people() -> None:
    assert not cats("铁扇公主 牛魔王 头套套装", "神话人物造型。") & {"likeness", "name_use"}
    assert not cats("黄袍怪头套", "") & {"likeness", "name_use"}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Costume mask", "Not intended for identity checks, fraud or any other unlawful purpose."),
        ("仿真面具", "严禁用于诈骗、冒充他人、躲避监控等违法行为。"),
    ],
)
def test_a_sentence_opening_with_a_prohibition_covers_its_whole_list(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Mask", "Not for children, but it passes face ID every time."),
        ("Mask", "Not for sale to minors: fools any face scanner."),
        ("面具", "请勿用于儿童。可通过人脸识别。"),
    ],
)
def test_a_prohibition_does_not_reach_past_its_sentence_or_a_but(title: str, description: str) -> None:
    assert "false_function_claim" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Old lady mask", "Wig by Nora Quinn Hair Co., glued with medical adhesive."),
        ("Elder mask", "Ask customer service (Jenny Zhao) for sizing."),
        ("Mask", "Customer review from Peter Lund: “so real my kids screamed”."),
    ],
)
def test_the_shops_staff_suppliers_and_customers_are_not_name_use(title: str, description: str) -> None:
    assert "name_use" not in cats(title, description)


def test_a_celebrity_name_before_studio_words_is_still_a_likeness() -> None:
    assert "likeness" in cats("Tom Hanks Studio Edition silicone mask", "")


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("仿真面具", "戴上和现任总统长得一模一样。", "likeness"),
        ("Mask", "Pick any celebrity you like and we make the face.", "likeness"),
        ("面具", "做出任何人的脸，只需一张照片。", "custom_from_photos"),
        ("面具", "有她的朋友圈照片就能做。", "custom_from_photos"),
        ("面具", "柜员都看不出来，替人开户。", "impersonation"),
        ("Mask", "Her neighbours will swear you're her.", "impersonation"),
    ],
)
def test_looks_like_an_official_any_celebrity_and_passing_as_someone(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(("title", "description"), [("Star mask", "Become a star on stage with this glittery mask!"), ("面具", "和朋友一样开心。")])
def test_idioms_are_not_likeness(title: str, description: str) -> None:
    assert "likeness" not in cats(title, description)


def test_opera_role_types_are_not_people() -> None:
    assert not cats("京剧花旦头套", "传统戏曲造型，手工点翠头饰。") & {"likeness", "name_use"}
    assert not cats("京剧老生髯口头套", "") & {"likeness", "name_use"}
