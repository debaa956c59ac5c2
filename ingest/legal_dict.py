"""Builds corpus/legal_dict.txt, the jieba user dictionary of legal terms (``word freq pos`` per line).

Why: jieba's general dictionary splits legal compounds (肖像权 → 肖像/权, 侵犯公民个人信息罪 → many pieces), which
hurts BM25 on statute text. The dictionary is made from reviewed data (glossary terms, law names from the
manifest) plus terms mined from the corpus (charge names "…罪" in 以…罪定罪处罚-style phrases, and the titles of
编/章/节 headings), so it can be rebuilt when the corpus grows: ``kb corpus legal-dict``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ingest.manifest import Manifest
from kb.glossary import Glossary
from kb.titles import normalize_title

__all__ = ["build_entries", "mine_charges", "mine_headings", "render", "write_legal_dict"]

_WORD = re.compile(r"^[\u3400-\u9fffA-Za-z0-9]+$")  # jieba only matches words inside one Han/alnum run
_CHARGE = re.compile(
    r"(?:以|构成|犯|涉嫌)([\u4e00-\u9fff、]{2,24}?罪)(?:定罪|论处|追究刑事责任|的|，|。|数罪并罚|从重)"
)
_CHARGE_BAD_START = (*"罪前本第其上及外在对证根新各被或该此所以同犯下有的罚", "构成", "认定", "生效", "违法")
_HEADING = re.compile(
    r"^(?:#+\s*)?第[一二三四五六七八九十百零〇]+[编章节](?:之[一二三四五六七八九十]+)?[\s\u3000]+(.+?)\s*$"
)
_HEADING_NOISE = frozenset({"一般规定", "总则", "附则", "其他规定", "法律责任", "通则", "分则"})

LEGAL_FREQ = 20000  # high enough that jieba keeps the compound, low enough not to swallow neighbours
LAW_FREQ = 20000
MINED_FREQ = 5000


def _ok(word: str, *, min_len: int = 2, max_len: int = 20) -> bool:
    return (
        min_len <= len(word) <= max_len
        and bool(_WORD.match(word))
        and bool(re.search(r"[\u3400-\u9fff]", word))
    )


def mine_charges(texts: Iterable[str], *, min_count: int = 1) -> Counter[str]:
    """Charge names such as 诈骗罪, 侵犯公民个人信息罪 from phrases like 以诈骗罪定罪处罚 / 构成侵犯公民个人信息罪的."""
    found: Counter[str] = Counter()
    for text in texts:
        for m in _CHARGE.finditer(text):
            if "、" in m[1]:
                continue  # 拐卖妇女、儿童罪: jieba cannot hold a word across the 、
            for part in re.split(r"或者|和(?=[^和]+罪$)", m[1]):
                part = part.strip()
                if (
                    not part.endswith("罪")
                    or part.endswith(("犯罪", "有罪"))
                    or part.startswith(_CHARGE_BAD_START)
                ):
                    continue
                if "第" in part or "规定" in part or not _ok(part, min_len=3, max_len=16):
                    continue
                found[part] += 1
    return Counter({k: v for k, v in found.items() if v >= min_count})


def mine_headings(lines: Iterable[str]) -> Counter[str]:
    """Titles of 编/章/节 headings (肖像权, 隐私权和个人信息保护 → 隐私权, 个人信息保护)."""
    found: Counter[str] = Counter()
    for line in lines:
        m = _HEADING.match(line.strip())
        if not m:
            continue
        title = re.sub(r"\s+", "", m[1])
        for part in re.split(r"[、，,]|和|与|及", title):
            if part and part not in _HEADING_NOISE and "的" not in part and _ok(part, min_len=3, max_len=8):
                found[part] += 1
    return found


def build_entries(
    glossary: Glossary, manifest: Manifest, corpus_texts: Iterable[str] = ()
) -> dict[str, tuple[int, str]]:
    """word → (freq, pos). Reviewed terms win over mined ones; law names get pos ``nz``."""
    entries: dict[str, tuple[int, str]] = {}
    texts = list(corpus_texts)
    for word, _n in mine_headings(line for t in texts for line in t.splitlines()).items():
        entries[word] = (MINED_FREQ, "n")
    for word, _n in mine_charges(texts).items():
        entries[word] = (MINED_FREQ, "n")
    for c in glossary.concepts:
        for term in c.zh:
            if _ok(term, max_len=16):
                entries[term] = (LEGAL_FREQ, "n")
        for term in c.lay_zh:  # lay words, not lay sentences
            if _ok(term, max_len=4):
                entries.setdefault(term, (LEGAL_FREQ, "n"))
    for law in manifest.laws():
        for name in (law.title_zh, normalize_title(law.title_zh), *law.short_names):
            if _ok(name, max_len=40):
                entries[name] = (LAW_FREQ, "nz")
    return entries


def national_titles(corpus_root: Path, manifest: Manifest) -> list[str]:
    """Short titles of national/ laws (中华人民共和国广告法 → 广告法): how people name them in questions."""
    from ingest.manifest import scan_national

    out = []
    for e in scan_national(corpus_root, manifest):
        short = normalize_title(e.title_zh)
        if short != e.title_zh or len(short) <= 12:
            out.append(short)
    return out


def render(entries: dict[str, tuple[int, str]]) -> str:
    lines = [f"{w} {f} {p}" for w, (f, p) in sorted(entries.items(), key=lambda kv: (kv[1][1], kv[0]))]
    return "\n".join(lines) + "\n"


def write_legal_dict(out: Path, glossary: Glossary, manifest: Manifest, corpus_root: Path) -> int:
    """Mine the raw/ Markdown/text files and national/, merge with reviewed terms, write ``out``; returns the count."""
    texts = []
    for p in sorted((corpus_root / "raw").rglob("*")):
        if p.suffix in {".md", ".txt"} and not p.name.endswith(".en.md") and "eu" not in p.parts:
            texts.append(p.read_text(encoding="utf-8", errors="replace"))
    nat = corpus_root / manifest.national.folder
    if nat.is_dir():
        texts.extend(p.read_text(encoding="utf-8", errors="replace") for p in sorted(nat.rglob("*.md")))
    entries = build_entries(glossary, manifest, texts)
    for short in national_titles(corpus_root, manifest) if nat.is_dir() else []:
        if _ok(short, max_len=24):
            entries.setdefault(short, (LAW_FREQ, "nz"))
    out.write_text(render(entries), encoding="utf-8")
    return len(entries)
