"""Listing check, kinds of risk added 2026-12-07 (session 21) from the law: fictitious reference prices and sham
time limits, invented sales and reviews, absolute words of ordinary language, experts as endorsers, children's
advertising, withheld safety warnings, a voice, the seller's identity, "compatible with face unlock", self-printed
certification marks, people described instead of named, state officials; and the clean wordings next to them (a true
price history, a platform's Best Sellers list, a museum's copy of a historical portrait, a licensed character).
Wordings written for these tests, not taken from any evaluation set."""

from __future__ import annotations

from typing import Any

import pytest

from kb.listings import detect, load_rules
from kb.listings.detector import rewritten
from tests.listing_helpers import cats


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("硅胶头套 吊牌价1299元 今日399元", "吊牌价是我们随意标的，实际从来没有按这个价卖过。"),
        ("Zombie mask - RRP $120, yours for $25", "We never actually sold it at that price; it makes the deal look better."),
        ("Mask ~~$99~~ $19", "The original price is one we made up for the banner."),
        ("万圣节面具", "店铺惯用先涨价再打折的办法，折扣力度看着大。"),
    ],
)
def test_a_reference_price_the_listing_admits_was_never_charged(title: str, description: str) -> None:
    assert "false_price" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("面具 倒计时2小时 恢复原价", "倒计时到零会自动重新开始，优惠其实全年都有。"),
        ("Limited-time deal on latex masks", "Don't worry about the countdown - it restarts every time you visit."),
        ("Today only: 60% off", "This promotion runs all year round."),
    ],
)
def test_a_time_limit_the_listing_admits_is_not_one(title: str, description: str) -> None:
    assert "false_price" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("老人面具 原价159元 现价129元", "原价为2026年11月1日至30日的实际售价，有订单记录可查。"),
        ("Latex mask, was $40, now $32", "Sold at $40 from March to October 2026; the lower price applies from 1 November."),
        ("限时优惠 硅胶面具", "活动时间：12月1日至12月3日，到期恢复日常价。"),
        ("Mask sale ends Sunday", "Sale runs 5-7 December only."),
        ("面具", "近7日最低成交价89元，本次活动价79元。"),
    ],
)
def test_true_reference_prices_and_real_time_limits_are_clean(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("爆款面具 已售5万件", "销量是找人刷出来的，评价也是水军写的。"),
        ("仿真面具", "新品上架先安排刷好评，买家放心。"),
        ("Silicone mask with 2,000 five-star ratings", "Most ratings were left by our staff and friends at launch."),
        ("Mask", "We bought 300 positive reviews to get you started."),
    ],
)
def test_invented_sales_and_reviews(title: str, description: str) -> None:
    assert "fake_sales_or_reviews" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Silicone mask", "Every review here is from a verified buyer; we never post reviews ourselves."),
        ("仿真面具", "本店坚决拒绝刷单，所有评价均来自真实买家。"),
        ("Mask", "Our team replies to reviews within a day."),
    ],
)
def test_honest_review_statements_are_clean(title: str, description: str) -> None:
    assert "fake_sales_or_reviews" not in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Top-tier latex mask, unparalleled realism", ""),
        ("Industry-leading silicone masks", "Nothing else comes close."),
        ("硅胶面具 无与伦比的质感", "仿真天花板，登峰造极。"),
        ("殿堂级工艺 仿真头套", ""),
    ],
)
def test_more_absolute_words(title: str, description: str) -> None:
    assert "absolute_claim" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Clown mask", "Listed in the platform's Best Sellers ranking for Halloween 2026 (position 9)."),
        ("大话西游 至尊宝造型头套", "原创卡通造型，非任何演员形象。"),
        ("面具", "近30日最低交易价99元，今日同价。"),
    ],
)
def test_words_that_only_look_absolute(title: str, description: str) -> None:
    assert "absolute_claim" not in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Skin-safe silicone mask", "Dermatologist-recommended; 8 out of 10 physicians prefer it."),
        ("亲肤硅胶面具", "多位皮肤科医生一致好评，95%的专家认可。"),
    ],
)
def test_experts_and_statistics_of_experts_are_endorsements(title: str, description: str) -> None:
    assert "endorsement" in cats(title, description)


def test_advice_to_see_a_doctor_is_no_endorsement() -> None:
    assert "endorsement" not in cats("Latex mask", "If you have a latex allergy, consult your doctor before wearing it.")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("恐龙头套 小朋友必备", "小朋友快去让爸爸妈妈给你买！"),
        ("Unicorn mask for kids", "Ask your parents to order one before your friends do!"),
    ],
)
def test_urging_children_to_make_parents_buy(title: str, description: str) -> None:
    assert "children_ad" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("宝宝卡通面具", "带小铃铛装饰，宝宝可以放心啃咬，无需大人看护。"),
        ("Baby bear mask", "Tiny buttons on the nose; safe for babies to put in their mouths, no supervision required."),
    ],
)
def test_withholding_a_safety_warning_for_children(title: str, description: str) -> None:
    assert "safety_warning" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Kids' fox mask", "Contains small parts - not suitable for children under 3. Use under adult supervision."),
        ("儿童头套", "含小零件，3岁以下儿童请勿使用，须在成人看护下佩戴。"),
        ("Adult mask", "No warranty needed - returns accepted within 30 days."),
    ],
)
def test_a_warning_given_is_clean(title: str, description: str) -> None:
    assert not cats(title, description) & {"safety_warning", "children_ad"}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Talking pirate mask", "Plays a greeting in the pop star's real voice, taken from her concert recordings."),
        ("会说话的头套", "内置芯片，AI克隆某歌手的声音，开口就是原唱味。"),
        ("搞怪面具", "附赠主持人原声语音包。"),
    ],
)
def test_a_real_persons_voice(title: str, description: str) -> None:
    assert "voice" in cats(title, description)


def test_a_voice_chip_with_its_own_sounds_is_clean() -> None:
    assert "voice" not in cats("Ghost mask with sound chip", "Plays a spooky laugh recorded by our own studio.")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("硅胶面具 工厂直发", "本店不提供营业执照和经营地址，下单请联系客服。"),
        ("Latex masks", "We don't publish our business name or address. Unregistered seller, cash only."),
    ],
)
def test_a_seller_hiding_its_identity(title: str, description: str) -> None:
    assert "seller_identity" in cats(title, description)


def test_a_displayed_licence_is_clean() -> None:
    assert "seller_identity" not in cats("硅胶面具", "营业执照信息已在店铺首页公示，可随时查看。")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Silicone face, Face ID ready", ""),
        ("Mask compatible with face unlock on most phones", ""),
        ("仿真脸 兼容手机人脸解锁", ""),
        ("硅胶面具", "可录入为手机的备用面容。"),
    ],
)
def test_compatible_with_face_unlock(title: str, description: str) -> None:
    assert "false_function_claim" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("面具 外箱印有CE标志", "CE标志是厂家自己加印的，没有取得过证书。"),
        ("Mask with FDA logo", "We never applied for FDA registration; the logo is decoration."),
    ],
)
def test_certification_marks_the_seller_does_not_hold(title: str, description: str) -> None:
    assert "false_origin_or_mark" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("某当红女星同款脸 仿真面具", ""),
        ("顶流爱豆的脸 头套", ""),
        ("Mask of a certain A-list actor", "Fans will know him at once."),
        ("Party mask", "Modelled on the prime minister's famous face."),
    ],
)
def test_a_person_described_instead_of_named(title: str, description: str) -> None:
    assert "likeness" in cats(title, description)


def test_any_performers_face_is_no_one_in_particular() -> None:
    assert "likeness" not in cats("Blank practice head", "Fits any actor's face for make-up rehearsal.")


def test_a_state_officials_face_cites_the_advertising_ban_on_officials() -> None:
    hits = [h for h in detect("市长同款头套", "照着我们市长的模样做的。") if h.category == "likeness"]
    assert hits and any("ad-state-organs" in h.citations for h in hits)
    # a club's "minister" is no state official
    assert "likeness" not in cats("社团活动道具", "学生会部长同款头套。")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Museum copy of Beethoven's death mask", "Cast from the plaster in a composers' museum collection."),
        ("故宫文创 清代画像面具", "依据馆藏清代乾隆皇帝朝服像复制。"),
    ],
)
def test_a_museums_copy_of_a_historical_portrait_is_no_likeness(title: str, description: str) -> None:
    assert not cats(title, description) & {"likeness", "name_use", "deceased_person"}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Wax museum replica of Emma Watson", "Her face, museum-quality finish."),  # no era: a living person
        ("Museum-quality replica of Tom Hardy's face", "Cast from 19th-century techniques."),  # a grade, not a museum
    ],
)
def test_a_living_person_in_museum_words_is_still_a_likeness(title: str, description: str) -> None:
    assert "likeness" in cats(title, description)


def test_a_name_particle_is_a_whole_word() -> None:
    people = {h.person for h in detect("Replica of Napoleon's death mask", "") if h.person}
    assert all("de" not in p.split() and not p.endswith(" de") for p in people)


def test_the_rewrite_drops_a_fictitious_reference_price() -> None:
    title, description = "仿真头套 原价599元 到手价89元", "原价是商家自定的，从未按原价卖过。手工植发，头围56-60厘米。"
    rules = load_rules()
    out = rewritten(title, description, detect(title, description, rules), rules)
    assert "599" not in out["title"] and "89" in out["title"]
    assert "从未" not in out["description"] and "头围56-60厘米" in out["description"]
    assert out["remaining"] == 0


def test_the_new_categories_cite_the_law_in_force(raw_index: Any) -> None:
    from kb.listings import ListingChecker

    checker = ListingChecker(raw_index.store)
    got = checker.check(
        "儿童面具 吊牌价999元", "吊牌价为商家自定，从未按此价格销售。评价由员工代写刷好评。快让爸爸妈妈给你买！"
        "宝宝可以放心啃咬。内置明星原声语音包。本店不公示营业执照。", lang="zh")
    by_cat = {f["category"]: f for f in got["findings"]}
    articles = {c: {(x["title_zh"], x["article"]) for x in f["citations"]} for c, f in by_cat.items()}
    assert ("网络交易监督管理办法", "第十四条") in articles["false_price"]
    assert ("中华人民共和国电子商务法", "第十七条") in articles["fake_sales_or_reviews"]
    assert ("中华人民共和国广告法", "第四十条") in articles["children_ad"]
    assert ("中华人民共和国消费者权益保护法", "第十八条") in articles["safety_warning"]
    assert ("中华人民共和国民法典", "第一千零二十三条") in articles["voice"]
    assert ("中华人民共和国电子商务法", "第十五条") in articles["seller_identity"]
    # each with its penalty article where the law has one
    for cat in ("false_price", "fake_sales_or_reviews", "children_ad", "safety_warning", "seller_identity"):
        assert any(c["penalty"] for c in by_cat[cat]["citations"]), cat
    assert by_cat["voice"]["category_name"] == "使用他人声音"
    assert all(f["suggestion"] for f in got["findings"])


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Mask - compare at $80, now $20", "The compare-at price is for reference only, not a previous selling price."),
        ("头套 市场价688元 限时68元", "市场价仅供参考，非实际成交价。"),
    ],
)
def test_a_reference_price_the_listing_says_is_not_a_real_price(title: str, description: str) -> None:
    assert "false_price" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("仿真面具 仅剩3件", "页面一直显示仅剩3件，其实库存充足。"),
        ("Only 2 left in stock!", "Don't tell anyone, but we have plenty in stock."),
    ],
)
def test_a_scarcity_the_listing_admits_is_invented(title: str, description: str) -> None:
    assert "false_price" in cats(title, description)


def test_real_low_stock_is_clean() -> None:
    assert not cats("Only 2 left in stock", "Last batch of the 2025 run; we will not restock this colour.")


@pytest.mark.parametrize(
    ("title", "description"),
    [("全头硅胶面具", "适合新生儿佩戴，柔软不闷。"), ("Full-head mask", "Soft enough to be suitable for newborns.")],
)
def test_a_face_covering_mask_sold_for_babies(title: str, description: str) -> None:
    assert "safety_warning" in cats(title, description)


def test_not_for_babies_is_a_warning() -> None:
    assert "safety_warning" not in cats("Kids' mask", "Not suitable for children under 3.")


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Silicone masks", "No returns, no refunds. All sales final."),
        ("硅胶面具", "售出概不退换，请谨慎下单。"),
    ],
)
def test_excluding_return_rights(title: str, description: str) -> None:
    assert "return_rights" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Custom portrait-free mask", "Made to order in your chosen skin tone; custom orders are non-returnable unless defective."),
        ("定制款面具", "定制商品不支持七天无理由退货，质量问题包退换。"),
        ("Mask", "Free returns within 30 days; no return shipping fees."),
        ("Mask", "A non-refundable deposit of $20 secures your slot."),
    ],
)
def test_lawful_return_terms_are_clean(title: str, description: str) -> None:
    assert "return_rights" not in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [("国庆款面具 印五星红旗图案", ""), ("Mask with the Chinese national flag printed on the cheek", ""), ("军徽图案头套", "")],
)
def test_state_symbols(title: str, description: str) -> None:
    assert "state_symbols" in cats(title, description)


@pytest.mark.parametrize(("title", "description"), [("美国国旗图案面具", "星条旗造型。"), ("万国旗装饰头套", "")])
def test_foreign_flags_are_not_state_symbols(title: str, description: str) -> None:
    assert "state_symbols" not in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("仿真面具", "品牌名借用了某男歌手的艺名。"),
        ("Latex masks", "Our brand is named after a famous footballer."),
        ("Masks named after Jennifer Lawrence", ""),
    ],
)
def test_a_persons_name_as_a_brand(title: str, description: str) -> None:
    assert "name_use" in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("World's leading silicone mask maker", ""),
        ("Cheapest realistic mask", "Lowest prices on the market."),
        ("Hollywood heartthrob face mask", ""),
    ],
)
def test_more_superlatives_and_famous_faces(title: str, description: str) -> None:
    assert cats(title, description) & {"absolute_claim", "likeness"}


@pytest.mark.parametrize(
    ("title", "description"),
    [("World's Best Dad party mask", "A gift for Father's Day."), ("Best friends mask set", "Two cartoon cats."), ("#1 Grandma mask", "")],
)
def test_a_superlative_about_a_person_on_a_gift_is_no_claim(title: str, description: str) -> None:
    assert "absolute_claim" not in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Wolf mask - list price $150 (never charged), $30 today", "", "false_price"),
        ("闪购倒计时5分钟", "说是限时，其实天天都是这个价。", "false_price"),
        ("Silicone mask", "Write a five-star review to get $3 cashback.", "fake_sales_or_reviews"),
        ("硅胶面具", "晒图五星好评返5元。", "fake_sales_or_reviews"),
        ("仿真面具 面具之王", "", "absolute_claim"),
        ("面具 包装印CE标志", "我们的供应商 is not CE certified.", "false_origin_or_mark"),
        ("意大利工艺头套", "产地标注意大利，实际由国内工厂代工。", "false_origin_or_mark"),
        ("Dragon mask for kids", "Pester your dad for one this weekend!", "children_ad"),
        ("Baby chick mask", "Little beads inside; no need for any warning label.", "safety_warning"),
        ("Rubber mask of the governor", "", "likeness"),
        ("Famous boxing champion face mask", "", "likeness"),
        ("Radiologists love it", "Silicone mask.", "endorsement"),
        ("面具工作室", "不挂营业执照，私聊下单。", "seller_identity"),
        ("Masks by a small team", "We keep our business name private.", "seller_identity"),
        ("Silicone face", "Register it and it unlocks your tablet too.", "false_function_claim"),
    ],
)
def test_further_wordings_of_the_new_kinds(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Vintage-style clown mask", "Never used, still in the original packaging."),
        ("Masks sold online only", "Never sold in stores; original design by our studio."),
        ("限时特惠 12月1日-12月7日", "活动结束恢复原价129元。库存充足，当天发货。"),
        ("Discreet shipping", "Plain box, no return address on the parcel."),
        ("Mask", "Please leave a review after your purchase - it helps small shops."),
        ("Mask", "Not certified for medical use; a costume only."),
        ("Mask", "Unlock your inner monster this Halloween."),
        ("面具", "本店营业执照已在首页公示。"),
        ("服装面具", "不在3C目录内，未做3C认证。"),  # a statement that no certificate is held, and no mark shown
    ],
)
def test_clean_wordings_near_the_new_kinds(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("开光貔貅面具", "大师开光，戴上招财转运。", "superstition"),
        ("Lucky tiger mask", "Blessed by a monk - wards off evil spirits and brings wealth.", "superstition"),
        ("Blackface party mask", "", "discrimination"),
        ("新款面具 专利申请中", "", "patent_claim"),
        ("Patent-pending strap system", "", "patent_claim"),
        ("专利产品 硅胶头套", "独家专利技术。", "patent_claim"),  # a patent named, its number not given
        ("硅胶面具", "别家卖的都是有毒的劣质货，只有我们是真材实料。", "disparagement"),
        ("Silicone mask", "Other sellers' masks are toxic junk.", "disparagement"),
        ("限量收藏面具", "收藏级限量款，稳赚不赔，三年翻倍没问题。", "investment_promise"),
        ("Collector's mask", "Guaranteed to appreciate - a risk-free investment.", "investment_promise"),
        ("高仿大牌logo面具", "", "counterfeit"),
        ("Designer knock-off masquerade mask", "", "counterfeit"),
        ("面具", "售后问题本店概不负责，一切后果由买家承担。", "unfair_terms"),
        ("Mask", "We accept no liability whatsoever.", "unfair_terms"),
        ("清仓三无产品 面具", "无厂名厂址，便宜处理。", "product_label"),
        ("Mask", "No manufacturer name on the box, no Chinese label.", "product_label"),
        ("警察同款面具", "戴上冒充民警上门检查。", "impersonation"),
        ("Mask", "Pose as a police officer at the door.", "impersonation"),
    ],
)
def test_kinds_from_the_rest_of_the_advertising_and_consumer_law(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("傩戏面具", "传统上人们用傩面驱邪祈福，本品为工艺复制品，不承诺任何效果。"),
        ("Lion dance mask", "In Chinese tradition the lion is believed to bring good luck; a decorative piece."),
        ("专利产品 硅胶头套", "实用新型专利，专利号ZL202520123456.7。"),
        ("面具", "本店不卖三无产品，中文标签齐全。"),
        ("Mask with anti-counterfeit hologram", "Genuine product of our own brand."),
        ("高仿真硅胶面具", "超写实质感。"),
        ("Mask", "Not responsible for damage caused by misuse."),
        ("警察角色扮演面具", "适合儿童职业体验活动，扮演小警察。"),
        ("面具", "最终解释权归本店所有。"),  # a promotion's interpretation clause, no disclaimer of liability
    ],
)
def test_clean_wordings_near_those_kinds(title: str, description: str) -> None:
    assert not cats(title, description)


def test_every_new_category_cites_an_article_of_the_raw_store(raw_index: Any) -> None:
    from kb.listings import ListingChecker

    checker = ListingChecker(raw_index.store)
    got = checker.check("开光面具 专利申请中 高仿大牌", "别家都是劣质假货。稳赚不赔。本店概不负责。三无产品。", lang="en")
    by_cat = {f["category"]: f for f in got["findings"]}
    want = {"superstition": "第九条", "patent_claim": "第十二条", "counterfeit": "第七条", "disparagement": "第十三条",
            "investment_promise": "第二十五条", "unfair_terms": "第二十六条", "product_label": "第二十七条"}
    for cat, article in want.items():
        assert article in {c["article"] for c in by_cat[cat]["citations"]}, cat
        assert any(c["penalty"] for c in by_cat[cat]["citations"]), cat


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Replica of the bronze head of Emperor Wu", "Made for a provincial museum's shop from the piece in its collection."),
        ("Abraham Lincoln mask for history class", "Portrait after a photograph of 1863."),
    ],
)
def test_figures_of_history_in_a_museum_or_a_history_lesson(title: str, description: str) -> None:
    assert not cats(title, description) & {"likeness", "name_use"}


def test_a_living_person_for_a_history_lesson_is_still_a_likeness() -> None:
    assert "likeness" in cats("Barack Obama mask for history class", "His face, lifelike silicone.")


@pytest.mark.parametrize(
    ("title", "description"),
    [("实在面具", "不刷单、不虚构原价、不搞假限时。"), ("Honest mask", "No fake reviews, no fake discounts, no knock-offs.")],
)
def test_negated_market_claims_are_clean(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Sailor mask", "Most five-star ratings here were posted from our employees' accounts.", "fake_sales_or_reviews"),
        ("面具", "晒图评价全是店主自己编的。", "fake_sales_or_reviews"),
        ("Puppy mask for toddlers", "No choking-hazard warning label needed.", "safety_warning"),
        ("Mask like a certain Grammy-winning singer", "", "likeness"),
        ("某人气女团成员同款头套", "", "likeness"),
        ("Mask with FDA mark", "It carries no FDA registration.", "false_origin_or_mark"),
        ("Wholesale masks", "Business name and address not disclosed.", "seller_identity"),
        ("面具批发", "营业执照信息保密，不对外。", "seller_identity"),
        ("Fox mask - list price $70 today $20", "List price is a figure set for display.", "false_price"),
    ],
)
def test_wordings_found_by_a_second_own_set(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("硅胶头套", "执照就不挂了，老客户都懂。", "seller_identity"),
        ("Masks", "The shop's registration stays off the page.", "seller_identity"),
        ("面具", "月销量一大半是找托刷的。", "fake_sales_or_reviews"),
        ("面具 吊牌价888 到手88", "吊牌价是我们瞎标的。", "false_price"),
    ],
)
def test_an_identity_sales_or_price_word_with_its_admission_in_one_clause(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("面具", "我们对您的收货地址保密，放心购买。"),
        ("Mask", "Your address stays private with us."),
        ("面具", "上周销量刷新了店铺纪录。"),
        ("面具", "评价都来自真实买家，绝不刷单。"),
        ("面具", "店铺地址：浙江省金华市某路8号。"),
    ],
)
def test_the_buyers_privacy_and_true_figures_are_clean(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize("title", ["拜登仿真面具", "某国元首同款头套", "某位当红流量小花同款脸", "Mask of a certain country's head of state"])
def test_politicians_and_unnamed_stars(title: str) -> None:
    assert "likeness" in cats(title, "")


@pytest.mark.parametrize(("title", "description"), [("米奇头套", "迪士尼卡通角色，正版授权。"), ("安娜公主头套", "动画角色造型。")])
def test_a_transliterated_name_in_a_character_listing_is_the_characters(title: str, description: str) -> None:
    assert not cats(title, description) & {"likeness", "name_use"}


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("招财猫头套", "日式卡通猫造型。"),
        ("辟邪神兽造型面具", "原创设计。"),
        ("硅胶面具", "支持海外转运，集运仓地址见首页。"),
        ("面具", "因个人原因造成的损坏本店概不负责。"),
        ("定制款面具", "定制商品不支持退换，下单前请确认尺寸。"),
    ],
)
def test_everyday_words_that_only_look_like_the_new_kinds(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("Mask", "The crossed-out price is imaginary; no one has ever paid it.", "false_price"),
        ("Mask - was $80", "That 'was' price is only for show.", "false_price"),
        ("面具 划线价499", "划线价只是个幌子。", "false_price"),
        ("Sale ends tonight!", "It ends tonight every night, honestly.", "false_price"),
        ("今日截止 特价头套", "常年都写着今日截止。", "false_price"),
        ("Over 9,000 sold", "Many of those orders were placed by us to boost the listing.", "fake_sales_or_reviews"),
        ("面具", "雇人冲了单量，好评如潮。", "fake_sales_or_reviews"),
        ("Mask with UL and TÜV seals", "The seals are purely decorative; it has never been tested.", "false_origin_or_mark"),
        ("Kids' pirate mask", "Hey kids, send the link to your dad so he can order one!", "children_ad"),
        ("Baby mask", "If the bell comes off, swallowing it is harmless.", "safety_warning"),
        ("Silicone face", "Facial recognition works with it on most phones.", "false_function_claim"),
        ("面具", "可绑定支付宝人脸支付。", "false_function_claim"),
        ("Talking mask", "Its chip imitates the former prime minister's voice.", "voice"),
        ("Mask seller", "Running without a trading licence for now.", "seller_identity"),
        ("Mask", "Endorsed by many top cosmetic surgeons.", "endorsement"),
        ("面具", "多位院士连连称赞。", "endorsement"),
        ("Rubber mask", "The mayor of our city, down to the moustache.", "likeness"),
    ],
)
def test_a_third_round_of_wordings(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Mask", "Our prices are not fake: the regular price is what we charged all autumn."),
        ("Rock star mask", "Roars and sounds like a rock star when you squeeze it."),
        ("Parents' pick", "Parents, buy one for each child in the class."),
        ("Mask with CE mark", "CE certificate no. 2026-44, tested by an accredited lab."),
        ("面具", "今日截止下单，明日统一发货。"),
    ],
)
def test_a_third_round_of_clean_wordings(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
 ("硅胶面具 原价1288 活动价128", "所谓原价从来没人买过。", "false_price"),
 ("面具 吊牌价699", "吊牌是我们自己印的价，实际一直卖69。", "false_price"),
 ("面具 倒计时最后3小时", "倒计时结束后会重新从3小时开始。", "false_price"),
 ("Flash deal: 80% off, 1 hour left", "The one-hour timer starts again after it runs out.", "false_price"),
 ("销量破10万", "其实大部分是自己人下的单。", "fake_sales_or_reviews"),
 ("面具", "好评率99%，差评都删了。", "fake_sales_or_reviews"),
 ("Mask", "We delete every negative review.", "fake_sales_or_reviews"),
 ("全网独家 最牛面具", "", "absolute_claim"),
 ("面具界的劳斯莱斯 无可挑剔", "", "absolute_claim"),
 ("The #1 choice of professionals worldwide", "", "absolute_claim"),
 ("Finest mask in existence", "", "absolute_claim"),
 ("硅胶面具 外包装有3C标", "3C是我们自己贴上去的，没去认证。", "false_origin_or_mark"),
 ("进口面具 日本原装", "其实是义乌小作坊做的。", "false_origin_or_mark"),
 ("Mask labelled 'Made in France'", "It's produced in our Dongguan workshop.", "false_origin_or_mark"),
 ("儿童面具", "小朋友，看中了就让爸妈马上付款哦！", "children_ad"),
 ("Kids mask", "Kids - tell your mom you NEED this!", "children_ad"),
 ("宝宝面具", "面具上的小珠子宝宝吃了也没事。", "safety_warning"),
 ("儿童面具", "不需要任何年龄提示，几个月的宝宝都能戴。", "safety_warning"),
 ("面具", "支持苹果面容ID，戴上就能解锁。", "false_function_claim"),
 ("Mask", "Passes the selfie check on dating apps.", "false_function_claim"),
 ("某当红男演员同款头套", "懂的都懂，不方便说名字。", "likeness"),
 ("一位家喻户晓的影帝同款脸", "", "likeness"),
 ("Mask of that singer everyone knows from the Super Bowl show", "", "likeness"),
 ("某国前总统仿真面具", "", "likeness"),
 ("局长同款面具", "", "likeness"),
 ("会说话的面具", "内置某天王的经典台词原声。", "voice"),
 ("Mask", "Comes with an AI voice clone of your favourite YouTuber.", "voice"),
 ("面具", "本店无营业执照，私下交易。", "seller_identity"),
 ("Mask", "We're a hobby seller without any registration; we don't give an address.", "seller_identity"),
 ("面具", "某三甲医院皮肤科主任推荐。", "endorsement"),
 ("Mask", "Approved by the National Dermatology Association.", "endorsement"),
    ],
)
def test_a_fourth_round_of_wordings(title: str, description: str, category: str) -> None:
    assert category in cats(title, description)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("面具 原价129 现价99", "原价为上月实际售价，有订单记录。"),
        ("面具", "倒计时结束后恢复原价，不会重新开始。"),
        ("面具", "我们从不删差评，欢迎真实评价。"),
        ("面具 CE认证", "CE证书编号CE-2026-118，可查询。"),
        ("宝宝卡通面具", "3岁以下请勿使用，小零件有误吞风险。"),
        ("Mask", "Approved for sale in the EU; CE certificate number on the box."),
    ],
)
def test_a_fourth_round_of_clean_wordings(title: str, description: str) -> None:
    assert not cats(title, description)


@pytest.mark.parametrize(
    ("title", "description", "category"),
    [
        ("硅胶面具 那位英国前首相的脸", "", "likeness"),
        ("面具", "长得和某位退休老干部一模一样。", "likeness"),
        ("面具", "照着我们镇长的照片做的。", "likeness"),
        ("Mask", "A dead ringer for the nation's best-loved TV chef.", "likeness"),
        ("Mask", "People will think you're that famous boxer.", "likeness"),
        ("撞脸某当红小花 硅胶面具", "", "likeness"),
        ("Mask", "Includes recordings of the singer's real voice.", "voice"),
        ("以成龙命名的面具系列", "", "name_use"),
        ("Replica of Tutankhamun's burial mask", "From the museum's reproduction programme.", None),
    ],
)
def test_a_fifth_round_of_wordings(title: str, description: str, category: str | None) -> None:
    got = cats(title, description)
    assert category in got if category else not got & {"likeness", "name_use"}
