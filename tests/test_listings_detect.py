"""Listing detection on real Chinese and English listings (no store needed): categories, context logic
against word-list false positives, negation, person names found by tagging rather than by a name list."""

from __future__ import annotations

import pytest

from kb.listings import detect, load_rules
from kb.listings.detector import is_negated, overall_risk
from kb.listings.names import find_people
from kb.listings.rules import RulesError, parse_rules
from tests.listing_helpers import cats

# --- risky listings ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("高仿真硅胶人脸面具 男士老人头套 全网最逼真", "进口硅胶，手工植发。", {"absolute_claim"}),
        ("国家级工艺 硅胶面具", "专业影视级硅胶，透气舒适。", {"absolute_claim"}),
        ("硅胶面具 行业第一品牌", "", {"absolute_claim"}),
        ("顶级极品硅胶头套", "", {"absolute_claim"}),
        ("World's best silicone mask", "The No.1 choice of film studios.", {"absolute_claim"}),
        ("#1 realistic mask on the market", "", {"absolute_claim"}),
        ("硅胶面具 可通过刷脸支付验证", "亲测可过刷脸支付，逼真度高。", {"false_function_claim"}),
        ("仿真面具", "戴上可以人脸解锁，骗过人脸识别。", {"false_function_claim"}),
        ("Realistic silicone face mask - passes facial recognition", "Unlock phones and pass face checks.", {"false_function_claim"}),
        ("Hyper-real mask", "100% undetectable, fools Face ID.", {"false_function_claim"}),
        ("明星脸硅胶面具", "", {"likeness"}),
        ("Celebrity face mask, hand made", "", {"likeness"}),
        ("Professor mask", "Looks exactly like the late actor.", {"likeness"}),
        ("按照片定制硅胶面具", "支持3D扫描，还原度高。", {"custom_from_photos"}),
        ("Custom mask made from your photos", "Send us 360-degree head photos of anyone.", {"custom_from_photos"}),
        ("反侦察硅胶面具", "戴上躲避监控，警察都认不出。", {"crime_invitation"}),
        ("Mask", "Evade surveillance cameras; nobody will recognise you, not even the police.", {"crime_invitation"}),
        ("Silicone mask", "Pass ID checks as someone else.", {"crime_invitation"}),
        ("硅胶面具 明星推荐款", "", {"endorsement"}),
        ("Silicone mask endorsed by Hollywood celebrities", "", {"endorsement"}),
    ],
)
def test_risky_listings(title: str, description: str, expected: set[str]) -> None:
    assert expected <= cats(title, description)


def test_named_person_gives_likeness_and_name_use_zh() -> None:
    hits = detect("范冰冰同款脸 硅胶面具", "按明星照片1:1还原。")
    by = {(h.category, h.text) for h in hits}
    assert ("likeness", "范冰冰同款脸") in by
    assert ("name_use", "范冰冰") in by
    name = next(h for h in hits if h.category == "name_use")
    assert name.person == "范冰冰" and name.field == "title" and (name.start, name.end) == (0, 3)


def test_untagged_name_in_strong_context_and_endorsement() -> None:
    # jieba tags 吴京 as a place (ns); the 代言 context and the family name make it a person.
    hits = detect("吴京代言 硅胶头套", "")
    assert {"endorsement", "name_use"} <= {h.category for h in hits}
    assert any(h.person == "吴京" for h in hits)


def test_english_name_patterns() -> None:
    hits = detect("Professor mask - Alan Rickman likeness, film grade silicone", "Looks just like Tom Cruise.")
    people = {h.person for h in hits if h.category == "name_use"}
    assert people == {"Alan Rickman", "Tom Cruise"}
    assert any(h.category == "likeness" and h.text == "Alan Rickman likeness" for h in hits)


def test_title_case_product_words_are_not_names() -> None:
    assert find_people("Realistic Old Man Mask Looks Like Grandpa", load_rules().names) == []
    assert not cats("Halloween Zombie Latex Mask", "Scary Clown Face For Parties")


def test_person_name_finder_is_not_a_name_list() -> None:
    # an ordinary (invented) full name, which no celebrity list would hold, in a likeness context
    people = find_people("王小明同款面具", load_rules().names)
    assert [(p.name, p.kind) for p in people] == [("王小明", "likeness")]


# --- context logic against word-list false positives --------------------------------------------------

@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("硅胶面具 最近新款", "最近到货，欢迎选购。"),
        ("最后一批库存 硅胶面具", "售完即止，最后机会。"),
        ("卡通熊猫头套", "最终解释权归本店所有。"),
        ("卡通熊猫头套", "最初的设计来自舞台剧。"),
        ("舞台头套", "退换货规则详见本店须知第三条。"),
        ("舞台头套", "依据售后条款第十一条办理退款。"),
        ("舞台头套", "尺码不合适不是大麻烦，七天无理由退换。"),
        ("儿童头套", "第一次购买请先看尺码表。"),
        ("Latex mask", "Looks convincing at best under stage lights. Best regards, the shop team."),
        ("Latex mask, No. 1 size", "Fits head circumference up to 58 cm."),
        ("Party mask", "See item No. 1 in the size chart."),
        ("明星形状的装饰贴纸 儿童头套", "星星图案内衬，明星产品，热销款。"),
        ("卡通熊猫头套 儿童节表演道具", "毛绒材质，适合舞台演出。"),
        ("Halloween zombie latex mask, one size fits all", "Spooky full-head latex mask for parties. Not modeled on any real person."),
        ("原创设计硅胶面具", "非明星同款，原创角色，不以任何真实人物为原型。"),
        ("Theatre prop mask", "This mask cannot be used to unlock phones or pass facial recognition."),
        ("表演用头套", "本品无法通过人脸识别，不能用于刷脸支付，仅供表演。"),
        ("Silicone mask", "Best to store flat, away from sunlight."),
        ("抖音同款 卡通头套", "热销同款，收货后最好先清洗。"),
    ],
)
def test_clean_listings_raise_nothing(title: str, description: str) -> None:
    assert detect(title, description) == []


def test_real_claim_next_to_false_positive_word_is_still_found() -> None:
    hits = detect("最近上新 全网最逼真硅胶面具", "第一次购买也能放心：行业第一品牌。")
    texts = {h.text for h in hits}
    assert "最近" not in texts and "第一次" not in texts
    assert any("最逼真" in t for t in texts) and any("行业第一" in t for t in texts)


def test_negation_is_clause_bound() -> None:
    text = "不是明星款。范冰冰同款脸"
    start = text.index("范冰冰")
    assert not is_negated(text, start, start + 6)
    assert is_negated("非明星同款", 1, 5)
    worry = "Don't worry, cameras won't catch you"
    assert not is_negated(worry, worry.index("cameras"), len(worry))


def test_severity_and_overall_risk() -> None:
    hits = detect("全网最逼真硅胶面具", "")
    assert overall_risk(hits) == "medium"
    hits = detect("全网最逼真硅胶面具", "可通过刷脸支付")
    assert overall_risk(hits) == "high"
    assert overall_risk([]) == "none"


def test_spans_point_into_their_field() -> None:
    title, desc = "Hyper-real mask", "Great for film. It passes facial recognition easily."
    for h in detect(title, desc):
        source = title if h.field == "title" else desc
        assert source[h.start:h.end] == h.text


def test_rules_file_errors_name_the_entry() -> None:
    with pytest.raises(RulesError, match="unknown category"):
        parse_rules({"trigger": [{"category": "nope", "pattern": "x"}]})
    base = {"category": [{"id": c, "name_zh": "x", "name_en": "x", "severity": "high", "explanation_zh": "x",
                          "explanation_en": "x", "suggestion_zh": "x", "suggestion_en": "x"} for c in ("likeness", "name_use", "endorsement")]}
    with pytest.raises(RulesError, match="bad regular expression"):
        parse_rules({**base, "trigger": [{"category": "likeness", "pattern": "(unclosed"}]})
    with pytest.raises(RulesError, match="severity"):
        parse_rules({**base, "trigger": [{"category": "likeness", "pattern": "x", "severity": "extreme"}]})


def test_every_category_has_citations_and_a_penalty_or_liability_article() -> None:
    rules = load_rules()
    for cat in rules.categories.values():
        assert cat.citations, cat.id
        assert any(rules.citations[c].penalty for c in cat.citations), cat.id


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("真人硅胶面具", "可刷脸，可过闸机。", "false_function_claim"),
        ("仿真面具", "戴上能解锁Face ID。", "false_function_claim"),
        ("硅胶面具", "发照片即可定制，支持定制任意人脸。", "custom_from_photos"),
        ("硅胶头套", "骗过银行视频认证，远程开户无压力。", "crime_invitation"),
        ("全球首创硅胶面具", "绝对逼真。", "absolute_claim"),
        ("撞脸刘德华 硅胶面具", "", "likeness"),
        ("硅胶面具", "周杰伦亲自推荐。", "endorsement"),
        ("Celebrity mask - Donald Trump", "", "name_use"),
        ("Silicone disguise", "Disguise yourself from CCTV.", "crime_invitation"),
        ("Mask", "Guaranteed to pass airport face gates.", "false_function_claim"),
    ],
)
def test_more_risky_wordings(title: str, description: str, expected: str) -> None:
    assert expected in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("2024最新款 卡通头套", "最大可调节头围60cm，最好手洗。"),
        ("Latex mask", "Best for small heads; look your best on stage. Pack #1 of 3."),
        ("Silicone mask with undetectable seams", "Hand-finished edges."),
        ("Theatre mask", "So realistic it looks like a real person."),
        ("表演头套", "请勿用于人脸识别等违法用途。"),
        ("硅胶面具", "无明星代言，省下代言费让利顾客。"),
        ("卡通熊猫头套", "黄金色毛绒，华为手机拍摄实物图。"),
        ("表演面具", "最终解释权归本店所有。"),
    ],
)
def test_more_clean_wordings(title: str, description: str) -> None:
    assert detect(title, description) == []


def test_zuihao_advice_versus_claim() -> None:
    assert detect("硅胶面具", "收货后最好手洗。") == []
    assert "absolute_claim" in cats("硅胶面具", "质量最好。")
    assert "absolute_claim" in cats("最好的硅胶面具", "")


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("硅胶面具", "不仅能刷脸支付，还能解锁手机。", "false_function_claim"),
        ("硅胶面具", "无需密码即可刷脸解锁。", "false_function_claim"),
        ("Mask", "No password needed - unlocks phones with the mask on.", "false_function_claim"),
        ("Mask", "Not only realistic, it also passes facial recognition.", "false_function_claim"),
    ],
)
def test_words_that_look_like_negation_but_are_not(title: str, description: str, expected: str) -> None:
    assert expected in cats(title, description)


def test_trigger_level_citations_and_new_wordings() -> None:
    swap = detect("AI换脸定制视频", "")
    assert swap[0].category == "likeness" and "deep-synth-face-consent" in swap[0].citations
    organ = detect("公安部指定面具供应商", "")
    assert organ[0].category == "absolute_claim" and organ[0].citations == ("ad-state-organs",)
    data = detect("出售人脸数据 高清人脸照片库", "")
    assert {h.category for h in data} == {"crime_invitation"}
    assert "crim-personal-info" in data[0].citations


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("Face ID bypass silicone mask", "Tested on iPhone.", "false_function_claim"),
        ("Lifelike elderly man mask", "So real that even facial recognition can't tell.", "false_function_claim"),
        ("仿真面具", "人脸识别都识别不出来。", "false_function_claim"),
        ("Perfect mask for bank robbery", "", "crime_invitation"),
        ("Realistic mask", "Wear it to cross the border without being identified.", "crime_invitation"),
        ("Become Brad Pitt - hyper realistic silicone mask", "", "name_use"),
        ("Premium old man mask", "Recommended by professional makeup artists.", "endorsement"),
    ],
)
def test_english_and_chinese_edge_claims(title: str, description: str, expected: str) -> None:
    assert expected in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Silicone mask - not for illegal use", "Do not use to deceive face recognition systems or commit crimes."),
        ("防盗门贴纸面具套装", "谨防诈骗，认准官方店铺。"),
        ("Crime scene party mask", "Realistic mask for a crime drama cosplay."),
        ("Latex horse head mask", "Funny party mask, one size fits all."),
        ("Realistic mask used on Netflix sets", "Made in China."),
    ],
)
def test_disclaimers_and_crime_words_in_context(title: str, description: str) -> None:
    assert detect(title, description) == []


@pytest.mark.parametrize("title", ["唐僧面具 儿童表演", "曹操面具 京剧脸谱", "Peter Pan mask", "孙悟空头套", "Santa Claus latex mask"])
def test_fictional_and_opera_characters_are_not_real_people(title: str) -> None:
    assert detect(title, "") == []


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        ("硅胶面具 全网销量No.1", "", "absolute_claim"),
        ("易容面具 可定制", "支持按客户提供的照片1比1定制，老板、同事、前任都能做。", "custom_from_photos"),
        ("人皮面具 高端定制", "采集三维人脸数据，还原度99%。", "custom_from_photos"),
    ],
)
def test_chinese_wordings_without_word_boundaries(title: str, description: str, expected: str) -> None:
    assert expected in cats(title, description)


def test_realistic_human_is_not_a_real_person() -> None:
    assert cats("仿真人脸面具 真人硅胶头套", "") == set()
