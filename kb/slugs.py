"""Law slugs: one stable ASCII id for every law, whatever its layer.

Curated raw/ laws already have one (their manifest id, ``anti-unfair-competition-law``). A national/ law is keyed
by its Chinese title; its slug is the title in toneless pinyin (pypinyin, pinned: its phrase dictionary reads
polyphones such as 重庆 the same way every time), one syllable per hyphen, ``中华人民共和国`` written ``prc``:
``中华人民共和国专利法`` → ``prc-zhuan-li-fa``. The slug is a function of the title alone, so a re-ingest gives the
same slug. Where two titles read the same (homophones) or a title's reading equals a curated id, every such
title gets ``-`` and the first 6 hex digits of the SHA-256 of its title appended — again a function of the title,
never of the order of the laws. The Chinese title, the old id and the short names stay aliases (kb.store)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["assign_slugs", "is_slug", "title_slug"]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PRC = "中华人民共和国"


def is_slug(text: str) -> bool:
    """An id already in slug form (lower-case ASCII words joined by hyphens): the curated ids."""
    return bool(_SLUG.match(text))


@lru_cache(maxsize=4096)
def title_slug(title: str) -> str:
    """The pinyin slug of a Chinese title (no collision handling: see ``assign_slugs``)."""
    from pypinyin import Style, lazy_pinyin

    text = title.strip().replace(_PRC, " prc ")
    parts = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    words = [w for p in parts for w in _NON_ALNUM.split(p.lower()) if w]
    return "-".join(words) or "law-" + _digest(title)


def _digest(title: str) -> str:
    return hashlib.sha256(title.encode()).hexdigest()[:6]


def assign_slugs(law_ids: Iterable[str]) -> dict[str, str]:
    """law id → slug for a whole store: curated ids are their own slug; titles get ``title_slug``, with the
    title's digest appended to every title whose reading collides with another title or a curated id."""
    ids = list(dict.fromkeys(law_ids))
    curated = {x for x in ids if is_slug(x)}
    by_base: dict[str, list[str]] = defaultdict(list)
    for law_id in ids:
        if law_id not in curated:
            by_base[title_slug(law_id)].append(law_id)
    out = {x: x for x in curated}
    for base, members in by_base.items():
        clash = len(members) > 1 or base in curated
        for law_id in members:
            out[law_id] = f"{base}-{_digest(law_id)}" if clash else base
    return out
