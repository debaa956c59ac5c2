"""Provision lineage of every law with two or more versions in the corpus files, straight from the files (no index):
counts per edge kind for each pair of consecutive versions. Usage:
    PYTHONPATH=. python scripts/lineage_pairs.py [--national] [--raw]"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from ingest.parse import parse_file
from kb.lineage import KINDS, Provision, align
from kb.settings import get_settings


def provisions(path: Path) -> list[Provision]:
    return [Provision(a.key, a.text, a.path[-1].title if a.path else "") for a in parse_file(path).articles]


def national_pairs(root: Path) -> list[tuple[str, Path, Path]]:
    by_law: dict[Path, list[Path]] = defaultdict(list)
    for f in root.rglob("*.md"):
        m = re.fullmatch(r"(.+)\((\d{4}-\d{2}-\d{2})\)\.md", f.name)
        if m:
            by_law[f.parent / m.group(1)].append(f)
    out = []
    for law, files in sorted(by_law.items()):
        files.sort()
        out += [(law.name, a, b) for a, b in zip(files, files[1:], strict=False)]
    return out


def raw_pairs(root: Path) -> list[tuple[str, Path, Path]]:
    out = []
    for law in ("anti-unfair-competition-law", "public-security-admin-punishments-law"):
        files = sorted((root / "cn" / law).glob("*.md"), key=lambda p: re.search(r"_(\d{8})_", p.name).group(1))  # type: ignore[union-attr]
        out += [(law, a, b) for a, b in zip(files, files[1:], strict=False)]
    return out


def main(argv: list[str]) -> int:
    corpus = get_settings().corpus_root
    pairs = (raw_pairs(corpus / "raw") if "--national" not in argv or "--raw" in argv else []) + \
        (national_pairs(corpus / "national") if "--national" in argv else [])
    total: Counter[str] = Counter()
    print(f"{'law':34} {'old':>4} {'new':>4} " + " ".join(f"{k:>10}" for k in KINDS) + "   secs")
    for name, a, b in pairs:
        t = time.perf_counter()
        old, new = provisions(a), provisions(b)
        c = Counter(e.kind for e in align(old, new))
        total.update(c)
        print(f"{name[:34]:34} {len(old):>4} {len(new):>4} " + " ".join(f"{c.get(k, 0):>10}" for k in KINDS)
              + f"   {time.perf_counter() - t:.2f}")
    print(f"{'total':44} " + " ".join(f"{total.get(k, 0):>10}" for k in KINDS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
