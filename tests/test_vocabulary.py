"""The shared vocabulary of the law lives once, in kb/: one language rule, one Han pattern, one law-title key,
one article-key parser, and every layer (retrieval, answer, listing check, ingest) decides the same way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingest.loaders.base import LoadedText
from ingest.parse import detect_language
from kb import lang as lang_mod
from kb.answer import service as answer_service
from kb.answer.keys import normalize_key
from kb.lang import detect_lang, has_han
from kb.listings import detector as listing_detector
from kb.numerals import parse_key
from kb.query import analyze
from kb.titles import normalize_title

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kb", "ingest", "api", "cli")

# A question written in English that only names a Chinese law: English for every layer.
MIXED_EN = "Does Article 1019 of the 民法典 protect a celebrity likeness on a mask?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("肖像权是什么", "zh"),
        ("What is a portrait right?", "en"),
        ("What does 肖像权 mean?", "zh"),  # the subject is the Chinese term
        (MIXED_EN, "en"),
        ("网店可以卖明星脸的 silicone mask 吗？", "zh"),
        ("", "en"),
        ("1019 ？", "en"),
    ],
)
def test_one_language_rule(text: str, expected: str) -> None:
    assert detect_lang(text) == expected


def test_every_layer_decides_the_language_the_same_way() -> None:
    for text in (MIXED_EN, "What does 肖像权 mean?", "肖像权", "portrait rights"):
        want = detect_lang(text)
        assert analyze(text).lang == want  # retrieval
        assert detect_language(LoadedText(lines=[text])) == want  # ingest (a file of that text)
    # the answerer and the listing check call the very same function
    assert answer_service.detect_lang is detect_lang
    assert listing_detector.detect_lang is detect_lang


def test_ingest_keeps_zh_for_a_file_without_letters() -> None:
    assert detect_language(LoadedText(lines=["1. 2. 3."])) == "zh"
    assert detect_lang("1. 2. 3.", empty="zh") == "zh"


def test_han_pattern() -> None:
    assert has_han("abc 肖 def") and not has_han("abc ＡＢＣ，。")
    assert lang_mod.HAN_RUN.findall("a肖像b权") == ["肖像", "权"]


@pytest.mark.parametrize(
    ("ref", "key"),
    [("第一千零一十九条", "1019"), ("Article 253a", "253之一"), ("第253条之一", "253之一"), ("Art. 9", "9"), ("253之一", "253之一")],
)
def test_one_article_key_parser(ref: str, key: str) -> None:
    assert parse_key(ref) == key
    assert normalize_key(ref) == key  # the answer's lenient form is the same parser
    with pytest.raises(ValueError):
        parse_key("hello")
    assert normalize_key("hello") is None


def test_one_title_key() -> None:
    assert normalize_title("《中华人民共和国民法典》") == normalize_title("民法典")
    assert normalize_title("反不正当竞争法(2019-04-23)") == normalize_title("反不正当竞争法")
    assert normalize_title("刑法") != normalize_title("民法典")


def _defs(name: str) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(ROOT)}" for node in ast.walk(tree)
                      if isinstance(node, ast.FunctionDef) and node.name == name]
    return found


@pytest.mark.parametrize(
    ("name", "home"),
    [("detect_lang", "kb/lang.py"), ("has_han", "kb/lang.py"), ("normalize_title", "kb/titles.py"),
     ("parse_key", "kb/numerals.py"), ("article_key", "kb/numerals.py"), ("parse_chinese_number", "kb/numerals.py")],
)
def test_vocabulary_is_defined_once(name: str, home: str) -> None:
    assert _defs(name) == [home]


def test_one_han_pattern() -> None:
    """No module outside kb/lang.py compiles its own Han-character class."""
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.relative_to(ROOT).as_posix() != "kb/lang.py" and 're.compile(r"[\\u3400-\\u9fff]' in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
