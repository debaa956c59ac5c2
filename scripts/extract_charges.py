"""Derive corpus/notes/criminal-law-charges.json (Criminal Law article → official charge names, 罪名) from the
SPP's 1997 opinion on the charge names of the specific provisions and the SPC/SPP supplements of 2002–2021, as
the national layer holds them (corpus/national/司法解释). Names a later supplement cancels ("取消…罪名") are kept
as former names of the same article. Run: python scripts/extract_charges.py [CORPUS_ROOT]."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from kb.numerals import parse_chinese_number

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "corpus"
FOLDER = ROOT / "national" / "司法解释"
OUT = Path(__file__).resolve().parents[1] / "corpus" / "notes" / "criminal-law-charges.json"
_ART = re.compile(r"第\s*([0-9]+|[零一二三四五六七八九十百千]+)\s*条(?:\s*之\s*([一二三四五六七八九]))?")


def _key(num: str, suffix: str | None) -> str:
    n = int(num) if num.isdigit() else parse_chinese_number(num)
    return f"{n}" + (f"之{suffix}" if suffix else "")


def _articles(ref: str) -> list[str]:
    ref = re.sub(r"[（(][^）)]*[）)]", "", ref)  # drop "(《刑法修正案（十一）》第二条)"
    return list(dict.fromkeys(_key(m.group(1), m.group(2)) for m in _ART.finditer(ref)))


def _names(cell: str) -> tuple[list[str], list[str]]:
    cancelled = []
    for m in re.finditer(r"[（(]\s*取消(.+?)罪名\s*[）)]", cell):
        body = re.sub(r"刑法原第[0-9一二三四五六七八九十百]+条(第[0-9一二三四五六七八九十]+[款项])?", "", m.group(1))
        cancelled += [x.strip() for x in re.split(r"(?<=罪)和|(?<=罪)、", body) if x.strip().endswith("罪")]
    cell = re.sub(r"[（(]\s*取消.+?罪名\s*[）)]", "", cell)
    names = [re.sub(r"\s+", "", x) for x in re.split(r"[；;]", cell) if x.strip()]
    return [n for n in names if n.endswith("罪")], [re.sub(r"\s+", "", c) for c in cancelled]


def main() -> None:
    charges: dict[str, dict[str, list[str]]] = {}

    def add(keys: list[str], names: list[str], former: list[str]) -> None:
        for k in keys:
            entry = charges.setdefault(k, {"names": [], "former_names": []})
            for f in former:
                for e in charges.values():
                    if f in e["names"]:
                        e["names"].remove(f)
                        e["former_names"].append(f)
            for n in names:
                if n not in entry["names"]:
                    entry["names"].append(n)

    sources = []
    opinion = next(FOLDER.glob("最高人民检察院关于适用刑法分则规定的犯罪的罪名的意见*.md"))
    sources.append(opinion.name)
    text = opinion.read_text(encoding="utf-8")
    for m in re.finditer(r"(?:\d+．)?\s*([^\s．（]+?罪)（(第[^）]+)）", text):
        add(_articles(m.group(2)), [m.group(1)], [])
    supplements = sorted(FOLDER.glob("*确定罪名的补充规定*.md"), key=lambda p: re.search(r"\((\d{4}-\d\d-\d\d)\)", p.name).group(1))
    for path in supplements:
        sources.append(path.name)
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != 2 or "条" not in cells[0] or cells[0] == "刑法条文":
                continue
            names, former = _names(cells[1])
            add(_articles(cells[0]), names, former)
    rows = []
    for key in sorted(charges, key=lambda k: (int(k.split("之")[0]), k)):
        e = charges[key]
        if e["names"] or e["former_names"]:
            rows.append({"article": key, "names": e["names"], "former_names": list(dict.fromkeys(e["former_names"]))})
    OUT.write_text(json.dumps({
        "law_id": "criminal-law", "version": "2021-03-01",
        "provenance": "Derived by scripts/extract_charges.py from the official charge names (罪名) in the SPP opinion of "
                      "1997 and the SPC/SPP supplements of 2002-2021 (corpus/national/司法解释). Charge names, not article text.",
        "sources": sources, "charges": rows,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(rows)} articles, {sum(len(r['names']) for r in rows)} charge names -> {OUT}")


if __name__ == "__main__":
    main()
