"""Hybrid retrieval on a small real index (real statute files, bm25s, embedded Chroma, bundled model)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from kb.channels import best_per_article
from kb.errors import BadRequest, LawNotFound
from kb.lang import detect_lang
from kb.qmemory import MemoryItem, QuestionMemory, gold_ref
from kb.records import SearchFilters
from kb.retrieval import FusionWeights, Retriever, without
from tests.retrieval_fixtures import build_small_index


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    idx = build_small_index(tmp_path_factory.mktemp("retrieval-index"))
    yield idx
    idx.close()


@pytest.fixture(scope="module")
def retriever(index: Any) -> Retriever:
    return Retriever(index, memory=QuestionMemory([]))


def _keys(result: Any) -> list[tuple[str, str]]:
    return [(h.article.law_id, h.article.key) for h in result.hits]


def test_chinese_query_finds_the_false_advertising_article(retriever: Retriever) -> None:
    res = retriever.search("发布虚假广告，欺骗、误导消费者的，怎么处罚？", k=10)
    assert res.lang == "zh"
    assert sum(1 for h in res.hits[:5] if h.article.law_id == "advertising-law") >= 2
    assert ("advertising-law", "28") in _keys(res)[:10]
    assert all(h.lexical_score for h in res.hits[:3])
    assert [h.rank for h in res.hits] == list(range(1, len(res.hits) + 1))
    assert 0.0 <= res.evidence_score <= 1.0


def test_english_question_reaches_a_chinese_only_law_through_the_glossary(retriever: Retriever) -> None:
    res = retriever.search("Which article defines a false advertisement?", k=5)
    assert res.lang == "en"
    assert any(t == "虚假广告" for t in res.expansions)
    assert ("advertising-law", "28") in _keys(res)[:3]
    hit = next(h for h in res.hits if h.article.law_id == "advertising-law")
    assert hit.article.text_en is None  # reached without any English text
    assert hit.dense_score is not None  # the multilingual vectors meet the Chinese text as well


def test_the_bundled_model_embeds_both_languages(retriever: Retriever) -> None:
    en = retriever.search("accepting kickbacks in a private company", k=5)
    assert any(h.dense_score for h in en.hits), "an English query must use the dense channel"
    assert any(h.dense_score and not h.article.text_en for h in en.hits), "…and meet articles that have only Chinese text"
    zh = retriever.search("收受回扣", k=5)
    assert any(h.dense_score for h in zh.hits), "a Chinese query uses the dense channel too"


def test_hits_are_distinct_articles(retriever: Retriever) -> None:
    res = retriever.search("经营者 混淆 姓名 名称", k=20)
    keys = _keys(res)
    assert len(keys) == len(set(keys))


def test_as_of_selects_the_version_in_force(retriever: Retriever) -> None:
    q = "擅自使用他人有一定影响的姓名，引人误认为是他人商品"
    old = retriever.search(q, k=5, filters=SearchFilters(as_of=date(2024, 6, 1)))
    new = retriever.search(q, k=5, filters=SearchFilters(as_of=date(2026, 1, 1)))
    aucl_old = [h for h in old.hits if h.article.law_id == "anti-unfair-competition-law"]
    aucl_new = [h for h in new.hits if h.article.law_id == "anti-unfair-competition-law"]
    assert aucl_old and aucl_new
    assert {h.article.version_id for h in aucl_old} == {"anti-unfair-competition-law@2019-04-23"}
    assert {h.article.version_id for h in aucl_new} == {"anti-unfair-competition-law@2025-10-15"}
    assert aucl_old[0].article.key == "6" and aucl_new[0].article.key == "7"  # the article was renumbered in 2025
    assert old.as_of == date(2024, 6, 1)


def test_facts_dated_in_the_question_are_searched_under_the_law_then(retriever: Retriever) -> None:
    dated = retriever.search("2024年6月，一家网店擅自使用他人有一定影响的姓名，引人误认为是他人商品。", k=5)
    assert dated.as_of == date(2024, 6, 30)
    aucl = [h for h in dated.hits if h.article.law_id == "anti-unfair-competition-law"]
    assert aucl and {h.article.version_id for h in aucl} == {"anti-unfair-competition-law@2019-04-23"}
    # the law in force now is asked for: today, the 2025 text
    now = retriever.search("按现行法律，2024年6月擅自使用他人有一定影响的姓名，引人误认为是他人商品，怎么处理？", k=5)
    assert now.as_of == date.today()
    # an explicit as_of wins over the text
    given = retriever.search("2024年6月擅自使用他人有一定影响的姓名", k=5, filters=SearchFilters(as_of=date(2026, 1, 1)))
    assert given.as_of == date(2026, 1, 1)


def test_before_any_version_nothing_is_in_force(retriever: Retriever) -> None:
    res = retriever.search("虚假广告", k=5, filters=SearchFilters(as_of=date(2000, 1, 1)))
    assert res.hits == []


def test_law_instrument_topic_and_jurisdiction_filters(retriever: Retriever) -> None:
    q = "虚假 宣传 商业 贿赂"
    only_ads = retriever.search(q, k=10, filters=SearchFilters(law=["广告法"]))
    assert only_ads.hits and {h.article.law_id for h in only_ads.hits} == {"advertising-law"}
    by_topic = retriever.search(q, k=10, filters=SearchFilters(topic=["unfair-competition"]))
    assert by_topic.hits and {h.article.law_id for h in by_topic.hits} == {"anti-unfair-competition-law"}
    amendments = retriever.search("受贿 行贿", k=10, filters=SearchFilters(instrument=["amendment"]))
    assert amendments.hits and {h.article.law_id for h in amendments.hits} == {"criminal-law-amendment-xii"}
    assert retriever.search(q, k=10, filters=SearchFilters(jurisdiction=["eu"])).hits == []


def test_unknown_law_filter_is_a_clear_error(retriever: Retriever) -> None:
    with pytest.raises(LawNotFound):
        retriever.search("广告", filters=SearchFilters(law=["不存在的法"]))


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_rejected(retriever: Retriever, query: str) -> None:
    with pytest.raises(BadRequest):
        retriever.search(query)


def test_law_named_in_the_query_is_a_soft_prior(retriever: Retriever) -> None:
    res = retriever.search("Under the Anti-Unfair Competition Law, what about misleading publicity?", k=5)
    assert res.hits[0].article.law_id == "anti-unfair-competition-law"
    plain = retriever.search("广告法 罚款", k=10)
    assert plain.hits[0].article.law_id == "advertising-law"


def test_question_memory_votes_bring_in_articles_without_lexical_overlap(index: Any) -> None:
    ref = gold_ref("中华人民共和国广告法", "第三十八条")
    assert ref == ("广告法", "38")
    memory = QuestionMemory([MemoryItem("明星可以给面膜代言吗", (ref,)), MemoryItem("商标注册要多久", (("商标法", "28"),))])
    votes = memory.votes("明星代言")
    assert votes.laws.get("广告法", 0) > 0.5 and votes.articles.get(ref, 0) > 0
    with_memory = Retriever(index, memory=memory).search("明星代言", k=5)
    assert ("advertising-law", "38") in _keys(with_memory)


def test_evidence_is_lower_for_a_question_the_corpus_cannot_answer(retriever: Retriever) -> None:
    good = retriever.search("发布虚假广告的罚款是多少？", k=5)
    bad = retriever.search("What is the corporate income tax rate in Singapore?", k=5)
    assert good.evidence_score > bad.evidence_score


def test_language_detection() -> None:
    assert detect_lang("肖像权是什么") == "zh"
    assert detect_lang("What is a portrait right?") == "en"
    assert detect_lang("What does 肖像权 mean?") == "zh"


def test_learned_reranker_keeps_a_consistent_ranking(index: Any) -> None:
    from kb.rerank import DEPTH, FEATURES, load_reranker

    reranker = load_reranker()
    assert reranker is not None, "kb/data/rerank.txt is shipped"
    assert reranker.booster.num_feature() == len(FEATURES)
    rows: list[Any] = []
    r = Retriever(index, memory=QuestionMemory([]), reranker=reranker, use_reranker=True)
    r.feature_sink = lambda cands, feats: rows.extend(feats)
    res = r.search("广告代言人应当具备什么条件？", k=10)
    assert rows and all(len(x) == len(FEATURES) for x in rows)
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True)
    assert len({(h.article.law_id, h.article.key) for h in res.hits}) == len(res.hits)
    rows.clear()
    english = r.search("Who may endorse an advertisement?", k=5)  # English questions are reranked too
    assert english.hits and rows
    assert {x[FEATURES.index("lang_en")] for x in rows} == {1.0}
    assert len(rows) <= DEPTH


def test_reranker_switched_off_leaves_the_fused_order(index: Any) -> None:
    """KB_RETRIEVAL_OFF=rerank (the setting `kb eval --ablate rerank` uses) gives exactly the fused order."""
    from kb.rerank import load_reranker

    q = "广告代言人应当具备什么条件？"
    fused = Retriever(index, memory=QuestionMemory([]), use_reranker=False).search(q, k=10)
    off = Retriever(index, memory=QuestionMemory([]), reranker=load_reranker(),
                    weights=without(FusionWeights(), ["rerank"]), use_reranker=True).search(q, k=10)
    assert [h.article.article_id for h in off.hits] == [h.article.article_id for h in fused.hits]


def test_results_are_cached_per_normalised_question_and_bounded(index: Any) -> None:
    from kb.settings import Settings

    settings = Settings(search_cache_size=2)
    r = Retriever(index, settings=settings, memory=QuestionMemory([]))
    calls: list[str] = []
    inner = r._search
    r._search = lambda q, k, f, lang: (calls.append(q), inner(q, k, f, lang))[1]  # type: ignore[method-assign]
    first = r.search("广告代言人应当具备什么条件？", k=5)
    first.hits.clear()  # a caller's changes do not reach the cache
    again = r.search("  广告代言人应当具备什么条件？ ", k=5)
    assert len(calls) == 1 and again.hits
    r.search("广告代言人应当具备什么条件？", k=5, filters=SearchFilters(as_of=date(2016, 1, 1)))
    r.search("肖像权", k=5)
    assert len(calls) == 3
    r.search("广告代言人应当具备什么条件？", k=5)  # the oldest of three was dropped (size 2)
    assert len(calls) == 4
    off = Retriever(index, settings=Settings(search_cache_size=0), memory=QuestionMemory([]))
    assert off.search("肖像权", k=5) is not off.search("肖像权", k=5)
    assert not off._results


def test_weighted_lexical_query_sums_group_scores() -> None:
    from kb.lexical import BM25Index

    docs = [["肖像", "权"], ["网络", "服务", "提供者", "必要措施"], ["必要措施", "连带责任"], ["其他"]]
    lex = BM25Index.build("zh", docs)
    own = dict(lex.search(["肖像"], 10))
    bridge = dict(lex.search(["必要措施", "连带责任"], 10))
    both = dict(lex.search_weighted([(["肖像"], 1.0), (["必要措施", "连带责任"], 1.5)], 10))
    assert set(both) == set(own) | set(bridge)
    for doc, score in both.items():
        assert score == pytest.approx(own.get(doc, 0.0) + 1.5 * bridge.get(doc, 0.0), rel=1e-5)
    assert lex.search_weighted([(["肖像"], 1.0)], 10) == lex.search(["肖像"], 10)
    assert lex.search_weighted([([], 1.0), (["肖像"], 0.0)], 10) == []


def test_lexical_hits_as_arrays_give_each_articles_best_chunk_in_the_same_order(raw_index: Any) -> None:
    """ChunkTable.best_of_docs (the lexical channel's arrays) gives each article's best chunk of the same hits taken one
    by one: the same articles, best chunk scores and laws, in the same order, for deep searches where articles have
    several chunks."""
    table = Retriever(raw_index, memory=QuestionMemory([])).chunks()
    merged = 0
    for lang, groups in (("zh", [(["肖像", "面具", "网店", "责任", "应当", "规定"], 1.0)]),
                         ("zh", [(["个人信息", "处理", "法律"], 1.0), (["同意", "行政"], 0.5)]),
                         ("en", [(["portrait", "consent", "shall", "law"], 1.0)])):
        lex = raw_index.lexical[lang]
        docs, scores = lex.top_weighted(groups, 1000, table.mask(lang))
        hits = lex.search_weighted(groups, 1000, table.mask(lang))
        assert list(zip(docs.tolist(), scores.tolist(), strict=True)) == hits
        refs = {d: ref for d, _ in hits if (ref := table.ref(lang, d)) is not None}
        want = best_per_article(hits, refs)  # the dense channel's merge of chunk hits, hit by hit
        assert len(want) > 20
        merged += len(hits) - len(want)
        assert list(table.best_of_docs(lang, docs, scores).items()) == list(want.items())
        # one scoring for the whole search and a search narrowed to one law (a question naming it): each as alone
        narrow = table.mask(lang, law_ids=[next(iter(want.values()))[1]])
        many = lex.top_weighted_many(groups, [(1000, table.mask(lang)), (50, narrow), (0, None)])
        alone = [lex.top_weighted(groups, 1000, table.mask(lang)), lex.top_weighted(groups, 50, narrow), lex.top_weighted(groups, 0)]
        assert [(d.tolist(), s.tolist()) for d, s in many] == [(d.tolist(), s.tolist()) for d, s in alone]
        assert 0 < len(many[1][0]) < len(many[0][0]) and not len(many[2][0])
    assert merged > 0  # several chunks of one article among the hits
    assert table.best_of_docs("zh", docs[:0], scores[:0]) == {}


def test_a_situation_told_in_lay_words_reaches_the_article_that_defines_it(raw_index: Any) -> None:
    """"偷东西" is a lay phrase of the theft concept: its legal terms join the question's own BM25 query, so
    the theft article outranks articles that merely share the lay words."""

    question = "朋友知道我要去偷东西，还借给我工具，他算犯罪吗？"
    qa = Retriever(raw_index, memory=QuestionMemory([])).analyze(question)
    assert "盗窃" in qa.zh_bridge_tokens and "偷东西" not in qa.zh_bridge_tokens

    def rank(bridge: float) -> int:
        r = Retriever(raw_index, memory=QuestionMemory([]), weights=FusionWeights(bridge=bridge), use_reranker=False)
        keys = _keys(r.search(question, k=50))
        return keys.index(("criminal-law", "264")) + 1 if ("criminal-law", "264") in keys else 51

    with_bridge, without = rank(FusionWeights().bridge), rank(0.0)
    assert with_bridge <= 5 and with_bridge < without


class _BrokenVectors:
    def query(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("vector store unreachable")


class _IndexWithoutVectors:
    """The real index, but its vector store fails on every query (a Chroma outage)."""

    def __init__(self, index: Any) -> None:
        self._index = index
        self.vectors = _BrokenVectors()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)


def test_a_vector_outage_is_reported_not_hidden(index: Any) -> None:
    from kb.answer.service import answer_question

    EN_Q = "Is accepting kickbacks in a private company illegal?"

    healthy = Retriever(index, memory=QuestionMemory([])).search(EN_Q, k=5)
    assert healthy.degraded == [] and any(h.dense_score for h in healthy.hits)
    broken = _IndexWithoutVectors(index)
    r = Retriever(broken, memory=QuestionMemory([]))
    res = r.search(EN_Q, k=5)
    assert res.degraded == ["dense"]
    assert res.hits and not any(h.dense_score for h in res.hits)  # still answered, from the lexical channels
    assert r.search("广告代言人应当具备什么条件？", k=5).degraded == ["dense"]  # Chinese questions use the vectors too
    broken.retriever = r
    answer = answer_question(broken, EN_Q)
    assert answer.searched.get("degraded") == ["dense"]
    assert not answer.refused and any("keyword search only" in n for n in answer.notes)


def test_a_penalty_question_gets_the_article_that_punishes_the_conduct(raw_index: Any) -> None:
    """广告法第五十七条 punishes "发布有本法第九条…规定的禁止情形的广告" by number only, so it shares no words with a
    question about superlatives; asked for the penalty, it follows the prohibition it cites."""
    question = "网店详情页写了“最佳”“国家级”这样的词，被查到要罚多少钱？"
    # our notes find 57 on their own (it ranks first with them); without them only the step brings it up
    with_notes = _keys(Retriever(raw_index, memory=QuestionMemory([])).search(question, k=10))
    assert {("advertising-law", "9"), ("advertising-law", "57")} <= set(with_notes[:5]), with_notes
    retriever = Retriever(raw_index, memory=QuestionMemory([]), settings=raw_index.settings.model_copy(update={"retrieval_off": "notes"}))
    result = retriever.search(question, k=10)
    keys = _keys(result)
    assert ("advertising-law", "9") in keys[:5], keys
    assert keys.index(("advertising-law", "57")) == keys.index(("advertising-law", "9")) + 1, keys
    rule, penalty = result.hits[keys.index(("advertising-law", "9"))], result.hits[keys.index(("advertising-law", "57"))]
    assert penalty.penalty_for == rule.article.article_id and rule.penalty_for is None
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)

    # a pipeline without the step: 57 does not follow 9
    off = Retriever(raw_index, memory=QuestionMemory([]), settings=raw_index.settings.model_copy(update={"retrieval_off": "penalty,notes"}))
    assert all(h.penalty_for is None for h in off.search(question, k=10).hits)
    # a question that does not ask about penalties is left alone
    asked = retriever.search("网店详情页能不能写“最佳”“国家级”这样的词？", k=10)
    assert ("advertising-law", "9") in _keys(asked)[:3] and all(h.penalty_for is None for h in asked.hits)


@pytest.mark.parametrize(
    ("text", "focus"),
    [
        ("网店宣传仿真面具“可以通过人脸识别”，是否构成虚假广告？", None),  # one sentence
        ("有家店要求买面具前先刷脸认证。我能拒绝吗？", None),  # two: the question sentence alone has no subject
        ("我在网上开小店。有买家要求退货，我能拒绝吗？我这边需要做什么？", "有买家要求退货，我能拒绝吗？ 我这边需要做什么？"),
        ("A buyer sent photos (approx. 3 MB each) of his boss. He wants a mask of that face. What consent do we need?",
         "What consent do we need?"),
        ("Is it legal? Really?", None),  # nothing but its questions
        ("我们卖面具。我们也卖假发。", None),  # no question sentence
    ],
)
def test_focus_text_is_the_question_sentences_of_a_longer_text(text: str, focus: str | None) -> None:
    from kb.retrieval import focus_text

    assert focus_text(text) == focus


def test_a_long_fact_pattern_is_also_searched_by_its_question(raw_index: Any) -> None:
    """The circumstances of a long question (a shop, custom photos, a buyer's mood) pull in articles about
    themselves; its question sentence, searched on its own and blended in, brings up the article it asks about."""
    import dataclasses

    question = ("我在网上开了一家小店，按买家发来的照片定制硅胶面具，每单都要先付定金。上周有位买家收到货以后说戴着不舒服，"
                "想退。他要求七天无理由退货，我能拒绝吗？")

    def rank(focus: float, subquery: float) -> int:
        weights = dataclasses.replace(FusionWeights(), focus=focus, subquery=subquery, subquery_asked=subquery * 2,
                                      notes_lex=0.0, notes_dense=0.0)
        r = Retriever(raw_index, memory=QuestionMemory([]), weights=weights)
        keys = _keys(r.search(question, k=30))
        return keys.index(("consumer-protection-law", "25")) + 1 if ("consumer-protection-law", "25") in keys else 31

    focused, whole = rank(FusionWeights().focus, FusionWeights().subquery), rank(0.0, 0.0)
    assert FusionWeights().focus > 0 and focused <= 10 and focused <= whole, (focused, whole)


def test_a_channel_switched_off_is_not_composed(raw_index: Any) -> None:
    """Settings compose the pipeline: a channel named in KB_RETRIEVAL_OFF is simply absent, not patched out."""
    on = Retriever(raw_index, memory=QuestionMemory([]))
    assert {"lex_zh", "lex_zx", "lex_en", "dense", "notes_lex", "notes_dense", "charge"} <= set(on.channels)
    off = Retriever(raw_index, memory=QuestionMemory([]),
                    settings=raw_index.settings.model_copy(update={"retrieval_off": "dense,notes"}))
    assert "dense" not in off.channels and "notes_lex" not in off.channels and "notes_dense" not in off.channels
    q = "Can an online shop sell a mask of a singer's face without her consent?"
    assert any(h.dense_score for h in on.search(q, k=5).hits)
    assert not any(h.dense_score for h in off.search(q, k=5).hits)
    with pytest.raises(BadRequest):
        Retriever(raw_index, settings=raw_index.settings.model_copy(update={"retrieval_off": "telepathy"}))


def test_the_filters_are_resolved_once_into_a_plan_each_backend_translates(raw_index: Any) -> None:
    r = Retriever(raw_index, memory=QuestionMemory([]))
    plan = r.plan(SearchFilters(law=["广告法"], as_of=date(2024, 1, 1)))
    assert plan.law_ids == ("advertising-law",) and plan.day == 20240101
    assert plan.where(["zh", "en"]) == {"$and": [
        {"effective_from": {"$lte": 20240101}}, {"effective_to": {"$gte": 20240101}},
        {"law_id": {"$in": ["advertising-law"]}}, {"lang": {"$in": ["en", "zh"]}}]}
    assert plan.allows(raw_index.store.law("advertising-law")) and not plan.allows(raw_index.store.law("civil-code"))
    hits = r.search("虚假广告", k=10, filters=SearchFilters(law=["广告法"], as_of=date(2024, 1, 1))).hits
    assert hits and {h.article.law_id for h in hits} == {"advertising-law"}


def test_notes_count_more_for_a_question_about_the_core_laws(raw_index: Any) -> None:
    """Our notes cover the core laws only: the glossary's core concepts decide whether they weigh double."""
    r = Retriever(raw_index, memory=QuestionMemory([]))
    assert r.weights.notes_core > 1
    assert r._core_question(r.analyze("网店卖照着明星的脸做的硅胶面具，侵犯肖像权吗？"))
    assert not r._core_question(r.analyze("农村土地承包经营权可以继承吗？"))  # core Civil Code, not our notes
    assert not r._core_question(r.analyze("交通事故对方全责，我的车损怎么赔？"))
    assert not Retriever(raw_index, memory=QuestionMemory([]), use_glossary=False)._core_question(r.analyze("肖像权"))


def test_each_sentence_of_a_fact_pattern_meets_the_notes_on_its_own(raw_index: Any) -> None:
    """A long fact pattern: an article's clause score is its best note match over the sentences (0..1, the best
    article of some sentence at 1); a one-sentence question gets none."""
    r = Retriever(raw_index, memory=QuestionMemory([]))
    plan = r.plan(SearchFilters())
    long_q = ("我在一家小公司做运营。老板让我把客户的手机号和人脸照片整理成表格，卖给一家做面具的工厂。"
              "工厂用这些照片做了很多硅胶面具在网上卖。我这样做要承担什么责任？")
    cands: dict = {}
    r._ranked(r.analyze(long_q), 10, plan, cands, clause=r._clause_notes(r._sentences(r.analyze(long_q), 10, plan)))
    scores = [c.notes_clause for c in cands.values() if c.notes_clause]
    assert scores and max(scores) == pytest.approx(1.0) and min(scores) >= 0
    by_law = {c.law_id for c in cands.values() if c.notes_clause > 0.8}
    assert "pipl" in by_law or "criminal-law" in by_law, by_law
    short = r._clause_notes(r._sentences(r.analyze("卖客户的人脸照片违法吗？"), 10, plan))
    assert not short


def test_a_sentence_searched_for_the_whole_text_is_not_searched_again(raw_index: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentences of a long fact pattern and of its question sentences overlap: each is searched once per question,
    and a search that reuses them ranks exactly as one that searches them afresh."""
    r = Retriever(raw_index, memory=QuestionMemory([]))
    plan = r.plan(SearchFilters())
    qa = r.analyze("我在一家小公司做运营。老板让我把客户的手机号和人脸照片整理成表格；卖给一家做面具的工厂。"
                   "工厂用这些照片做了很多硅胶面具在网上卖。我这样做要承担什么责任？")
    fresh = r._sentences(qa, 10, plan)
    calls: list[str] = []
    ranked = Retriever._ranked

    def counting(self: Retriever, qa: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(qa.text)
        return ranked(self, qa, *args, **kwargs)

    monkeypatch.setattr(Retriever, "_ranked", counting)
    searched: dict = {}
    first = r._sentences(qa, 10, plan, searched)
    again = r._sentences(qa, 10, plan, searched)
    assert len(first) >= 3 and len(calls) == len(first) == len(set(calls))
    assert [o for o, _, _ in again] == [o for o, _, _ in first]  # the same searches, not new ones
    assert [[(c.article_id, c.score) for c in o[:10]] for o, _, _ in first] == [[(c.article_id, c.score) for c in o[:10]] for o, _, _ in fresh]


def test_memory_votes_are_summed_in_the_order_of_the_neighbours() -> None:
    """The law votes of one neighbour are added in the order of its gold articles (a set's order changed with the
    hash seed, and with it the last bits of the shares)."""
    gold = tuple((law, "1") for law in ("广告法", "民法典", "刑法", "商标法", "电子商务法"))
    votes = QuestionMemory([MemoryItem("明星肖像广告", gold)]).votes("明星肖像广告")
    assert list(votes.laws) == [g[0] for g in gold]


def test_an_opened_index_runs_numpy_blas_on_one_thread(raw_index: Any) -> None:
    """A search's products are matrix × one vector; OpenBLAS threads spinning beside them cost ten times the CPU."""
    from threadpoolctl import threadpool_info

    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas, "numpy's BLAS is not visible to threadpoolctl"
    assert raw_index.settings.blas_threads == 1
    assert all(p["num_threads"] == 1 for p in blas), blas


def test_a_long_question_is_embedded_in_one_batch_and_ranks_as_one_by_one(raw_index: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The texts a long fact pattern searches (the whole, its question sentence, each sentence) are embedded in one
    batch of the bundled engine; each vector is the one the text gets alone, so the search ranks exactly the same."""
    question = ("我在一家小公司做运营。老板让我把客户的手机号和人脸照片整理成表格，卖给一家做面具的工厂。"
                "工厂用这些照片做了很多硅胶面具在网上卖。我这样做要承担什么责任？")
    embedder = raw_index.embedder
    assert getattr(embedder, "batch_exact", False)
    original = embedder.embed_queries
    batches: list[list[str]] = []

    def counting(texts: Any) -> Any:
        batches.append(list(texts))
        return original(texts)

    monkeypatch.setattr(embedder, "embed_queries", counting)
    vector_batches: list[int] = []
    query_many = type(raw_index.vectors).query_many

    def counting_many(self: Any, vectors: Any, *args: Any, **kwargs: Any) -> Any:
        vector_batches.append(len(vectors))
        return query_many(self, vectors, *args, **kwargs)

    monkeypatch.setattr(type(raw_index.vectors), "query_many", counting_many)
    batched = Retriever(raw_index).search(question, k=20)
    assert len(batches) == 1 and len(batches[0]) >= 4 and question in batches[0], batches
    # … and their dense products computed in one pass over the vectors (one batch per language)
    assert vector_batches and max(vector_batches) == len(batches[0]), vector_batches
    vector_batches.clear()
    for text in batches[0]:
        assert original([text])[0] == original(batches[0])[batches[0].index(text)]  # alone = in the batch, bit for bit
    batches.clear()
    monkeypatch.setattr(type(embedder), "batch_exact", False)
    alone = Retriever(raw_index).search(question, k=20)
    assert len(batches) >= 4 and all(len(b) == 1 for b in batches)  # one text at a time
    assert all(n == 1 for n in vector_batches), vector_batches
    assert [(h.article.article_id, h.score) for h in alone.hits] == [(h.article.article_id, h.score) for h in batched.hits]


def test_the_memorys_query_row_is_the_vectorizers_own_transform() -> None:
    """QuestionMemory computes a question's TF-IDF row without scikit-learn's per-call validation: bit for bit the
    row the fitted vectorizer's transform gives (repeated words, unknown words, no known word at all)."""
    import numpy as np

    from kb.qmemory import features, load_memory

    memory = load_memory()
    texts = [it.question for it in memory.items[::5]] + [
        "肖像权 肖像权 肖像 姓名权 面具 面具 面具", "未经本人同意，商家用明星的脸做成硅胶面具出售，是否侵犯肖像权？",
        "portrait likeness mask", "ζζζ", "",
    ]
    for text in texts:
        feats = features(text)
        ours, theirs = memory._query_row(feats), memory._vec.transform([feats])
        assert ours.shape == theirs.shape
        assert np.array_equal(ours.indices, theirs.indices) and np.array_equal(ours.data, theirs.data), text


class _ReversingRanker:
    """A stand-in for the LightGBM booster's interface (``scores``): it prefers the fused order's last candidate."""

    def scores(self, rows: list[list[float]]) -> list[float]:
        return [float(i) for i in range(len(rows))]


def test_reranker_in_general_scope_leaves_core_questions_in_fused_order(index: Any) -> None:
    """settings.rerank = "general" (the default): the learned order only for questions outside the core laws'
    subject; a question the glossary places in it (false advertising) keeps the fused order."""
    from kb.settings import Settings

    fused_r = Retriever(index, settings=Settings(rerank="off"), memory=QuestionMemory([]))
    general = Retriever(index, settings=Settings(rerank="general"), memory=QuestionMemory([]))
    general.reranker = _ReversingRanker()
    core_q, other_q = "发布虚假广告欺骗消费者，怎么处罚？", "借钱不还，过了几年还能起诉吗？"
    assert general._core_question(general.analyze(core_q)) and not general._core_question(general.analyze(other_q))
    assert _keys(general.search(core_q, k=10)) == _keys(fused_r.search(core_q, k=10))
    assert _keys(general.search(other_q, k=10)) != _keys(fused_r.search(other_q, k=10))


def test_rerank_setting_takes_the_old_boolean_switch() -> None:
    from kb.settings import Settings

    assert Settings().rerank == "general"
    assert Settings(rerank=True).rerank == "all" and Settings(rerank="false").rerank == "off"
    assert Settings(rerank="1").rerank == "all"
    with pytest.raises(ValueError):
        Settings(rerank="sometimes")


def test_sentences_of_a_fact_pattern_ask_only_when_they_are_questions() -> None:
    """An English statement carries "are", "do" and "can" too; it asks only when it opens like a question, asks
    whether, or ends in a question mark. Chinese sentences ask by their question words."""
    from kb.retrieval import subqueries

    en = subqueries("We are a workshop that can make masks to order. Customers do send us their photos. "
                    "A rival says we must stop. Can they force us to stop? I also wonder whether the photos count as data.")
    assert [asks for _, asks in en] == [False, False, False, True, True]
    zh = subqueries("我们是一家面具作坊。客户会发来照片。对方要求我们停止生产。他们能强制我们停产吗？")
    assert [asks for _, asks in zh] == [False, False, False, True]
