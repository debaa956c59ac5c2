"""The refusal rules of kb/answer/scope.py: foreign jurisdiction, no legal question, no statute behind it. Every
case below has a near miss that must NOT be refused, so a rule that fires on everything (or nothing) fails."""

from __future__ import annotations

import pytest

from kb.answer.scope import asks_the_law, foreign_jurisdiction, no_statute, refusal


# --------------------------------------------------------------------------------------------- foreign jurisdiction
@pytest.mark.parametrize(
    "question",
    [
        "Can a Seattle gift shop sell masks of a baseball star without a licence?",  # a US city
        "My store is in Nevada. Do I have to collect anything before selling latex masks?",  # a US state
        "Are celebrity masks allowed to be imported into Japan?",  # a country
        "在大阪开网店卖仿真面具要办什么手续？",  # a foreign city, in Chinese
        "在阿联酋卖名人面具会被罚吗？",  # UAE in Chinese
        "Is a Kowloon stall allowed to sell masks of film stars?",  # Hong Kong keeps its own law
        "Under the UK's consumer rules, can buyers return custom masks?",  # a cased abbreviation
    ],
)
def test_a_question_set_in_a_foreign_place_is_foreign(question: str) -> None:
    assert foreign_jurisdiction(question) is not None
    r = refusal(question)
    assert r is not None and r.kind == "foreign"
    assert "foreign" in r.reason("en") and "中华人民共和国法律" in r.reason("zh")


def test_a_foreign_legal_system_named_beside_china_is_still_foreign() -> None:
    # China is named as the seller's home, but the law asked about is the foreign state's statute.
    q = "A Chinese factory sells masks to Ohio buyers. Under Ohio's statute, what must the factory disclose?"
    assert foreign_jurisdiction(q) == "ohio … statute"
    assert foreign_jurisdiction("一家中国工厂把面具卖到加州，按加州法律要承担什么责任？") is not None


@pytest.mark.parametrize(
    "question",
    [
        "A Shenzhen seller ships masks to buyers in Brazil. Who bears the risk if the parcel is lost?",  # set in China
        "我在淘宝开店，有位新加坡买家要求七天无理由退货，我必须同意吗？",  # a Chinese platform
        "Does the Civil Code protect a Japanese actor against masks of his face sold in Guangzhou?",  # PRC law named
        "Our clinic in Vienna keeps patients' face photos. Which GDPR article limits biometric data?",  # GDPR named
        "Customers in Germany upload selfies to us: what does data protection law require for their biometric data?",
        "Can I sell masks of a famous actor's face without asking him?",  # no place at all
        "违反广告法国家会怎么处罚？",  # 法国 inside 广告法 + 国家 is not France
    ],
)
def test_prc_law_questions_naming_a_foreign_place_are_not_foreign(question: str) -> None:
    assert foreign_jurisdiction(question) is None


def test_us_as_a_pronoun_is_not_the_united_states() -> None:
    assert foreign_jurisdiction("Can a customer force us to take back a mask made from her photo?") is None
    assert foreign_jurisdiction("Can US customers force a seller to take back a mask?") is not None


# --------------------------------------------------------------------------------------------- no legal question
@pytest.mark.parametrize(
    "question",
    [
        "Which adhesive keeps a lace wig attached to a silicone head longest?",
        "What ratio of pigment to base silicone gives a tanned skin tone?",
        "硅胶面具的眼睫毛用什么胶水粘比较牢固？",
        "面具网店怎么做推广才能提高销量？",
        "Should I sell my masks on Shopify or on my own site to make more profit?",
        "Can I sculpt the nose thinner so the mask sits better on a narrow face?",  # permission form, nobody else's face
        "Give me a catchy slogan for our new werewolf mask.",
        "明年乳胶面具的价格会涨吗？",
        "我的面具店铺，宝贝标题怎么写更吸引人？",
        "帮我写一段直播间介绍面具的话术。",
        "What do most sellers usually charge for a hand-painted latex mask?",
    ],
)
def test_craft_and_business_questions_ask_nothing_of_the_law(question: str) -> None:
    assert not asks_the_law(question)
    r = refusal(question)
    assert r is not None and r.kind == "not_legal"


@pytest.mark.parametrize(
    "question",
    [
        "If the adhesive on my masks burns a buyer's skin, am I liable?",  # craft word + liability
        "硅胶面具的颜料含有毒物质，卖给消费者违法吗？",  # craft word + 违法
        "Is it legal to advertise my pricing as 'lowest ever' when it isn't?",  # business word + legal
        "Can I sell masks of a famous actor's face without asking him?",  # no craft word: the broad markers decide
        "买家收到面具后想无理由退回，店家能拒绝吗？",
        # business words in the story, what the authorities do when they find it out is asked
        "新店想请人刷单冲销量，万一被查到会怎么样？",
        "We want to boost sales with fake reviews from friends. What if the regulator investigates?",
    ],
)
def test_legal_questions_with_craft_or_business_words_are_legal(question: str) -> None:
    assert asks_the_law(question)
    assert refusal(question) is None


@pytest.mark.parametrize(
    "question",
    [
        # a craft word in the story, another person's face at stake, a lay ask with no legal word
        "A studio casts lifelike silicone copies of my neighbour's face and sells them. Is there anything I can do?",
        "有人按我同学的长相翻模做了硅胶面具在网上卖，我同学能怎么办？",
        # a business word only in the story
        "The shop's system set my price 30 yuan higher than my friend's for the same mask. Can a seller quietly do that?",
        # no legal word, no craft word: a lay question about consequences
        "My cousin wants to use my photos to open a shop account in his name. What happens to me if I agree?",
        "Who pays for the rash my daughter got from a mask she bought online, the shop or the factory?",
        # a craft word in what is asked, but what is asked is permission with another person's face at stake
        "May we sell busts sculpted from a singer's publicity photos if we leave her name off the box?",
        # a craft word in the story, the authority's reach asked
        "Our casting crew works every Sunday this month. What could the labour authorities do about that?",
    ],
)
def test_lay_questions_without_legal_words_are_legal(question: str) -> None:
    assert asks_the_law(question)
    assert refusal(question) is None


@pytest.mark.parametrize(
    "question",
    [
        # the craft word is in what is asked, even though the story names a person
        "My client wants a mask of her own face. Which pigment makes the lips look natural?",
        "硅胶面具做好以后，嘴唇的颜色用什么颜料调才自然？",
        # the craft word is only in the story, and nothing else in it is legal
        "My platinum silicone keeps tearing at the seams when I demould. What should I do?",
    ],
)
def test_a_craft_word_in_what_is_asked_is_not_legal(question: str) -> None:
    assert not asks_the_law(question)


# --------------------------------------------------------------------------------------------- no statute behind it
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("据说有关部门准备出台管理人脸面具销售的办法，里面会写什么？", "future_rules"),
        ("I heard there's a new regulation coming on face masks for adults. What will it say?", "future_rules"),
        ("Roughly what share of likeness cases end in a plaintiff win? What percentage, if you know?", "statistics"),
        ("2023年全国法院受理了多少起肖像权纠纷？", "statistics"),
        ("What are the odds a judge sides with me against the mask shop?", "odds"),
        ("起诉面具店侵犯我的肖像权，胜算大吗？", "odds"),
        ("On average, how much compensation do courts award for a misused portrait?", "typical_awards"),
        ("这类纠纷一般和解能拿到多少钱？", "typical_awards"),
        ("What did the Guangzhou Internet Court award in the livestream face case?", "court_decisions"),
        ("北京互联网法院在那起明星面具案中是怎么判的？", "court_decisions"),
        ("How much does a lawyer charge to bring a portrait-rights claim?", "lawyer_fees"),
        ("打肖像权官司，律师费一般多少钱？", "lawyer_fees"),
        ("How many face-swap fraud prosecutions were brought last year?", "statistics"),  # a hyphenated word before "cases"
        ("If the shop loses, how much is the court likely to give me? A ballpark is fine.", "typical_awards"),
        ("你觉得法官大概会判赔多少钱？", "typical_awards"),
        ("Can you recommend a good lawyer in Shenzhen for a likeness dispute?", "lawyer_recommendation"),
        ("杭州哪家律所打肖像权官司比较靠谱？", "lawyer_recommendation"),
        ("What will the new deepfake rules next year say about masks?", "future_rules"),
        ("Who won the case between the singer and the mask workshop last spring?", "court_decisions"),
        ("电商卖家里有多少比例被罚过款？", "statistics"),
        ("面具引发的肖像权纠纷有没有官方统计？", "statistics"),
        ("据统计，去年全国法院审结的人脸识别纠纷占比多少？", "statistics"),
    ],
)
def test_questions_no_article_answers(question: str, kind: str) -> None:
    found = no_statute(question)
    assert found is not None and found[0] == kind
    r = refusal(question)
    assert r is not None and r.kind == "no_statute" and found[1] in r.reason("en")


@pytest.mark.parametrize(
    "question",
    [
        "What is the highest fine the market regulator can impose for a false advert?",  # a statute fixes it
        "侵害他人肖像权造成财产损失的，赔偿数额怎么确定？",  # the Civil Code says how
        "Can I recover my lawyer's fees from the seller who copied my face?",  # a legal rule, not a market rate
        "法院审理肖像权纠纷时应当考虑哪些因素？",  # what a court must weigh, not what one court decided
        "How many days do buyers have to return goods bought online?",  # "how many" without cases
        "How much compensation can I likely claim if the mask I bought was fake?",  # the statute fixes a multiple
        "被网店卖了假货，大概能赔多少？",  # the Consumer Protection Law says how much
        "Is it legal to print the price 'was 199, now 99' in the product title?",  # a legal question about a title
        "我们网店想用会员的购买记录统计复购率，再给老顾客发优惠券，需要他们同意吗？",  # counting the shop does, not statistics asked for
    ],
)
def test_legal_questions_a_statute_answers_are_not_no_statute(question: str) -> None:
    assert no_statute(question) is None
    assert refusal(question) is None


def test_a_nationality_is_foreign_only_right_before_a_legal_system_word() -> None:
    assert foreign_jurisdiction("Under Korean consumer rules, can a buyer cancel a custom mask order?") == "korean consumer rules"
    # A nationality naming a party leaves the question to PRC law.
    assert foreign_jurisdiction("A Korean buyer paid for a custom mask and now wants to cancel. Can he?") is None


def test_odds_phrased_as_how_likely_and_record_awards_are_no_statute() -> None:
    assert no_statute("How likely is it that the judge would rule for a streamer who sued over a mask?") is not None
    assert no_statute("What is the largest damages award ever made over a likeness mask?") is not None
    assert no_statute("What is the largest fine the Advertising Law allows for a false claim?") is None  # a statute fixes it


def test_a_customs_question_with_a_destination_abroad_is_legal() -> None:
    q = "我们把面具卖到新西兰，在国内出口报关时要准备什么？"
    assert asks_the_law(q) and refusal(q) is None


def test_the_dot_of_an_abbreviation_does_not_end_the_clause() -> None:
    q = "A Chinese exporter ships masks to Boston: what duty does U.S. customs charge on them?"
    assert foreign_jurisdiction(q) == "u.s. … duty"
    assert foreign_jurisdiction("A Chinese exporter ships masks to Boston. What documents does Chinese customs need?") is None


@pytest.mark.parametrize(("question", "foreign"), [
    ("Do we need an import licence to bring silicone from Germany into China?", False),  # Germany is the origin
    ("从日本进口面具原料到国内，报关要注意什么？", False),
    ("What duty does Canada charge on masks shipped there from Shenzhen?", True),  # Canada's own tariff
    ("What VAT applies when I import masks from China into the UAE?", True),  # China is the origin
])
def test_a_foreign_origin_of_goods_brought_into_china_is_not_a_foreign_question(question: str, foreign: bool) -> None:
    assert (foreign_jurisdiction(question) is not None) is foreign


@pytest.mark.parametrize("question", [
    "面具用的硅胶材质需要在包装上标明吗？",  # labelling: a material word, a legal question
    "直播卖面具的话术里能说“全网最低价”吗？",  # an advertising claim in a sales script
    "Can our livestream script call the mask the cheapest on the internet?",
    "How long does the warranty on a mask have to last?",
])
def test_labels_claims_and_warranties_are_legal_questions_whatever_craft_word_they_carry(question: str) -> None:
    assert asks_the_law(question) and refusal(question) is None


@pytest.mark.parametrize(
    "question",
    [
        # any mainland city or province sets the question in China, not only the largest few
        "Our workshop in Wenzhou imports pigment from Italy and the broker under-declared its value. What can customs do?",
        "我们在宁波的工厂从德国进口了一批硅胶，报关时低报了价格，海关会怎么处理？",
        # a foreign visitor working on a tourist visa asks about PRC law, though it reads like a craft question
        "A Canadian student visiting Qingdao on a tourist visa wants to help paint masks in our shop for a few weeks. Is that OK?",
        # which law governs a contract with a party in China: the PRC choice-of-law rules answer, whatever law is named
        "Our London shop bought masks from a factory in Ningbo. They say English law does not apply. Which law governs the contract?",
    ],
)
def test_questions_set_in_china_are_not_refused_as_foreign(question: str) -> None:
    assert foreign_jurisdiction(question) is None
    assert refusal(question) is None


@pytest.mark.parametrize(
    "question",
    [
        "Under English law, how long do I have to complain about faulty goods bought in Manchester?",
        "Which law governs a sale between two mask shops in Toronto under Canadian law?",
    ],
)
def test_a_foreign_law_asked_without_a_party_in_china_is_still_foreign(question: str) -> None:
    r = refusal(question)
    assert r is not None and r.kind == "foreign"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("帮我想几个适合发朋友圈的仿真面具文案，要有悬念感。", "not_legal"),  # copywriting
        ("去年淘宝上仿真面具的销售额同比增长了多少？", "not_legal"),  # market data
        ("Do you think the government will ban realistic masks in the next few years?", "no_statute"),  # a prediction
        ("你觉得未来两年内国家会立法禁止仿真面具吗？", "no_statute"),
        ("How do I get a wet, glossy look on the lips of a latex mask, and which varnish lasts?", "not_legal"),  # finish
        ("硅胶面具的眼球怎么做出水润的光泽？用哪种光油不容易发黄？", "not_legal"),
        ("About how many sellers on Taobao offer latex horror masks right now?", "no_statute"),  # count of businesses
        ("仿真面具工厂全国大概有多少家？哪个省最多？", "no_statute"),
    ],
)
def test_copywriting_market_data_and_predictions_are_refused(question: str, kind: str) -> None:
    r = refusal(question)
    assert r is not None and r.kind == kind


@pytest.mark.parametrize(
    "question",
    ["我们在面具广告里写“全网销量第一”，会不会被罚？", "Will the regulator fine us if our listing says best in China?",
     "Does the new rule on deep synthesis ban face-swap masks already?"],
)
def test_questions_on_rules_in_force_are_not_predictions(question: str) -> None:
    assert refusal(question) is None


@pytest.mark.parametrize(
    "question",
    [
        "How many shops does one business licence need to cover on a marketplace?",  # a legal requirement
        "Will a claim that my mask's clear coat is non-toxic hold up if a buyer gets a rash?",  # craft words, legal ask
        "我们开了多少家网店都必须在首页公示营业执照吗？",
        "网店宣传面具“光泽持久不发黄”，做不到会被罚吗？",
    ],
)
def test_legal_questions_with_finishing_words_or_counts_are_not_refused(question: str) -> None:
    assert refusal(question) is None


def test_a_claim_against_us_is_a_legal_question_whatever_craft_word_the_story_holds() -> None:
    q = ("A sculptor we stopped working with is claiming 50,000 yuan for the mould designs he sent us before we cancelled. "
         "What is our exposure?")
    assert refusal(q) is None
