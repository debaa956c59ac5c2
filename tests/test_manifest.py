"""The manifest against the real statute files, the corpus' own manifest.json, and the national/ rule."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.manifest import (
    INSTRUMENTS,
    TOPICS,
    Manifest,
    ManifestError,
    load_manifest,
    scan_national,
    verify,
)
from kb.settings import REPO_ROOT, get_settings
from kb.titles import normalize_title

CORPUS = get_settings().corpus_root
MANIFEST = REPO_ROOT / "corpus" / "manifest.toml"
needs_corpus = pytest.mark.skipif(not (CORPUS / "raw").is_dir(), reason="statute corpus not present")


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return Manifest.load(MANIFEST)


@pytest.fixture(scope="module")
def national(manifest: Manifest):
    return scan_national(CORPUS, manifest)


# ------------------------------------------------------------------------------------------ raw/ vs files


@needs_corpus
def test_every_raw_file_is_listed_once(manifest: Manifest) -> None:
    on_disk = {p.relative_to(CORPUS).as_posix() for p in (CORPUS / "raw").rglob("*") if p.is_file()}
    listed = [e.path for e in manifest.entries]
    assert len(listed) == len(set(listed)) == 46
    assert set(listed) == on_disk


@needs_corpus
def test_sizes_and_sha256_match_the_real_files(manifest: Manifest) -> None:
    for e in manifest.entries:
        data = e.abs_path(CORPUS).read_bytes()
        assert len(data) == e.bytes, e.path
        assert hashlib.sha256(data).hexdigest() == e.sha256, e.path


@needs_corpus
def test_agrees_with_the_corpus_manifest_json(manifest: Manifest) -> None:
    theirs = {
        f["path"]: f for f in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["files"]
    }
    assert set(theirs) == {e.path for e in manifest.entries}
    for e in manifest.entries:
        t = theirs[e.path]
        assert (e.sha256, e.bytes, e.language, e.format, e.jurisdiction) == (
            t["sha256"], t["bytes"], t["language"], t["format"], t["jurisdiction"],
        ), e.path  # fmt: skip
        # our law_id splits Amendment XII out of criminal-law; everything else keeps the corpus id
        expected_law = (
            "criminal-law-amendment-xii" if "十二" in e.path or "amendment-xii" in e.path else t["law_id"]
        )
        assert e.law_id == expected_law, e.path
        assert e.effective_from.isoformat() in t["effective"] or e.role == "consolidation", e.path
        if e.jurisdiction == "cn" and e.law_id != "criminal-law-amendment-xii":
            assert e.title_zh == t["title_zh"]


def test_field_values_are_from_the_allowed_lists(manifest: Manifest) -> None:
    for e in manifest.entries:
        assert e.instrument in INSTRUMENTS
        assert set(e.topics) <= TOPICS and e.topics
        assert e.short_names, e.law_id
        assert e.role in {"primary", "variant", "translation", "consolidation"}
        assert e.index == (e.role in {"primary", "translation"})


def test_one_indexed_primary_per_official_version(manifest: Manifest) -> None:
    versions = [v for law in manifest.laws() for v in law.versions if v.official]
    assert len(versions) == 23  # 21 laws; AUCL and PSAPL have two versions each
    for v in versions:
        assert [f.role for f in v.files if f.index and f.role == "primary"] == ["primary"], v.version_id
        assert all(f.language == "en" for f in v.translations)
    assert len(manifest.indexable()) == 23 + 3  # + civil code, criminal law, amendment XII translations


def test_aucl_and_psapl_version_ranges(manifest: Manifest) -> None:
    def ranges(law_id: str) -> list[tuple[date, date | None, str]]:
        return [(v.effective_from, v.effective_to, v.status) for v in manifest.law(law_id).versions]

    assert ranges("anti-unfair-competition-law") == [
        (date(2019, 4, 23), date(2025, 10, 14), "superseded"),
        (date(2025, 10, 15), None, "in-force"),
    ]
    assert ranges("public-security-admin-punishments-law") == [
        (date(2013, 1, 1), date(2025, 12, 31), "superseded"),
        (date(2026, 1, 1), None, "in-force"),
    ]
    aucl = manifest.law("anti-unfair-competition-law")
    assert aucl.version_in_force(date(2025, 10, 14)).effective_from == date(2019, 4, 23)
    assert aucl.version_in_force(date(2025, 10, 15)).effective_from == date(2025, 10, 15)
    assert aucl.version_in_force(date(2019, 1, 1)) is None
    assert manifest.law("public-security-admin-punishments-law").version_in_force(
        date(2025, 12, 31)
    ).version_id == ("public-security-admin-punishments-law@2013-01-01")


def test_criminal_law_decision(manifest: Manifest) -> None:
    crim = manifest.law("criminal-law")
    official = [v for v in crim.versions if v.official]
    assert [v.version_id for v in official] == ["criminal-law@2021-03-01"]
    assert official[0].primary.format == "docx" and official[0].translations
    assert official[0].primary.amended_by == ("criminal-law-amendment-xii",)
    assert "390" in official[0].primary.amended_articles
    (consolidation,) = [f for f in manifest.entries if f.role == "consolidation"]
    assert consolidation.law_id == "criminal-law" and not consolidation.index and not consolidation.official
    xii = manifest.law("criminal-law-amendment-xii")
    assert xii.instrument == "amendment"
    assert [(v.effective_from, v.primary.format, len(v.translations)) for v in xii.versions] == [
        (date(2024, 3, 1), "docx", 1)
    ]


def test_gdpr_is_eu_and_english_only(manifest: Manifest) -> None:
    (gdpr,) = [e for e in manifest.entries if e.law_id == "gdpr"]
    assert (gdpr.jurisdiction, gdpr.language, gdpr.instrument, gdpr.index) == (
        "eu",
        "en",
        "eu-regulation",
        True,
    )


def test_short_names_resolve(manifest: Manifest) -> None:
    assert manifest.resolve("《民法典》") == "civil-code"
    assert manifest.resolve("中华人民共和国刑法") == "criminal-law"
    assert manifest.resolve("AUCL") == "anti-unfair-competition-law"
    assert manifest.resolve("pipl") == "pipl"
    assert manifest.resolve("深度合成") == "deep-synthesis-provisions"
    assert manifest.resolve("消法") == "consumer-protection-law"
    assert manifest.resolve("著作权法") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("民事诉讼法", "中华人民共和国民事诉讼法"),
        ("《民法典》", "《中华人民共和国民法典》"),
        ("刑法修正案(十一)", "中华人民共和国刑法修正案（十一）"),
        (
            "最高人民法院 最高人民检察院关于办理诈骗刑事案件",
            "最高人民法院、最高人民检察院关于办理诈骗刑事案件",
        ),
        ("反不正当竞争法(2019-04-23)", "中华人民共和国反不正当竞争法"),
        (
            "最高人民法院关于适用《民事诉讼法》的解释",
            "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释",
        ),
    ],
)
def test_normalize_title_matches_variants(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)


def test_normalize_title_keeps_different_laws_apart() -> None:
    assert normalize_title("中华人民共和国宪法修正案（1988年）") != normalize_title(
        "中华人民共和国宪法修正案（1993年）"
    )
    assert normalize_title("民事诉讼法") != normalize_title("刑事诉讼法")
    assert normalize_title("消费者权益保护法") != normalize_title("消费者权益保护法实施条例")


# ------------------------------------------------------------------------------------------ bad manifests

_GOOD = """
[[file]]
path = "raw/cn/x/x.md"
law_id = "x"
title_zh = "某法"
title_en = "Some Law"
short_names = ["某法"]
jurisdiction = "cn"
instrument = "law"
issuer = "NPCSC"
version = "v1"
promulgated = 2020-01-01
effective_from = 2020-02-01
status = "in-force"
language = "zh"
format = "md"
role = "primary"
index = true
bytes = 3
sha256 = "SHA"
topics = ["general"]
""".replace("SHA", hashlib.sha256(b"abc").hexdigest())


def test_a_valid_minimal_manifest_loads() -> None:
    m = Manifest.from_toml(_GOOD)
    assert [e.version_id for e in m.entries] == ["x@2020-02-01"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('topics = ["general"]', 'topics = ["gossip"]'), "unknown topics"),
        (lambda t: t.replace('instrument = "law"', 'instrument = "statute"'), "instrument"),
        (lambda t: t.replace("effective_from = 2020-02-01", 'effective_from = "2020-02-01"'), "TOML date"),
        (lambda t: t.replace('issuer = "NPCSC"\n', ""), "missing issuer"),
        (lambda t: t.replace("index = true", "index = false"), "exactly one indexed primary"),
        (lambda t: t + t, "listed twice"),
        (lambda t: t.replace('status = "in-force"', 'status = "superseded"'), "does not agree"),
        (lambda t: t.replace("[[file]]", "[[file"), "not valid TOML"),
    ],
)
def test_bad_manifests_fail_with_a_clear_message(edit, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        Manifest.from_toml(edit(_GOOD))


def test_missing_manifest_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="manifest not found"):
        load_manifest(tmp_path / "nope.toml")


# ------------------------------------------------------------------------------------------ national/


@needs_corpus
def test_national_rule_counts(national) -> None:
    assert len(national) == 1373
    assert not [e for e in national if e.path.endswith(("_index.md", "README.md"))]
    by_kind: dict[str, int] = {}
    for e in national:
        by_kind[e.instrument] = by_kind.get(e.instrument, 0) + 1
    assert by_kind == {
        "administrative-regulation": 628,
        "judicial-interpretation": 390,
        "law": 307,
        "departmental-rule": 29,
        "amendment": 18,
        "constitution": 1,
    }
    assert all(e.version_date and e.effective_from for e in national)
    assert sum(1 for e in national if e.duplicate_of and e.duplicate_of.startswith("raw/")) == 22
    # same version filed twice: two folders (居民身份证法, 反电信网络诈骗法, 职业病防治法) or two spellings of an
    # SPC/SPP title ("最高人民法院 最高人民检察院…" / "最高人民法院、最高人民检察院…", 3 interpretations)
    assert sum(1 for e in national if e.duplicate_of and e.duplicate_of.startswith("national/")) == 6
    assert len({e.law_id for e in national}) == 1338


@needs_corpus
def test_national_files_that_repeat_raw_versions_are_duplicates(national, manifest: Manifest) -> None:
    by_path = {e.path: e for e in national}
    aucl = by_path["national/经济法/反不正当竞争法(2019-04-23).md"]
    assert aucl.law_id == "anti-unfair-competition-law"
    assert aucl.duplicate_of == manifest.law("anti-unfair-competition-law").versions[0].primary.path
    assert (aucl.effective_from, aucl.effective_to, aucl.status) == (
        date(2019, 4, 23),
        date(2025, 10, 14),
        "superseded",
    )
    psapl = by_path["national/行政法/治安管理处罚法(2012-10-26).md"]
    assert psapl.law_id == "public-security-admin-punishments-law"
    assert psapl.effective_to == date(2025, 12, 31) and psapl.duplicate_of
    books = [e for e in national if e.folder == "民法典"]
    assert len(books) == 8 and {e.law_id for e in books} == {"civil-code"}
    assert all(e.duplicate_of and e.part for e in books)
    crim = by_path["national/刑法/刑法.md"]
    assert (
        crim.law_id == "criminal-law" and crim.duplicate_of and crim.version_id == "criminal-law@2021-03-01"
    )
    amend = by_path["national/刑法/刑法修正案（十一）.md"]
    assert (amend.instrument, amend.law_id, amend.duplicate_of) == (
        "amendment",
        "中华人民共和国刑法修正案（十一）",
        None,
    )


@needs_corpus
def test_national_versions_are_ordered_by_date(national) -> None:
    laws = [e for e in national if e.law_id == "中华人民共和国立法法"]
    laws.sort(key=lambda e: e.effective_from)
    assert [e.version_date for e in laws] == [date(2015, 3, 15), date(2023, 3, 13)]
    old, new = laws
    assert old.effective_to is not None and old.status == "superseded"
    assert old.effective_to.toordinal() == new.effective_from.toordinal() - 1
    assert new.effective_to is None and new.status == "in-force"
    same = [e for e in national if e.law_id == "中华人民共和国居民身份证法"]
    assert len(same) == 2 and sum(1 for e in same if e.duplicate_of) == 1  # one version filed in two folders


def _write_national(root: Path, rel: str, header: str) -> None:
    p = root / "national" / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(header + "\n\n<!-- INFO END -->\n\n正文从略。\n", encoding="utf-8")


def test_national_rule_on_a_small_synthetic_tree(tmp_path: Path, manifest: Manifest) -> None:
    # an older AUCL text than any in raw/: superseded on the day before raw's first version
    _write_national(
        tmp_path,
        "经济法/反不正当竞争法(2017-11-04).md",
        "# 中华人民共和国反不正当竞争法\n\n2017年11月4日 修订",
    )
    # no date in the file name: the latest header date; a 施行 line after it is the effective date
    _write_national(
        tmp_path, "行政法规/某某条例.md", "# 某某条例\n\n2010年1月2日 国务院令公布\n\n2010年3月1日 施行"
    )
    # a 施行 line older than the version date belongs to the original text
    _write_national(
        tmp_path,
        "行政法/某某法(2015-06-01).md",
        "# 中华人民共和国某某法\n\n2001年1月1日 施行\n\n2015年6月1日 修正",
    )
    _write_national(
        tmp_path,
        "行政法/某某法(2020-05-05).md",
        "# 中华人民共和国某某法\n\n2020年5月5日 修正\n\n2020年7月1日 施行",
    )
    _write_national(
        tmp_path, "刑法/刑法修正案（九）.md", "# 中华人民共和国刑法修正案（九）\n\n2015年8月29日 通过"
    )
    _write_national(
        tmp_path, "部门规章/公安部/某规定(2019-04-27).md", "# 某规定\n\n2019年4月27日 公安部令发布"
    )
    (tmp_path / "national" / "行政法" / "_index.md").write_text("---\n---\n", encoding="utf-8")
    got = {e.path.split("/", 1)[1]: e for e in scan_national(tmp_path, manifest)}
    assert len(got) == 6
    aucl = got["经济法/反不正当竞争法(2017-11-04).md"]
    assert aucl.law_id == "anti-unfair-competition-law" and aucl.duplicate_of is None
    assert aucl.superseded_by == "anti-unfair-competition-law@2019-04-23"
    assert (aucl.effective_from, aucl.effective_to) == (date(2017, 11, 4), date(2019, 4, 22))
    reg = got["行政法规/某某条例.md"]
    assert (reg.instrument, reg.version_date, reg.effective_from, reg.status) == (
        "administrative-regulation", date(2010, 1, 2), date(2010, 3, 1), "in-force",
    )  # fmt: skip
    old, new = got["行政法/某某法(2015-06-01).md"], got["行政法/某某法(2020-05-05).md"]
    assert old.effective_from == date(2015, 6, 1) and old.effective_to == date(2020, 6, 30)
    assert new.effective_from == date(2020, 7, 1) and new.effective_to is None
    assert got["刑法/刑法修正案（九）.md"].instrument == "amendment"
    rule = got["部门规章/公安部/某规定(2019-04-27).md"]
    assert (rule.instrument, rule.issuer) == ("departmental-rule", "公安部")


# ------------------------------------------------------------------------------------------ verify + CLI


@needs_corpus
def test_verify_passes_on_the_real_corpus(manifest: Manifest) -> None:
    rep = verify(CORPUS, manifest)
    assert rep.ok, rep.problems
    assert rep.files_checked == 46 and rep.national_files == 1373
    assert len(rep.national_duplicates_of_raw) == 22 and rep.national_superseded_by_raw == []
    assert "OK" in rep.render()


def _tiny_corpus(root: Path) -> Manifest:
    (root / "raw" / "cn" / "x").mkdir(parents=True)
    (root / "raw" / "cn" / "x" / "x.md").write_bytes(b"abc")
    _write_national(root, "行政法规/某某条例(2010-01-02).md", "# 某某条例\n\n2010年1月2日 公布")
    return Manifest.from_toml(_GOOD.replace("[[file]]", "[national]\nexpected_files = 1\n\n[[file]]", 1))


def test_verify_reports_changed_missing_and_unlisted_files(tmp_path: Path) -> None:
    man = _tiny_corpus(tmp_path)
    assert verify(tmp_path, man).ok
    (tmp_path / "raw" / "cn" / "x" / "x.md").write_bytes(b"abd")
    (tmp_path / "raw" / "cn" / "x" / "extra.txt").write_bytes(b"?")
    rep = verify(tmp_path, man)
    assert not rep.ok
    assert any("sha256 differs" in p for p in rep.problems)
    assert any("not in manifest: raw/cn/x/extra.txt" in p for p in rep.problems)
    (tmp_path / "raw" / "cn" / "x" / "x.md").unlink()
    assert any(p.startswith("missing: raw/cn/x/x.md") for p in verify(tmp_path, man).problems)


def test_cli_verify_exit_codes(tmp_path: Path) -> None:
    from cli import app

    man = _tiny_corpus(tmp_path)
    mpath = tmp_path / "manifest.toml"
    mpath.write_text(
        _GOOD.replace("[[file]]", "[national]\nexpected_files = 1\n\n[[file]]", 1), encoding="utf-8"
    )
    assert man.entries
    runner = CliRunner()
    ok = runner.invoke(app, ["corpus", "verify", "--corpus-root", str(tmp_path), "--manifest", str(mpath)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output
    (tmp_path / "raw" / "cn" / "x" / "x.md").write_bytes(b"changed")
    bad = runner.invoke(app, ["corpus", "verify", "--corpus-root", str(tmp_path), "--manifest", str(mpath)])
    assert bad.exit_code == 1
    assert "size differs" in bad.output and "FAILED" in bad.output
