"""Bad input: each kind of broken file raises its own ingest error, never a library exception."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    IngestError,
    NoArticles,
    UndecodableText,
    UnsupportedFormat,
)
from ingest.parse import parse_file
from tests.ingest.corpus import corpus_root, find, require_corpus


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_garbage_pdf(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile):
        parse_file(_write(tmp_path, "x.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100))


def test_truncated_real_pdf(tmp_path: Path) -> None:
    require_corpus()
    data = (corpus_root() / find("deep-synthesis-provisions", "pdf")).read_bytes()
    with pytest.raises(CorruptFile):
        parse_file(_write(tmp_path, "cut.pdf", data[:5000]))


def test_encrypted_pdf(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(EncryptedFile) as info:
        parse_file(_write(tmp_path, "locked.pdf", buf.getvalue()))
    assert isinstance(info.value, CorruptFile)


def test_pdf_without_text_has_no_articles(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(NoArticles):
        parse_file(_write(tmp_path, "blank.pdf", buf.getvalue()))


def test_corrupt_docx(tmp_path: Path) -> None:
    with pytest.raises(CorruptFile):
        parse_file(_write(tmp_path, "x.docx", b"PK\x03\x04" + b"not really a zip" * 50))


def test_zip_that_is_not_word(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "第一条　内容")
    with pytest.raises(CorruptFile, match="word/document.xml"):
        parse_file(_write(tmp_path, "x.docx", buf.getvalue()))


def test_zip_bomb_docx_is_refused_before_opening(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\x00" * (40 * 1024 * 1024))
    assert len(buf.getvalue()) < 200_000
    with pytest.raises(CorruptFile, match="bomb"):
        parse_file(_write(tmp_path, "bomb.docx", buf.getvalue()))


def test_undecodable_bytes(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    with pytest.raises(UndecodableText):
        parse_file(_write(tmp_path, "x.txt", data))


def test_gb18030_text_is_decoded(tmp_path: Path) -> None:
    text = "示例条例\n\n第一条　为了测试，制定本条例。\n\n第二条　本条例自公布之日起施行。\n"
    doc = parse_file(_write(tmp_path, "gbk.txt", text.encode("gb18030")))
    assert [a.key for a in doc.articles] == ["1", "2"]
    assert doc.articles[0].text == "为了测试，制定本条例。"


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  "])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptyFile):
        parse_file(_write(tmp_path, "empty.md", data))


def test_text_without_articles(tmp_path: Path) -> None:
    with pytest.raises(NoArticles):
        parse_file(_write(tmp_path, "note.txt", "这是一段说明文字，依照本法第十条的规定办理。\n".encode()))


def test_legacy_doc_is_unsupported(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat):
        parse_file(_write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600))


def test_errors_are_ingest_errors_with_path(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.pdf", b"%PDF-1.4 broken")
    with pytest.raises(IngestError) as info:
        parse_file(path)
    assert info.value.path == str(path)
    assert info.value.reason == "corrupt_file"


def test_type_is_sniffed_from_content_not_extension(tmp_path: Path) -> None:
    require_corpus()
    data = (corpus_root() / find("pipl", "docx")).read_bytes()
    doc = parse_file(_write(tmp_path, "misnamed.pdf", data))
    assert len(doc.articles) == 74
    assert doc.metadata["format"] == "docx"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_escape_as_library_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.bin"
    path.write_bytes(data)
    try:
        doc = parse_file(path)
    except IngestError:
        return
    assert doc.articles


_FRAGMENTS = ["第一条", "第十条之一", "第一章", "第二节", "附则", "目录", "　", " ", "（一）", "一、", "本法第三条", "“", "Article 5",
              "Chapter II", "Section 1", "of this Code", "text", "文字。", "\n", "#", "- **", "**", "<!-- INFO END -->", "---\n"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60), st.sampled_from([".md", ".txt", ".html"]))
def test_statute_like_noise_parses_or_fails_cleanly(tmp_path: Path, parts: list[str], suffix: str) -> None:
    path = tmp_path / f"noise{suffix}"
    path.write_text("".join(parts), encoding="utf-8")
    try:
        doc = parse_file(path)
    except IngestError:
        return
    assert all(a.number >= 1 for a in doc.articles)
