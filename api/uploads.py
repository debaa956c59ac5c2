"""Accepting a law file over HTTP: sniff its type from the bytes, refuse what must not be parsed, store it
under a generated name.

The client's file name is never a path: it is kept only as metadata. Encrypted or malformed PDFs, Word zips
that would inflate far beyond their size, binary junk and files without a single article are refused with a
4xx envelope before any index build starts."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from kb.errors import BadRequest, InputTooLarge
from kb.settings import Settings

EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "md": ".md", "txt": ".txt"}
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_DOCX_RATIO = 100


class UploadRejected(BadRequest):
    """The uploaded file cannot become articles; ``code`` says why (a stable machine-readable reason)."""

    status = 422
    code = "upload_rejected"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, details: Any = None) -> None:
        super().__init__(message, details=details)
        if code:
            self.code = code
        if status:
            self.status = status


@dataclass
class StoredUpload:
    upload_id: str
    kind: str
    path: Path
    size: int
    sha256: str
    original_name: str

    def public(self) -> dict[str, Any]:
        """What a client may see: no server path."""
        out = asdict(self)
        out.pop("path")
        out["stored_as"] = self.path.name
        return out


def sniff(data: bytes) -> str:
    """``pdf`` / ``docx`` / ``md`` / ``txt`` from the content; raises UploadRejected for anything else."""
    if data.startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and not data[:4].startswith(b"PK")):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        check_docx(data)
        return "docx"
    if data.startswith((b"\xd0\xcf\x11\xe0", b"\x7fELF", b"MZ", b"\x1f\x8b", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf")):
        raise UploadRejected("Unsupported file type: send PDF, Word (.docx), Markdown or plain text.",
                             code="unsupported_format", status=415)
    text = _decode(data)
    head = text.lstrip("\ufeff")[:4096]
    if head.startswith("---\n") or any(line.startswith("#") for line in head.splitlines()):
        return "md"
    return "txt"


def _decode(data: bytes) -> str:
    if not data.strip():
        raise UploadRejected("The file is empty.", code="empty_file")
    if b"\x00" in data[:65536]:
        raise UploadRejected("The file is binary and not a supported type.", code="unsupported_format", status=415)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRejected("The text is neither UTF-8 nor GB18030.", code="undecodable_text")


def check_docx(data: bytes) -> None:
    """A Word file must be a sound zip holding word/document.xml and must not inflate beyond sane bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            compressed = sum(i.compress_size for i in infos)
            if total > MAX_DOCX_UNCOMPRESSED or total > MAX_DOCX_RATIO * max(compressed, 1) and total > 1_000_000:
                raise UploadRejected(
                    "The Word file would inflate far beyond its size (decompression bomb); refused.",
                    code="decompression_bomb", status=413,
                    details={"compressed_bytes": compressed, "uncompressed_bytes": total},
                )
            if "word/document.xml" not in names:
                raise UploadRejected("The zip file is not a Word document (no word/document.xml).", code="unsupported_format", status=415)
    except zipfile.BadZipFile as exc:
        raise UploadRejected("The Word file is not a readable zip archive.", code="corrupt_file") from exc


def check_pdf(data: bytes) -> None:
    """Refuse encrypted PDFs and those pypdf cannot open (without leaking library messages or paths)."""
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            _ = len(reader.pages)
    except Exception as exc:  # pypdf raises many types on hostile input
        raise UploadRejected("The PDF is malformed and cannot be read.", code="corrupt_file") from exc
    if encrypted:
        raise UploadRejected("The PDF is encrypted; upload an unencrypted copy.", code="encrypted_file")


def store(data: bytes, original_name: str | None, settings: Settings) -> StoredUpload:
    """Validate and write ``data`` to ``data_dir/uploads/<generated id>.<ext>``; never uses the client's name."""
    if len(data) > settings.max_upload_bytes:
        raise InputTooLarge(f"The file exceeds the upload limit of {settings.max_upload_bytes} bytes.")
    kind = sniff(data)
    if kind == "pdf":
        check_pdf(data)
    upload_id = uuid.uuid4().hex
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{upload_id}{EXTENSIONS[kind]}"
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    safe_name = (original_name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    return StoredUpload(upload_id, kind, path, len(data), hashlib.sha256(data).hexdigest(), safe_name)


def write_sidecar(upload: StoredUpload, metadata: dict[str, Any]) -> Path:
    """Metadata beside the file (``<id>.json``), so a later full rebuild can include the upload again."""
    sidecar = upload.path.with_suffix(".json")
    sidecar.write_text(json.dumps({"upload": upload.public(), "metadata": metadata}, ensure_ascii=False, default=str, indent=1),
                       encoding="utf-8")
    return sidecar


def check_parses(upload: StoredUpload, language: Literal["zh", "en"] | None) -> int:
    """Run the real parser on the stored file; ingest errors become a 422 with their reason. Returns articles."""
    from ingest.errors import IngestError
    from ingest.parse import parse_file

    try:
        document = parse_file(upload.path, language=language)
    except IngestError as exc:
        upload.path.unlink(missing_ok=True)
        message = str(exc).replace(str(upload.path), upload.path.name).replace(upload.path.name, "the upload")
        raise UploadRejected(f"The file cannot be ingested: {message}", code=exc.reason) from exc
    return len(getattr(document, "articles", []) or [])
