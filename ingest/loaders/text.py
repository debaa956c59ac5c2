"""Plain text: one logical line per non-empty line (blank lines separate paragraphs).

The claimcraft transcriptions wrap the statute in a header block (``【法律名称】…`` → metadata) and
``==== 正文开始 ==== … ==== 正文结束 ====`` markers; only the text between the markers is statute text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.loaders.base import LoadedText, decode_text, read_bytes

_HEADER_RE = re.compile(r"^\s*【([^】]+)】\s*(.*?)\s*$")
_BEGIN_RE = re.compile(r"^\s*=+\s*正文开始\s*=+\s*$")
_END_RE = re.compile(r"^\s*=+\s*正文结束\s*=+\s*$")
_HEADER_KEYS = {"法律名称": "title", "施行日期": "effective_date", "数据源URL": "link", "现行版本": "version", "条款数": "article_count"}


def parse_text(text: str, *, path: str | None = None) -> LoadedText:
    out = LoadedText(lines=[], format="txt", path=path)
    raw_lines = text.split("\n")
    begin = next((i for i, line in enumerate(raw_lines) if _BEGIN_RE.match(line)), None)
    if begin is not None:
        for line in raw_lines[:begin]:
            if m := _HEADER_RE.match(line):
                out.metadata[_HEADER_KEYS.get(m.group(1), m.group(1))] = m.group(2)
        end = next((i for i in range(begin + 1, len(raw_lines)) if _END_RE.match(raw_lines[i])), len(raw_lines))
        raw_lines = raw_lines[begin + 1 : end]
    for line in raw_lines:
        s = line.strip().strip("\u3000").strip()
        if s:
            out.add(s)
    return out


def load(path: Path) -> LoadedText:
    return parse_text(decode_text(read_bytes(path), path=str(path)), path=str(path))
