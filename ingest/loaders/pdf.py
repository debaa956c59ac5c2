"""PDF statutes (pypdf): remove page furniture, then rebuild paragraphs from hard-wrapped lines.

Real-world PDFs in the corpus: Word exports with bare or ``－N－`` page numbers and an endnote, and a
browser print with a timestamp/title header, the URL and ``n/8`` on every page, doubled bold headings
and gov.cn's metadata box in the middle of an article. A paragraph ends only at sentence punctuation,
a heading, or (in Word exports) a line that ends in a space; so a cross-reference that happens to start
a wrapped line (``第二百六十六条的规定``) is joined to its sentence and can never open an article.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path

from ingest.errors import CorruptFile, EncryptedFile
from ingest.loaders.base import LoadedText, is_cjk, join_wrapped, map_radicals, read_bytes

_CN_NUM = "零〇一二三四五六七八九十百千万"
_PAGE_NUMBER_RES = [
    re.compile(r"^\s*[-－—–]?\s*\d{1,4}\s*[-－—–]?\s*$"),  # 12, －12－, - 12 -
    re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[/，,共]\s*\d+\s*页?)?)\s*$"),
    re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"),  # 3/8
]
_TIMESTAMP_RE = re.compile(r"^\s*\d{4}[/-]\d{1,2}[/-]\d{1,2}[\s,]*\d{1,2}:\d{2}")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URL_RE = re.compile(r"https?://\S+")
_NOTE_MARK_RE = re.compile(r"^\s*[①-⑳]\s*$")
_FOOTNOTE_RULE_RE = re.compile(r"^[ \t\u3000]{10,}$")
_META_BOX_START = re.compile(r"^\s*标\s*题\s*[：:]")
_META_BOX_END = re.compile(r"^\s*成文日期\s*[：:].*")
_HEADING_RE = re.compile(rf"^第[{_CN_NUM}]+(?:编|分编|章|节)[^\S\n]+\S")
_ARTICLE_RE = re.compile(rf"^第[{_CN_NUM}]+条(?:之[{_CN_NUM}]+)?[^\S\n]+\S")
_TERMINAL = tuple("。：；！？;:!?")
_NO_SOFT_END = tuple("条款项章节编第，、之（《")
_CONTINUATION_START = tuple("的之，、。；：）》")
# Glyphs that Word→PDF font maps get wrong in these exports; only characters never used in statute text.
_MAX_BOX_LINES = 16
_GLYPH_FIXES = str.maketrans({"臵": "置"})
_CJK_DIGIT_SPACE = re.compile(r"(?<=[\u4e00-\u9fff\uff08\uff09）（《》、，]) (?=[0-9])|(?<=[0-9]) (?=[\u4e00-\u9fff\uff08\uff09）（《》、，])")


def _width(line: str) -> int:
    return sum(2 if is_cjk(ch) else 1 for ch in line)


def _dedupe_doubled(line: str) -> str:
    """``第一章 总则第一章 总则`` → ``第一章 总则``; ``令令`` → ``令`` (bold text extracted twice)."""
    s = line.strip()
    n = len(s)
    if n >= 2 and n % 2 == 0 and s[: n // 2] == s[n // 2 :] and not any(p in s for p in "。，；"):
        return s[: n // 2]
    return line


def _is_furniture(line: str) -> bool:
    s = line.strip()
    if not s:
        return True
    if any(r.match(s) for r in _PAGE_NUMBER_RES):
        return True
    if _TIMESTAMP_RE.match(s):
        return True
    if _URL_RE.search(s) and len(_URL_RE.sub("", s).strip(" 0123456789/")) == 0:
        return True
    return bool(_NOTE_MARK_RE.match(s))


def _page_lines(text: str, running: frozenset[str] = frozenset()) -> list[tuple[str, bool]]:
    """Lines of one page without furniture; each with a flag 'the raw line ended in white space'."""
    out: list[tuple[str, bool]] = []
    box: list[tuple[str, bool]] | None = None  # a gov.cn metadata box being skipped
    raws = text.split("\n")
    for index, raw in enumerate(raws):
        if _FOOTNOTE_RULE_RE.match(raw):
            break  # endnote area below the rule: not statute text
        raw = _CONTROL_RE.sub("", map_radicals(raw))
        if running and (index < 3 or index >= len(raws) - 3) and _shape(raw) in running:
            continue
        if box is None and _META_BOX_START.match(raw):
            box = []
        if box is not None:
            box.append((raw.strip(), raw != raw.rstrip()))
            if _META_BOX_END.match(raw):
                box = None
            elif len(box) > _MAX_BOX_LINES:  # no end marker: it was not a box, keep the text
                out.extend(box)
                box = None
            continue
        if _is_furniture(raw):
            continue
        line = _dedupe_doubled(raw.strip()).translate(_GLYPH_FIXES)
        line = _CJK_DIGIT_SPACE.sub("", line)
        out.append((line, raw != raw.rstrip()))
    if box:
        out.extend(box)
    return out


def _shape(line: str) -> str:
    """A line with its digits masked, so 'page 3 of 8' repeats as one shape on every page."""
    return re.sub(r"\d+", "#", _CONTROL_RE.sub("", map_radicals(line)).strip())


def _running_lines(pages: list[str]) -> frozenset[str]:
    """Header/footer lines: the same shape among the first or last 3 lines of at least half the pages."""
    if len(pages) < 4:
        return frozenset()
    counts: dict[str, int] = {}
    for text in pages:
        lines = [x for x in text.split("\n") if x.strip()]
        for shape in {_shape(x) for x in lines[:3] + lines[-3:]}:
            counts[shape] = counts.get(shape, 0) + 1
    need = max(3, len(pages) // 2)
    return frozenset(shape for shape, n in counts.items() if n >= need and shape and shape != "#" * len(shape))


def _join(lines: list[tuple[str, bool]]) -> list[str]:
    trailing_convention = sum(1 for _, t in lines if t) >= 0.1 * max(len(lines), 1) and sum(
        1 for _, t in lines if not t
    ) >= 0.1 * max(len(lines), 1)
    widths = sorted(_width(line) for line, _ in lines)
    typical = widths[int(len(widths) * 0.9)] if widths else 0
    paragraphs: list[str] = []
    prev_ends = True
    soft_end = False
    for line, trailing in lines:
        is_toc_title = line.replace(" ", "").replace("\u3000", "") in ("目录", "目次")
        starts_block = bool(_HEADING_RE.match(line) or _ARTICLE_RE.match(line)) or is_toc_title
        if soft_end and line.startswith(_CONTINUATION_START):
            prev_ends = False  # a short line followed by "的规定…": it was a wrap after all
        if paragraphs and not prev_ends and not starts_block:
            paragraphs[-1] = join_wrapped(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        current = paragraphs[-1]
        if trailing_convention:
            # Word exports: a paragraph's last line ends in a space, a wrapped line does not; a wrap that
            # happens to fall right after 。 or ； is not a paragraph end
            hard_end = trailing or is_toc_title
            soft_end = False
        else:
            hard_end = (
                current.endswith(_TERMINAL)
                or (current.startswith(("（", "(")) and current.endswith(("）", ")")))  # 题注 (…通过)
                or is_toc_title
            )
            # a line much shorter than the page's lines ended its paragraph, unless it ends on a label
            soft_end = not hard_end and typical >= 16 and _width(line) < 0.6 * typical and not line.endswith(_NO_SOFT_END)
        prev_ends = hard_end or soft_end
    return paragraphs


def _extract(data: bytes, name: str, path: str | None) -> tuple[list[str], str | None]:
    """Page texts and the document title, or an ingest error (never a pypdf exception)."""
    import pypdf
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about every recoverable defect; we judge by the result
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise EncryptedFile(f"{name}: PDF is encrypted", path=path)
                except EncryptedFile:
                    raise
                except Exception as exc:
                    raise EncryptedFile(f"{name}: PDF is encrypted ({exc})", path=path) from exc
            pages = [page.extract_text() or "" for page in reader.pages]
            title: str | None = None
            try:
                info = reader.metadata
                title = str(info.title) if info is not None and info.title else None
            except Exception:  # noqa: BLE001 - broken info dictionaries are common and harmless
                title = None
    except CorruptFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError, AssertionError) as exc:
        raise CorruptFile(f"{name}: PDF cannot be read ({exc})", path=path) from exc
    except Exception as exc:  # pypdf can raise anything on hostile input; never let it escape raw
        raise CorruptFile(f"{name}: PDF cannot be read ({type(exc).__name__}: {exc})", path=path) from exc
    return pages, title


def load_bytes(data: bytes, *, path: str | None = None) -> LoadedText:
    pages, title = _extract(data, Path(path).name if path else "input", path)
    running = _running_lines(pages)
    lines: list[tuple[str, bool]] = []
    for text in pages:
        lines.extend(_page_lines(text, running))
    out = LoadedText(lines=_join(lines), format="pdf", path=path)
    out.metadata["pages"] = str(len(pages))
    if title:
        out.metadata["pdf_title"] = title
    return out


def load(path: Path) -> LoadedText:
    return load_bytes(read_bytes(path), path=str(path))
