"""How the national/ layer's versions are dated, against what their texts say about entry into force.

Runs only the scan step (``ingest.manifest.scan_national``) and reads each file's text — no parse into
articles, no index. One line per category, counted over the versions the ingest indexes (files that repeat a
raw/ version or another national/ file are left out; a law split over several files counts once):

    PYTHONPATH=$PWD python -m ingest.national_dating [--list CATEGORY] [--corpus DIR]
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from ingest.commencement import read_commencement
from ingest.manifest import NationalEntry, load_manifest, scan_national
from kb.settings import get_settings

CATEGORIES = {
    "by-promulgation": "text states when this version takes effect, store dates it by promulgation",
    "by-text-date": "text states when this version takes effect, store dates it so",
    "header-differs": "text states a date, the store uses another (the header's 施行 line)",
    "by-decision": "amended text dated by its amending decision in national/ (本决定自…起施行)",
    "amended-original-only": "amended text whose final article names only the original enactment's date",
    "on-promulgation": "text says it takes effect on promulgation (自公布/发布之日起施行)",
    "header-only": "no clause in the text; the header's 施行 line dates it",
    "no-stated-date": "no stated date at all (neither text nor header)",
}


def classify(corpus: Path) -> dict[str, list[str]]:
    """Category (see ``CATEGORIES``) → one line per version: path, version date, effective_from, stated date."""
    manifest = load_manifest(get_settings().manifest_path)
    entries = [e for e in scan_national(corpus, manifest) if e.duplicate_of is None]
    by_version: dict[str, list[NationalEntry]] = defaultdict(list)
    for e in entries:
        by_version[e.version_id].append(e)
    out: dict[str, list[str]] = {k: [] for k in CATEGORIES}
    for _vid, parts in sorted(by_version.items()):
        e = parts[0]
        body = "\n".join(
            (corpus / p.path).read_text(encoding="utf-8", errors="replace").partition(manifest.national.info_marker)[2]
            for p in parts
        )
        c = read_commencement(body)
        stated = c.date_for(e.version_date)
        line = f"{e.path}\tversion {e.version_date}\teffective_from {e.effective_from}\ttext {stated or '-'}\t{e.effective_source}"
        if stated is not None:
            if e.effective_from == stated:
                key = "by-text-date"
            elif e.effective_from == e.version_date:
                key = "by-promulgation"
            else:
                key = "header-differs"
        elif e.effective_source == "decision":
            key = "by-decision"
        elif c.original_only(e.version_date):
            key = "amended-original-only"
        elif c.on_promulgation:
            key = "on-promulgation"
        elif e.effective_from != e.version_date:
            key = "header-only"
        else:
            key = "no-stated-date"
        out[key].append(line)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None, help="corpus root (default: settings.corpus_root)")
    ap.add_argument("--list", choices=sorted(CATEGORIES), action="append", default=[], help="print its versions")
    args = ap.parse_args(argv)
    corpus = args.corpus or get_settings().corpus_root
    got = classify(corpus)
    total = sum(len(v) for v in got.values())
    print(f"{total} indexed national/ versions")
    for key, what in CATEGORIES.items():
        print(f"{len(got[key]):5d}  {key:22s} {what}")
    for key in args.list:
        print(f"\n# {key}")
        print("\n".join(got[key]))
    kinds = Counter(p.split("/")[1] for v in got.values() for p in v)
    print("\nby folder:", ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
