"""The issue guide (corpus/issue_guide.toml) is reviewed data: every provision it names exists in the version it
names, its statements are marked as ours, its issues are issues the answerer spots, and bad files are refused."""

from __future__ import annotations

from typing import Any

import pytest

from kb.answer import issues
from kb.answer.guide import GUIDE_PATH, GuideError, load_guide, parse_guide


def test_the_guide_is_marked_as_ours_not_law() -> None:
    head = GUIDE_PATH.read_text(encoding="utf-8")[:400].lower()
    assert "written by this project, not law" in head


def test_every_entry_names_an_existing_article_in_the_named_version(qa_index: Any) -> None:
    store = qa_index.store
    entries = load_guide()
    assert len(entries) >= 10
    for e in entries:
        assert e.statement_zh and e.statement_en and e.governing
        for role, ref in e.refs():
            art = store.article(ref.law, ref.key, version_id=ref.version_id)
            assert art is not None, f"{e.id} {role}: {ref.law} {ref.article} is not in version {ref.version}"
            assert art.label_zh == ref.article, f"{e.id}: {ref.article} reads {art.label_zh} in the store"
            if ref.paragraph:  # the pinpointed paragraph/item exists
                from kb.answer.deterministic import guide_sentences

                assert guide_sentences(art, ref.paragraph, ref.item), f"{e.id}: {ref.article} has no paragraph {ref.paragraph} item {ref.item}"
        named = {ref.article_id for _, ref in e.refs()}
        for point in e.points:  # a point rests on one provision the entry names (it is shown when that one is quoted)
            assert point.ref.article_id in named, f"{e.id}: point on {point.ref.article} names a provision the entry does not list"


def test_every_entry_belongs_to_an_issue_the_answerer_spots() -> None:
    known = {i.id for i in issues.load_issues()}
    assert {e.issue for e in load_guide()} <= known


def test_the_guide_covers_the_issues_of_the_brief() -> None:
    ids = {e.id for e in load_guide()}
    assert {"portrait-use", "name-use", "reputation", "false-advertising", "platform-liability", "biometric-information",
            "consumer-fraud", "criminal-fraud", "criminal-personal-information", "identity-documents"} <= ids


@pytest.mark.parametrize(
    "text",
    [
        '[[entry]]\nid = "x"\nissue = "portrait"\nlabel_zh = "a"\nlabel_en = "a"\nstatement_zh = "a"\nstatement_en = "a"\n',  # no governing
        '[[entry]]\nid = "x"\nissue = "portrait"\nlabel_zh = "a"\nlabel_en = "a"\nstatement_zh = "a"\nstatement_en = "a"\n'
        'governing = [{ law = "civil-code", article = "第某条", version = "2021-01-01" }]\n',  # unreadable label
        '[[entry]]\nid = "x"\nissue = "portrait"\nlabel_zh = "a"\nlabel_en = "a"\nstatement_zh = ""\nstatement_en = "a"\n'
        'governing = [{ law = "civil-code", article = "第一条", version = "2021-01-01" }]\n',  # empty statement
    ],
)
def test_a_malformed_guide_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(GuideError):
        parse_guide(text)


def test_entries_naming_matches_a_scan_of_every_entry() -> None:
    """The article → entries index answers what a scan of every entry's provisions (first role in ROLES order) does."""
    from kb.answer.guide import entries_naming

    entries = load_guide()
    ids = {ref.article_id for e in entries for _, ref in e.refs()}
    assert ids
    for aid in sorted(ids) + ["civil-code@2021-01-01#1"]:
        scan = [(e, e.role_of(aid)) for e in entries if e.role_of(aid)]
        assert entries_naming(aid) == scan, aid
