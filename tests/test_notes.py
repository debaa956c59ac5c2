"""Our notes (corpus/notes: headnotes, example questions, charge names) name real articles, are marked as ours,
reach the index as fields of their own, and vote for their article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.notes import load_notes
from kb.records import SearchFilters
from kb.settings import get_settings

NOTES = get_settings().notes_dir
FILES = sorted(NOTES.glob("*.json"))


def test_there_are_notes_files() -> None:
    assert len(FILES) >= 5


@pytest.fixture(scope="module")
def national_keys() -> dict[tuple[str, str], set[str]]:
    """(law id, effective date) → article keys of every national/ version, parsed from the files themselves (the
    test session's index holds raw/ only)."""
    from ingest.parse import parse_file
    from ingest.pipeline import collect_sources

    settings = get_settings()
    if not (settings.corpus_root / "national").is_dir():
        pytest.skip("national/ not available")
    wanted = {json.loads(p.read_text(encoding="utf-8"))["law_id"] for p in FILES}
    sources, _, _ = collect_sources(settings, layer="national")
    out: dict[tuple[str, str], set[str]] = {}
    for src in sources:
        if src.law.law_id in wanted:
            keys = {a.key for a in parse_file(src.path).articles}
            out.setdefault((src.law.law_id, str(src.version.effective_from)), set()).update(keys)
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_entry_names_an_existing_article_and_version(path: Path, raw_index, national_keys) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "not law" in data["provenance"] or "not article text" in data["provenance"]
    notes = [n for n in load_notes(NOTES) if n.law_id == data["law_id"]]
    assert notes
    store = raw_index.store
    if data["law_id"] in {law.law_id for law in store.laws()}:
        versions = {str(v.effective_from): v for v in store.versions(data["law_id"])}
        missing = [(n.version, n.key) for n in notes
                   if n.version not in versions or store.article(n.law_id, n.key, version_id=versions[n.version].version_id) is None]
    else:  # a law of the bulk national layer
        missing = [(n.version, n.key) for n in notes if n.key not in national_keys.get((n.law_id, n.version), set())]
    assert not missing, f"{path.name}: notes name no such article/version: {missing[:10]}"


@pytest.mark.parametrize("path", [p for p in FILES if "charges" not in p.name], ids=lambda p: p.name)
def test_entries_have_bilingual_headnotes_and_questions_in_both_languages(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    raw = not data["law_id"].startswith("中华人民共和国")  # raw/ laws have slugs as ids; national ones their titles
    for e in data["notes"]:
        assert e["headnote_en"].strip() and e["headnote_zh"].strip(), e["article"]
        assert (3 if raw else 2) <= len(e["questions"]) <= 11, e["article"]  # national laws' notes: at least 2; core laws: up to 11
        assert {q["lang"] for q in e["questions"]} == {"zh", "en"}, e["article"]
        assert all(q["style"] in {"lay", "lawyer", "facts"} for q in e["questions"]), e["article"]
        assert e.get("written_by") == "likeness-kb"


def test_charge_names_come_from_the_official_lists() -> None:
    data = json.loads((NOTES / "criminal-law-charges.json").read_text(encoding="utf-8"))
    by_article = {r["article"]: r for r in data["charges"]}
    assert by_article["264"]["names"] == ["盗窃罪"]
    assert by_article["266"]["names"] == ["诈骗罪"]
    assert "侵犯公民个人信息罪" in by_article["253之一"]["names"]
    assert "出售、非法提供公民个人信息罪" in by_article["253之一"]["former_names"]  # renamed in 2015, kept as former


def test_notes_are_indexed_in_the_generation(raw_index) -> None:
    notes = raw_index.notes
    assert notes is not None and len(notes) > 1000
    assert notes.vectors is not None and notes.vectors.shape == (len(notes), 384)
    head = notes.headnote("civil-code@2021-01-01#1019")
    assert head.get("en") and head.get("zh")


def test_a_charge_name_finds_the_article_that_defines_the_crime(raw_index) -> None:
    res = raw_index.retriever.search("被告人张某多次在商场内窃取他人手机，价值人民币八千元。罪名：盗窃", k=5)
    assert [h.article.key for h in res.hits][:1] == ["264"]
    res = raw_index.retriever.search("被告人以虚构事实的方式骗取他人钱款，构成合同诈骗罪。", k=5)
    keys = [h.article.key for h in res.hits if h.article.law_id == "criminal-law"]
    assert keys[0] == "224"  # 合同诈骗罪, not the shorter 诈骗罪 inside it


def test_notes_channel_can_be_switched_off(raw_index) -> None:
    from dataclasses import replace

    from kb.retrieval import Retriever

    q = "网店卖的东西和图片不一样，七天内能退吗？"
    on = Retriever(raw_index).search(q, k=20, filters=SearchFilters())
    off_r = Retriever(raw_index)
    off_r.weights = replace(off_r.weights, notes_lex=0.0, notes_dense=0.0, charge=0.0)
    off = off_r.search(q, k=20, filters=SearchFilters())
    assert [h.article.article_id for h in on.hits] != [h.article.article_id for h in off.hits]


def test_notes_on_general_law_are_marked_and_weighted_on_their_own(raw_index) -> None:
    """Entries with scope "general" (contracts, capacity …) are known to the index as such: the retriever weighs
    their notes by ``notes_general`` and never with the core laws' boost."""
    from dataclasses import replace

    from kb.retrieval import Retriever

    notes = raw_index.notes
    assert "civil-code@2021-01-01#563" in notes.general  # 合同解除: general law
    assert "civil-code@2021-01-01#1019" not in notes.general  # the portrait article: a core subject
    q = "对方迟延履行主要债务，经我催告后在合理期限内仍未履行，我可以解除合同吗？"
    on, off = Retriever(raw_index), Retriever(raw_index)
    off.weights = replace(off.weights, notes_general=0.0)

    def score(r: Retriever) -> float:
        hits = r.search(q, k=50, filters=SearchFilters()).hits
        return next((h.score for h in hits if h.article.article_id == "civil-code@2021-01-01#563"), 0.0)

    assert score(on) > score(off)


def test_an_english_question_meets_the_notes_through_the_second_model_too(raw_index) -> None:
    """The generation holds our notes by a second model (KB_NOTES_MODEL, USE multilingual): an English question's note
    matches blend both models' cosines, a Chinese question's do not; weight 0 (or `--ablate notes_second`) leaves the
    first model's alone."""
    from dataclasses import replace

    from kb.channels import NotesDenseChannel
    from kb.retrieval import Retriever

    notes = raw_index.notes
    assert notes.second is not None and notes.second[0] == "bundled:use-multilingual-v3"
    assert notes.second[1].shape == (len(notes), 512)

    def note_scores(r: Retriever, q: str) -> dict[str, float]:
        ch = r.channels["notes_dense"]
        assert isinstance(ch, NotesDenseChannel)
        from kb.channels import Query

        qa = r.analyze(q)
        return {aid: s for aid, (s, _) in ch.search(Query(qa, embed=r._embed), r.plan(SearchFilters()), 50).items()}

    on, off = Retriever(raw_index), Retriever(raw_index)
    off.weights = replace(off.weights, notes_second=0.0)
    en = "A buyer was burned by a mask we sold two years ago. Is it too late for her to take us to court?"
    assert note_scores(on, en) != note_scores(off, en)
    zh = "顾客两年前买的面具把脸烫伤了，现在起诉还来得及吗？"
    assert note_scores(on, zh) == note_scores(off, zh)


def test_centred_cosines_are_the_cosines_of_the_centred_vectors(raw_index) -> None:
    """ArticleNotes.centred computes, from the products already made, the cosine of (note − notes' mean) and
    (question − α × mean of the example questions in its language) — checked against those vectors made by hand."""
    import numpy as np

    notes = raw_index.notes
    vectors = np.asarray(notes.vectors, dtype=np.float32)
    rows = np.array([r.kind != "charge" for r in notes.rows])
    asked = rows & np.array([r.kind == "question" and r.lang == "zh" for r in notes.rows])
    q = np.asarray(raw_index.embedder.embed_query("网店把顾客的手机号卖给别的公司，会怎么处罚？"), dtype=np.float32)
    for alpha in (1.0, 0.5):
        got = notes.centred(vectors @ q, q, "zh", alpha)
        v = vectors - vectors[rows].mean(axis=0)
        qc = q - alpha * vectors[asked].mean(axis=0)
        want = (v @ qc) / (np.linalg.norm(v, axis=1) * np.linalg.norm(qc))
        assert np.allclose(got, want, atol=1e-4)
        assert not np.allclose(got, vectors @ q, atol=1e-2)  # it does change the cosines


def test_centring_takes_out_how_a_question_asks(raw_index, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uncentred, a penalty question finds notes that ask "what penalty?" about other things before the ones about its
    subject; centred, the notes about what it describes come first. Our own wording, not an evaluation question. Each
    article is scored by its best note here (BEST_NOTES = 1), so that what is measured is the centring alone."""
    from dataclasses import replace

    import kb.notes as notes_mod
    from kb.channels import NotesDenseChannel, Query
    from kb.retrieval import Retriever

    monkeypatch.setattr(notes_mod, "BEST_NOTES", 1)
    q = "我们网店想把积累的几万条顾客手机号和收货地址卖给一家营销公司，没有单独问过顾客。被查到的话会怎么处罚？"

    def first_pipl(r: Retriever) -> int:
        ch = r.channels["notes_dense"]
        assert isinstance(ch, NotesDenseChannel)
        found = ch.search(Query(r.analyze(q), embed=r._embed), r.plan(SearchFilters()), 50)
        ranked = [aid for aid, _ in sorted(found.items(), key=lambda kv: -kv[1][0])]
        return next((i for i, aid in enumerate(ranked, 1) if aid.startswith("pipl@")), 99)

    on, off = Retriever(raw_index), Retriever(raw_index)
    off.weights = replace(off.weights, notes_centre=0.0)
    assert first_pipl(on) <= 5 < first_pipl(off)


def test_an_article_several_of_whose_notes_agree_outranks_one_lucky_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """An article's dense note score is the mean of its best notes (kb.notes.BEST_NOTES): one note of another article
    that happens to lie nearest the question (the same shop, the same way of asking) does not outrank an article
    several of whose notes are near it; scored by its best note alone, it does."""
    import numpy as np

    import kb.notes as notes_mod
    from kb.notes import ArticleNotes, NoteRow

    def unit(*v: float) -> list[float]:
        a = np.asarray(v, dtype=np.float32)
        return (a / np.linalg.norm(a)).tolist()

    q = unit(1, 0, 0)
    vecs = np.asarray([unit(1, 0.30, 0), unit(1, 0.35, 0), unit(1, 0.40, 0),  # law#a: three notes near the question
                       unit(1, 0.20, 0), unit(0, 1, 0), unit(0, 1, 1),        # law#b: one note nearest, the others far
                       unit(0, 0, 1)], dtype=np.float32)                      # law#c: far
    arts = ["law#a"] * 3 + ["law#b"] * 3 + ["law#c"]
    rows = [NoteRow(a, "law", "question", "en", f"q{i}", 20200101, 99991231, "cn", "law", "raw") for i, a in enumerate(arts)]
    notes = ArticleNotes(rows, {}, vecs)
    got = notes.search_dense(q, 3, 20240101, lambda _: True)
    assert notes_mod.BEST_NOTES == 3
    assert got["law#a"][0] > got["law#b"][0]
    cos = vecs @ np.asarray(q, dtype=np.float32)
    assert got["law#b"][0] == pytest.approx(float(np.mean(cos[3:6])))
    # law#c has one note: each missing one counts as the farthest row read (no note of its own could be farther)
    assert got["law#c"][0] == pytest.approx(float(cos[6] + 2 * cos.min()) / 3)
    monkeypatch.setattr(notes_mod, "BEST_NOTES", 1)
    alone = notes.search_dense(q, 3, 20240101, lambda _: True)
    assert alone["law#b"][0] > alone["law#a"][0]
    assert list(got) == list(alone) == ["law#b", "law#a", "law#c"]  # in the order of each article's best note
