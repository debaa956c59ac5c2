"""Why a file could not be ingested. Each is reported per file; the rest of the batch goes on."""

from __future__ import annotations


class IngestError(Exception):
    """Base: a file could not be turned into articles. ``reason`` is a short machine-readable code."""

    reason = "ingest_error"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class UnsupportedFormat(IngestError):
    reason = "unsupported_format"


class CorruptFile(IngestError):
    """A PDF/Word file that its library cannot open (truncated, not a zip, encrypted, bomb)."""

    reason = "corrupt_file"


class EncryptedFile(CorruptFile):
    reason = "encrypted_file"


class UndecodableText(IngestError):
    reason = "undecodable_text"


class EmptyFile(IngestError):
    reason = "empty_file"


class NoArticles(IngestError):
    """The file decoded but holds no article (第X条 / Article N) at all."""

    reason = "no_articles"
