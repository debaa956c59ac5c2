"""Word files (flk.npc.gov.cn): every paragraph is style Normal, so structure comes from the text.

The zip is inspected before python-docx sees it: a truncated or non-zip file, a missing
``word/document.xml`` or an entry that would inflate beyond a sane size (zip bomb) is ``CorruptFile``.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

from ingest.errors import CorruptFile
from ingest.loaders.base import LoadedText, read_bytes

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all entries together
MAX_ENTRIES = 5000
MAX_RATIO = 200  # uncompressed / compressed for any entry larger than 1 MB


def check_zip(data: bytes, *, path: str | None = None) -> None:
    """Reject what python-docx should never open: not a zip, no document part, or a decompression bomb."""
    name = Path(path).name if path else "input"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise CorruptFile(f"{name}: {len(infos)} zip entries (not a plausible Word file)", path=path)
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                raise CorruptFile(f"{name}: zip has no word/document.xml (not a Word file)", path=path)
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise CorruptFile(f"{name}: entry {info.filename} inflates {info.file_size} bytes (zip bomb?)", path=path)
            if total > MAX_UNCOMPRESSED:
                raise CorruptFile(f"{name}: uncompressed size {total} bytes exceeds the limit (zip bomb?)", path=path)
            bad = zf.testzip()
            if bad is not None:
                raise CorruptFile(f"{name}: corrupt zip entry {bad}", path=path)
    except CorruptFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise CorruptFile(f"{name}: not a readable Word file ({exc})", path=path) from exc


def load_bytes(data: bytes, *, path: str | None = None) -> LoadedText:
    check_zip(data, path=path)
    import docx  # python-docx; imported late so text-only use does not pay for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises a zoo of lxml/KeyError/ValueError types
        raise CorruptFile(f"{Path(path).name if path else 'input'}: Word file cannot be opened ({exc})", path=path) from exc
    out = LoadedText(lines=[], format="docx", path=path)
    try:
        props = document.core_properties
        if props.title:
            out.metadata["docx_title"] = props.title
    except Exception:  # noqa: BLE001 - core properties are optional and often malformed
        pass
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            texts = [Paragraph(block, document).text]
        elif tag == "tbl":
            table = Table(block, document)
            texts = ["\u3000".join(cell.text.strip() for cell in row.cells) for row in table.rows]
        else:
            continue
        for text in texts:
            for line in text.replace("\r", "\n").replace("\x0b", "\n").split("\n"):
                line = line.strip()
                if line:
                    out.add(line)
    return out


def load(path: Path) -> LoadedText:
    return load_bytes(read_bytes(path), path=str(path))
