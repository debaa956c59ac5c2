"""The reviewed glossary, query expansion (lay/English → legal Chinese) and the jieba legal dictionary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.legal_dict import build_entries, mine_charges, mine_headings, write_legal_dict
from ingest.manifest import TOPICS, Manifest
from kb.glossary import Glossary, GlossaryError, en_tokens, load_glossary
from kb.settings import REPO_ROOT, get_settings

GLOSSARY = REPO_ROOT / "corpus" / "glossary.toml"
LEGAL_DICT = REPO_ROOT / "corpus" / "legal_dict.txt"
CORPUS = get_settings().corpus_root


@pytest.fixture(scope="module")
def g() -> Glossary:
    return Glossary.load(GLOSSARY)


def test_glossary_is_broad_and_well_formed(g: Glossary) -> None:
    assert len(g.concepts) >= 150
    assert len({c.id for c in g.concepts}) == len(g.concepts)
    for c in g.concepts:
        assert c.zh and (c.en or c.lay_en), c.id
        assert set(c.topics) <= TOPICS and c.topics, c.id
    general = [c for c in g.concepts if "general" in c.topics]
    assert len(general) >= 60  # STARD-style everyday law, not only the mask domain


@pytest.mark.parametrize(
    ("question", "expected_zh"),
    [
        ("Can I sell a mask that looks like a famous actor?", {"肖像", "肖像权"}),
        ("a mask resembling my neighbour's face", {"肖像"}),
        ("Can I use a singer's stage name in the product title?", {"艺名", "姓名权"}),
        ("They defamed me with slander on Weibo", {"名誉权", "诽谤"}),
        ("Is buying fake reviews illegal?", {"虚假评价"}),
        ("Our listing says No.1 mask, the best in China", {"绝对化用语", "最佳"}),
        ("celebrity endorsement of our masks", {"广告代言人", "代言"}),
        ("misleading claims in an online ad", {"虚假广告", "引人误解"}),
        ("How big are the fines?", {"罚款"}),
        ("Will they confiscate our profits?", {"没收违法所得"}),
        (
            "Does the marketplace have to act on a notice and takedown request?",
            {"电子商务平台经营者", "删除", "断开链接"},
        ),
        ("Do we need the buyer's consent to keep photos?", {"同意"}),
        ("storing customers' face data", {"敏感个人信息", "人脸信息"}),
        ("deepfake face swap videos", {"深度合成"}),
        ("He used the mask in a burglary", {"盗窃"}),
        ("buyer used the mask to scam an old lady", {"诈骗"}),
        ("an accomplice who aided the crime", {"共同犯罪", "帮助"}),
        ("selling personal info of users", {"侵犯公民个人信息罪"}),
        ("can the consumer claim treble damages", {"惩罚性赔偿", "三倍"}),
        ("compensation for mental distress", {"精神损害赔偿"}),
        ("a mask of a deceased actor", {"死者"}),
        ("cloning a celebrity's voice", {"声音"}),
        ("passing off our brand as theirs", {"混淆"}),
        ("customer wants a refund and to return the mask", {"退货", "退款"}),
        ("a defect in the product hurt a user", {"缺陷", "产品质量"}),
        ("what tariff applies to exported masks", {"关税"}),
        ("pass face recognition with a mask", {"人脸识别"}),
    ],
)
def test_english_questions_expand_to_legal_chinese(g: Glossary, question: str, expected_zh: set[str]) -> None:
    e = g.expand(question, "en")
    assert expected_zh <= set(e.terms_zh), (question, e.concepts, e.terms_zh)


@pytest.mark.parametrize(
    ("question", "expected_zh"),
    [
        ("老板不给工资怎么办", {"拖欠劳动报酬", "劳动报酬"}),
        ("离婚时房子归谁", {"离婚", "夫妻共同财产"}),
        ("出了车祸对方全责", {"交通事故"}),
        ("网店卖仿真面具可以用明星照片吗", {"肖像权", "电子商务经营者"}),
        ("有人在网上造谣说我", {"名誉权", "诽谤"}),
        ("商家刷好评违法吗", {"虚假评价"}),
        ("AI换脸视频要标注吗", {"深度合成"}),
        ("父母去世后遗产怎么分", {"继承", "遗产"}),
        ("借钱不还有借条", {"借款合同", "民间借贷"}),
        ("给朋友做担保人要还钱吗", {"保证", "保证人"}),
        ("村里的地能流转吗", {"土地承包经营权"}),
    ],
)
def test_lay_chinese_expands_to_legal_chinese(g: Glossary, question: str, expected_zh: set[str]) -> None:
    e = g.expand(question, "zh")
    assert expected_zh <= set(e.terms_zh), (question, e.concepts, e.terms_zh)


def test_longest_match_wins_inside_chinese(g: Glossary) -> None:
    e = g.expand("人脸识别系统", "zh")
    assert "face-recognition" in e.concepts
    assert "portrait" not in e.concepts  # the 脸 inside 人脸识别 is not a portrait question


def test_plural_folding_without_false_friends(g: Glossary) -> None:
    assert en_tokens("Reviews of the parties' masks") == ["review", "of", "party", "mask"]
    assert "customs" not in g.expand("our customers complained", "en").concepts
    assert "consumer" in g.expand("our customers complained", "en").concepts
    assert "concealed-identity" not in g.expand("we sell masks", "en").concepts


@pytest.mark.parametrize(
    ("question", "expected", "unwanted"),
    [
        # a word that only names a person is no legal area: neighbours ≠ 相邻关系, a boss ≠ labour law
        ("my neighbour saw a mask that looks like me", set(), {"neighbours"}),
        ("can I order a mask of my boss for a party?", set(), {"labour-contract"}),
        ("the water leak from my neighbour's wall damaged my flat", {"neighbours"}, set()),
        # 明知 is a fault standard in civil law too; complicity needs the crime context
        ("店铺明知商品侵权仍然销售", set(), {"accomplice"}),
        ("朋友说要去抢劫，我还是卖给他一把刀，明知他人犯罪", {"accomplice"}, set()),
        ("the platform did nothing after our complaints", {"platform-knowledge"}, set()),
        ("people now think I'm a fraud because of the fake photos", {"reputation"}, set()),
        ("a tool for editing someone's face in a clip", {"deep-synthesis"}, set()),
    ],
)
def test_expansion_needs_legal_context(g: Glossary, question: str, expected: set[str], unwanted: set[str]) -> None:
    concepts = set(g.expand(question).concepts)
    assert expected <= concepts
    assert not unwanted & concepts


def test_lay_wording_reaches_the_legal_standard(g: Glossary) -> None:
    assert {"知道或者应当知道", "必要措施", "连带责任"} <= set(g.expand("平台接到投诉却不处理", "zh").terms_zh)
    assert {"名誉权", "社会评价"} <= set(g.expand("村里人都误以为我是骗子", "zh").terms_zh)
    assert "共同故意犯罪" in g.expand("knowingly sell tools to a burglar", "en").terms_zh


def test_english_terms_and_topics_come_along(g: Glossary) -> None:
    e = g.expand("fake reviews on Taobao", "en")
    assert e.concepts[:2] == ["fake-reviews", "platform"]
    assert "fake reviews" in e.terms_en and "e-commerce platform" in e.terms_en
    assert {"e-commerce", "platform"} <= e.topics
    assert e.terms("zh") == e.terms_zh and e.terms("en") == e.terms_en


def test_out_of_corpus_concepts_are_flagged(g: Glossary) -> None:
    assert g.expand("Does the US right of publicity apply?", "en").out_of_corpus == ["foreign-law"]
    assert g.expand("portrait rights in China", "en").out_of_corpus == []
    assert g.concept("tax").scope == "national"
    e = g.expand("Can we sell these masks in Singapore?", "en")
    assert (
        e.foreign == ["foreign-jurisdiction"] and e.out_of_corpus == []
    )  # PRC law may still be the question
    assert g.expand("出口美国的面具", "zh").foreign == ["foreign-jurisdiction"]


def test_nothing_to_expand(g: Glossary) -> None:
    for q in ("", "   ", "qwxz plonk", "今天天气"):
        e = g.expand(q, "en")
        assert not e and e.terms_zh == [] and e.concepts == []


def test_results_are_cached_but_not_shared(g: Glossary) -> None:
    a = g.expand("fake reviews", "en")
    a.terms_zh.append("tampered")
    b = g.expand("fake reviews", "en")
    assert "tampered" not in b.terms_zh and b.concepts == ["fake-reviews"]


def test_default_glossary_comes_from_settings() -> None:
    assert load_glossary() is load_glossary()
    assert "portrait" in load_glossary().expand("likeness").concepts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[concept]]\nid = "x"\nzh = ["肖像"]\ntopics = ["gossip"]\n', "unknown topics"),
        ('[[concept]]\nid = "x"\nzh = []\ntopics = ["portrait"]\n', "at least one legal Chinese term"),
        (
            '[[concept]]\nid = "x"\nzh = ["肖像"]\nen = "portrait"\ntopics = ["portrait"]\n',
            "list of non-empty strings",
        ),
        ('[[concept]]\nzh = ["肖像"]\n', "'id' is required"),
        (
            '[[concept]]\nid = "x"\nzh = ["a"]\ntopics = ["portrait"]\n[[concept]]\nid = "x"\nzh = ["b"]\ntopics = ["portrait"]\n',
            "duplicate",
        ),
        ("[[concept]\n", "not valid TOML"),
        ("version = 1\n", "no \\[\\[concept\\]\\]"),
    ],
)
def test_bad_glossaries_fail_clearly(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        Glossary.from_toml(text)


def test_missing_glossary_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="not found"):
        load_glossary(tmp_path / "none.toml")


# ------------------------------------------------------------------------------------------ legal_dict.txt


def test_legal_dict_format_and_key_terms() -> None:
    lines = LEGAL_DICT.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 300
    words = set()
    for line in lines:
        word, freq, pos = line.split(" ")
        assert int(freq) > 0 and pos in {"n", "nz"}
        words.add(word)
    for term in (
        "肖像权", "姓名权", "名誉权", "个人信息", "敏感个人信息", "人脸识别", "深度合成", "虚假广告", "广告代言人",
        "电子商务平台经营者", "惩罚性赔偿", "精神损害赔偿", "不正当竞争", "侵犯公民个人信息罪", "诈骗罪", "盗窃罪",
        "民法典", "刑法", "反不正当竞争法", "个人信息保护法",
    ):  # fmt: skip
        assert term in words, term
    assert not [w for w in words if re.search(r"第[一二三四五六七八九十百千零]+条", w)]


def test_mining_helpers() -> None:
    text = "依照前款的规定，以诈骗罪定罪处罚。构成侵犯公民个人信息罪的，从重处罚。以拐卖妇女、儿童罪论处。犯前款罪的"
    assert set(mine_charges([text])) == {"诈骗罪", "侵犯公民个人信息罪"}
    heads = mine_headings(["#### 第六章　隐私权和个人信息保护", "第一章 一般规定", "第四章　肖像权"])
    assert set(heads) == {"隐私权", "个人信息保护", "肖像权"}


def test_build_entries_prefers_reviewed_terms(g: Glossary) -> None:
    man = Manifest.load(REPO_ROOT / "corpus" / "manifest.toml")
    entries = build_entries(g, man, ["以诈骗罪定罪处罚"])
    assert entries["诈骗罪"][0] > 0 and entries["肖像权"] == (20000, "n") and entries["民法典"][1] == "nz"
    assert "制作、使用、公开肖像" not in entries  # jieba cannot hold a word across punctuation


@pytest.mark.skipif(not (CORPUS / "national").is_dir(), reason="statute corpus not present")
def test_legal_dict_is_up_to_date(tmp_path: Path, g: Glossary) -> None:
    """Rebuilding from the glossary, manifest and corpus gives the committed file (run `kb corpus legal-dict`)."""
    out = tmp_path / "legal_dict.txt"
    write_legal_dict(out, g, Manifest.load(REPO_ROOT / "corpus" / "manifest.toml"), CORPUS)
    assert out.read_text(encoding="utf-8") == LEGAL_DICT.read_text(encoding="utf-8")


def test_jieba_keeps_legal_compounds() -> None:
    from kb.tokenize import tokenize_zh

    toks = tokenize_zh("构成侵犯公民个人信息罪，电子商务平台经营者未采取必要措施")
    assert "侵犯公民个人信息罪" in toks and "电子商务平台经营者" in toks


def test_lay_concepts_are_those_described_but_not_named(g: Glossary) -> None:
    e = g.expand("平台接到投诉却不处理", "zh")
    assert "platform-knowledge" in e.lay  # "不处理": a lay phrase of 3+ characters describes the situation
    assert "platform" not in e.lay  # named by its legal term 平台
    assert "notice-takedown" in e.concepts and "notice-takedown" not in e.lay  # "投诉": a two-character synonym
    assert "platform-knowledge" not in g.expand("平台明知侵权却未采取必要措施", "zh").lay  # named legally too
    assert "accomplice" in g.expand("明知买家要去偷东西还卖给他", "zh").lay
    assert g.expand("", "zh").lay == []


@pytest.mark.parametrize(
    ("question", "outside"),
    [
        ("违反广告法国家会罚款吗", False),  # 广告法 + 国家, not 法国
        ("电子商务法国内适用吗", False),
        ("面具在巴西卖需要什么许可？", True),
        ("What permits do we need to sell masks in Vietnam?", True),
        ("Can a Chinese seller in India be fined under PRC advertising rules?", False),  # still a PRC question
        ("国内卖家向美国买家销售面具要遵守什么规定", False),
        ("We make custom masks for our customers", False),  # not customs
    ],
)
def test_foreign_places_mark_a_question_outside_the_corpus(g: Glossary, question: str, outside: bool) -> None:
    from kb.query import analyze

    assert bool(analyze(question, glossary=g).out_of_corpus) is outside
    assert ("customs" in g.expand(question).concepts) is False


def test_a_lay_phrase_for_the_penalty_is_not_a_bridge(g: Glossary) -> None:
    """"罚多少钱" names the consequence asked about, not the conduct: its legal terms stay synonyms."""
    from kb.query import analyze

    qa = analyze("卖家刷好评被查到要罚多少钱？", glossary=g)
    assert "fines" in qa.concepts and "罚款" not in qa.zh_bridge
    assert "虚构交易" in qa.zh_bridge  # the conduct, told in lay words, still bridges


def test_a_direction_abroad_is_not_a_foreign_jurisdiction(g: Glossary) -> None:
    # Transfers abroad, exports and customs are PRC law; only a named place is a foreign jurisdiction.
    for q in ("把客户的人脸照片传到境外服务器需要什么条件？", "面具出口到海外要怎么报关？", "Can we store face scans on a server overseas?"):
        assert g.expand(q, "zh" if "面" in q or "人" in q else "en").foreign == []
    assert g.expand("面具出口到越南要怎么报关？", "zh").foreign == ["foreign-jurisdiction"]


@pytest.mark.parametrize(("question", "not_concept"), [
    ("How many years will the protection last?", "will"),  # the modal verb, not a testament
    ("She is in Shanghai on a tourist visa; can we pay her to help out?", "tourism"),
    ("Can a customs agent file the declaration for us?", "agency"),
    ("The sculpting is done by our partner team abroad.", "partnership"),
    ("The listing remains online three weeks later.", "dead-body"),
    ("I handle compliance for a small shop.", "pseudonym"),
    ("Our first container of silicone arrives next week.", "superlatives"),
    ("The only way in is now a face scan.", "superlatives"),
    ("A batch failed the check at the warehouse.", "storage-contract"),
    ("Customers upload a video of their face.", "online-infringement"),
    ("The boxes carry no factory name or address.", "name"),
    ("What fine could we face if the claim is untrue?", "portrait"),  # "face" the verb
    ("He is facing criminal charges over the scam.", "portrait"),
    ("Does the seller face liability for it?", "portrait"),
    ("The mask we sold burned her face. Is it too late for her to sue?", "portrait"),  # the body part, hurt
    ("After one evening her face was red and itchy.", "portrait"),
    ("顾客说面具把她的脸烫伤了，现在起诉还来得及吗？", "portrait"),
    ("戴了一晚上，脸上起了一片红疹子。", "portrait"),
])
def test_everyday_senses_of_english_words_raise_no_concept(g: Glossary, question: str, not_concept: str) -> None:
    assert not_concept not in g.expand(question).concepts


@pytest.mark.parametrize(("question", "concept"), [
    ("My father left a will giving the shop to my brother. Is his will valid?", "will"),
    ("Can we advertise our masks as the best in the world?", "superlatives"),
    ("How much import duty is charged on silicone?", "customs"),
    ("The two business partners fell out over the profits.", "partnership"),
    ("Can I put a famous singer's name in my listing title?", "name"),
    ("A shop sells masks of my face.", "portrait"),  # "face" the noun
    ("We copied his face from a photo.", "portrait"),
    ("Someone made a mask of my face and the fake now hurts my reputation.", "portrait"),  # harm far from the face
    ("照着明星的脸做的面具能卖吗？", "portrait"),
    ("She bought it two years ago. Is it too late for her to sue?", "limitation"),
    ("两年前买的，现在起诉还来得及吗？", "limitation"),
])
def test_the_legal_senses_still_raise_the_concept(g: Glossary, question: str, concept: str) -> None:
    assert concept in g.expand(question).concepts


@pytest.mark.parametrize("question", [
    "Could we be punished for selling these masks?",
    "If an inspector finds out, what happens to us?",
    "What is our legal exposure for the missing labels?",
    "我们这样宣传会不会被处罚？",
    "市场监管局知道了会怎么罚？",
    "公司会被怎么处理？",
    "这样卖面具有什么法律后果？",
])
def test_a_question_about_the_consequences_asks_for_the_penalty(g: Glossary, question: str) -> None:
    """However a seller asks what the authorities will do (punished, what happens to us, 会不会被处罚, 怎么罚), the
    question asks for the penalty: the retriever brings up the penalty provisions of the rules it finds."""
    from kb.retrieval import PENALTY_CONCEPTS

    assert PENALTY_CONCEPTS & set(g.expand(question).concepts)


@pytest.mark.parametrize("question", ["Can I sell a mask of my own face?", "面具的硅胶是什么材料？"])
def test_a_question_without_consequences_does_not_ask_for_the_penalty(g: Glossary, question: str) -> None:
    from kb.retrieval import PENALTY_CONCEPTS

    assert not PENALTY_CONCEPTS & set(g.expand(question).concepts)
