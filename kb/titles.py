"""Law names: the one matching key for titles, used by the manifest, the store's law lookup, the ingest
and the question memory alike."""

from __future__ import annotations

import re

__all__ = ["normalize_title"]

_TRAILING_VERSION = re.compile(
    r"[（(]\s*\d{4}(?:-\d{1,2}-\d{1,2}|年(?:修正|修订|修改)(?:文本|版)?)\s*[）)]\s*$"
)
_DROP = re.compile(r"[\s\u3000《》〈〉<>“”\"'‘’「」『』（）()【】\[\]、·•]")


def normalize_title(name: str) -> str:
    """A matching key for law names: ``"民事诉讼法"`` and ``"中华人民共和国民事诉讼法"`` give the same key, as do
    ``"《民法典》"`` and ``"《中华人民共和国民法典》"``. Drops spaces, book-title marks, full/half-width brackets,
    list commas, the ``中华人民共和国`` prefix (anywhere) and a trailing ``(2019-04-23)``/``（2019年修正）`` (but not
    ``（2004年）``, which names one of several constitutional amendments)."""
    s = name.strip()
    s = _TRAILING_VERSION.sub("", s)
    s = s.replace("中华人民共和国", "")
    s = _DROP.sub("", s)
    return s
