"""One entry point: a file path in, a ``ParsedDocument`` out, or an ``ingest.errors`` exception.

The language is detected from the text when not given (``kb.lang.detect_lang``, the share of Han characters), so an English
``.md`` or ``.txt`` goes to the English parser and everything else to the Chinese one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ingest.english import parse_english
from ingest.errors import IngestError, NoArticles
from ingest.loaders import LoadedText, load_file
from ingest.model import ParsedDocument
from ingest.structure import parse_chinese
from kb.lang import detect_lang

__all__ = ["detect_language", "parse_file", "parse_loaded"]


def detect_language(loaded: LoadedText) -> Literal["zh", "en"]:
    """The code base's one rule (kb.lang) on the file's first 400 lines; a file without letters is zh."""
    return detect_lang("".join(loaded.lines[:400])[:40_000], empty="zh")


def parse_loaded(loaded: LoadedText, *, language: Literal["zh", "en"] | None = None) -> ParsedDocument:
    lang = language or detect_language(loaded)
    doc = parse_chinese(loaded) if lang == "zh" else parse_english(loaded)
    doc.metadata.setdefault("format", loaded.format)
    if not doc.articles:
        name = Path(loaded.path).name if loaded.path else "input"
        what = "第X条 article" if lang == "zh" else "'Article N'"
        raise NoArticles(f"{name}: no {what} found", path=loaded.path)
    return doc


def parse_file(path: str | Path, *, language: Literal["zh", "en"] | None = None) -> ParsedDocument:
    """Load ``path`` with the loader its content calls for and parse it into articles.

    Raises ``CorruptFile`` (incl. ``EncryptedFile``), ``EmptyFile``, ``UndecodableText``,
    ``UnsupportedFormat`` or ``NoArticles`` — never a raw library exception.
    """
    try:
        loaded = load_file(path)
        return parse_loaded(loaded, language=language)
    except IngestError:
        raise
    except RecursionError as exc:
        raise IngestError(f"{Path(path).name}: structure too deep to parse", path=str(path)) from exc
    except OSError:
        raise
    except Exception as exc:  # a parser bug must still be a per-file error, the batch goes on
        raise IngestError(f"{Path(path).name}: cannot be parsed ({type(exc).__name__}: {exc})", path=str(path)) from exc


def main(argv: list[str] | None = None) -> int:
    """``python -m ingest.parse FILE_OR_DIR…``: articles per file, warnings, failures, time."""
    import sys
    import time

    paths: list[Path] = []
    for arg in argv if argv is not None else sys.argv[1:]:
        p = Path(arg)
        if p.is_dir():
            paths += sorted(x for x in p.rglob("*") if x.is_file() and x.name not in ("_index.md", "README.md"))
        else:
            paths.append(p)
    started = time.perf_counter()
    total = failed = 0
    for p in paths:
        try:
            doc = parse_file(p)
        except IngestError as exc:
            failed += 1
            print(f"FAIL\t{exc.reason}\t{p}")
            continue
        total += len(doc.articles)
        suffixed = sum(1 for a in doc.articles if a.suffix)
        note = f"\t{'; '.join(doc.warnings)}" if doc.warnings else ""
        print(f"{len(doc.articles)}\t{suffixed}\t{doc.language}\t{doc.metadata.get('format', '')}\t{p}{note}")
    print(f"# {len(paths)} files, {total} articles, {failed} failed, {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
