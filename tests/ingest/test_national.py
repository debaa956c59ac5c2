"""Parse every national/ file (≈1,370 instruments): totals, files without articles, warnings.

Prints the figures (run with ``-s`` to see them); asserts only what must hold.
"""

from __future__ import annotations

import time

from ingest.errors import NoArticles
from ingest.parse import parse_file
from tests.ingest.corpus import corpus_root, require_corpus


def test_parse_all_national_files() -> None:
    require_corpus()
    root = corpus_root() / "national"
    files = sorted(p for p in root.rglob("*.md") if p.name not in ("_index.md", "README.md"))
    if not files:
        import pytest

        pytest.skip("national/ not present")
    started = time.perf_counter()
    articles = items = 0
    no_articles: list[str] = []
    warned: dict[str, list[str]] = {}
    for path in files:
        try:
            doc = parse_file(path)
        except NoArticles:
            no_articles.append(str(path.relative_to(root)))
            continue
        if any("numbered items" in w for w in doc.warnings):
            items += len(doc.articles)
        else:
            articles += len(doc.articles)
        other = [w for w in doc.warnings if "numbered items" not in w]
        if other:
            warned[str(path.relative_to(root))] = other
        keys = [a.key for a in doc.articles]
        assert len(keys) == len(set(keys)), path
    elapsed = time.perf_counter() - started
    print(f"\nnational/: {len(files)} files, {articles} articles (+{items} items of article-less instruments), "
          f"{len(no_articles)} files without articles, {len(warned)} files with warnings, {elapsed:.1f}s")
    for name in no_articles:
        print("  no articles:", name)
    for name, warnings in warned.items():
        print("  warnings:", name, warnings[:3])
    assert articles > 50_000
    assert len(no_articles) < 0.03 * len(files)
    assert not warned
