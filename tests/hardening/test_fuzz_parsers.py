"""Property tests of the ingest entry points on hostile input: ``parse_file`` and ``load_bytes`` return a
result or raise an ``ingest.errors`` exception, never anything else. Statute-like text must not trip a
parser bug either (which the entry point would mask as a generic error and so lose a good file).

The number of cases run is printed in the terminal summary (``fuzz:`` lines)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import CorruptFile, IngestError
from ingest.loaders import load_bytes
from ingest.model import ParsedDocument
from ingest.parse import parse_file

from .conftest import FUZZ_COUNTS, corpus_file

SUFFIXES = ["", ".md", ".txt", ".pdf", ".docx", ".html", ".bin"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
REAL_SAMPLES = {
    ".pdf": "raw/cn/criminal-law/中华人民共和国刑法修正案（十二）_20231229_ff8081818c3ce31f018cb6a6bc412f55.md",
    ".docx": "raw/cn/criminal-law/中华人民共和国刑法修正案（十二）_20231229_ff8081818c3ce31f018cb6a6bc412f55.docx",
    ".md": "raw/cn/spc-mental-damages-interpretation/最高人民法院关于确定民事侵权精神损害赔偿责任若干问题的解释_20201229_ff808181799df6140179abacd81117d3.md",
}


def _parse_bytes(data: bytes, suffix: str) -> ParsedDocument | IngestError:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return parse_file(path)
        except IngestError as exc:
            return exc


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_parse_file_on_arbitrary_bytes(data: bytes, suffix: str) -> None:
    FUZZ_COUNTS["parse_file(arbitrary bytes)"] += 1
    assert isinstance(_parse_bytes(data, suffix), ParsedDocument | IngestError)


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_load_bytes_on_arbitrary_bytes(data: bytes, suffix: str) -> None:
    FUZZ_COUNTS["load_bytes(arbitrary bytes)"] += 1
    try:
        loaded = load_bytes(data, path="upload" + suffix, suffix=suffix)
    except IngestError:
        return
    assert all(isinstance(line, str) for line in loaded.lines)


@FUZZ
@given(prefix=st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"---\n", b"\xef\xbb\xbf"]),
       body=st.binary(max_size=4096))
def test_parse_file_on_magic_prefixed_junk(prefix: bytes, body: bytes) -> None:
    """Junk behind a real signature reaches the PDF/Word/HTML code paths, not just the text sniffing."""
    FUZZ_COUNTS["parse_file(magic-prefixed junk)"] += 1
    assert isinstance(_parse_bytes(prefix + body, ""), ParsedDocument | IngestError)


@pytest.mark.parametrize("suffix", sorted(REAL_SAMPLES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(cut=st.floats(min_value=0.0, max_value=1.0), junk=st.binary(min_size=1, max_size=64), where=st.floats(min_value=0.0, max_value=1.0),
       mode=st.sampled_from(["truncate", "overwrite", "insert"]))
def test_parse_file_on_damaged_real_files(suffix: str, cut: float, junk: bytes, where: float, mode: str) -> None:
    """Real statute files, truncated or with bytes overwritten/inserted (torn downloads, bit rot)."""
    FUZZ_COUNTS[f"parse_file(damaged real {suffix})"] += 1
    original = corpus_file(REAL_SAMPLES[suffix]).read_bytes()
    if suffix == ".pdf":  # no small PDF in raw/: wrap the Markdown's bytes behind a PDF header
        original = b"%PDF-1.4\n" + original
    at = int(len(original) * where)
    if mode == "truncate":
        data = original[: int(len(original) * cut)]
    elif mode == "overwrite":
        data = original[:at] + junk + original[at + len(junk):]
    else:
        data = original[:at] + junk + original[at:]
    assert isinstance(_parse_bytes(data, suffix), ParsedDocument | IngestError)


_CN_DIGITS = "零一二三四五六七八九十百千"
cn_number = st.text(alphabet=_CN_DIGITS, min_size=1, max_size=5)
free_text = st.text(alphabet=st.sampled_from(list("的权利人肖像应当不得。，；：（）《》、 \u3000第条款项章节编之一二三Article 0123456789")),
                    max_size=60)
line = st.one_of(
    st.builds(lambda n, t: f"第{n}条 {t}", cn_number, free_text),
    st.builds(lambda n, s, t: f"第{n}条之{s} {t}", cn_number, cn_number, free_text),
    st.builds(lambda n, t: f"第{n}章 {t}", cn_number, free_text),
    st.builds(lambda n, t: f"第{n}节 {t}", cn_number, free_text),
    st.builds(lambda n, t: f"Article {n} {t}", st.integers(min_value=0, max_value=3000), free_text),
    st.builds(lambda t: f"# {t}", free_text),
    free_text,
    st.text(max_size=40),
)


@FUZZ
@given(lines=st.lists(line, min_size=0, max_size=40), suffix=st.sampled_from([".md", ".txt", ""]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_statute_like_text_parses_or_says_why(lines: list[str], suffix: str, encoding: str) -> None:
    """Decodable text must reach the parser and come back as articles or a specific reason (no articles,
    empty, undecodable); a generic 'cannot be parsed'/'cannot be loaded' would be a masked parser bug."""
    FUZZ_COUNTS["parse_file(statute-like text)"] += 1
    text = "\n".join(lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    result = _parse_bytes(data, suffix)
    if isinstance(result, IngestError):
        assert type(result) is not IngestError and not isinstance(result, CorruptFile), repr(result)
