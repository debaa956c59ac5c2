"""A small real index for the retrieval and evaluation tests: real statute files (Advertising Law, the
Anti-Unfair Competition Law in its 2019 and 2025 versions, Criminal Law Amendment XII with its English
translation), the real jieba/bm25s lexical indexes, a real embedded Chroma
and the real bundled model. Built once per test module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.settings import Settings, get_settings

RAW = "raw/cn"


def corpus_file(rel: str) -> Path:
    root = get_settings().corpus_root
    matches = sorted((root / RAW).glob(rel))
    if not matches:
        raise FileNotFoundError(f"{rel} not under {root / RAW}")
    return matches[0]


def build_small_index(data_dir: Path) -> Any:
    from ingest.pipeline import ingest_files
    from kb.index import open_index

    settings = Settings(data_dir=data_dir)
    files = [
        (corpus_file("advertising-law/*.md"), {
            "law_id": "advertising-law", "title_zh": "中华人民共和国广告法", "title_en": "Advertising Law of the People's Republic of China",
            "instrument": "law", "short_names": ["广告法"], "topics": ["advertising"], "effective_from": "2021-04-29",
        }),
        (corpus_file("anti-unfair-competition-law/*20190423*.md"), {
            "law_id": "anti-unfair-competition-law", "title_zh": "中华人民共和国反不正当竞争法",
            "title_en": "Anti-Unfair Competition Law of the People's Republic of China", "instrument": "law",
            "short_names": ["反不正当竞争法"], "topics": ["unfair-competition"], "effective_from": "2019-04-23", "effective_to": "2025-10-14",
        }),
        (corpus_file("anti-unfair-competition-law/*20250627*.md"), {
            "law_id": "anti-unfair-competition-law", "title_zh": "中华人民共和国反不正当竞争法",
            "title_en": "Anti-Unfair Competition Law of the People's Republic of China", "instrument": "law",
            "short_names": ["反不正当竞争法"], "topics": ["unfair-competition"], "effective_from": "2025-10-15",
        }),
        (corpus_file("criminal-law/*刑法修正案（十二）*.md"), {
            "law_id": "criminal-law-amendment-xii", "title_zh": "中华人民共和国刑法修正案（十二）", "title_en": "Amendment XII to the Criminal Law",
            "instrument": "amendment", "topics": ["criminal"], "effective_from": "2024-03-01",
        }),
        (corpus_file("criminal-law/criminal-law-amendment-xii.en.md"), {
            "law_id": "criminal-law-amendment-xii", "title_zh": "中华人民共和国刑法修正案（十二）", "title_en": "Amendment XII to the Criminal Law",
            "language": "en", "instrument": "amendment", "topics": ["criminal"], "effective_from": "2024-03-01",
        }),
    ]
    ingest_files(settings, files, layer="none")
    return open_index(settings)
