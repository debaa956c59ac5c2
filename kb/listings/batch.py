"""Batch input and output for the listing check: JSON Lines or CSV in, JSON or CSV out.

The format comes from the content type or, failing that, from the bytes (a first non-blank character
``{`` means JSON Lines). A bad row (invalid JSON, no title or description, a bad date) becomes an error
entry with its line number; the other rows are still checked, so nothing is lost."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from kb.errors import BadRequest

TITLE_KEYS = ("title", "标题", "name", "product_title", "商品标题")
DESC_KEYS = ("description", "描述", "desc", "body", "details", "商品描述", "详情")
ID_KEYS = ("id", "sku", "listing_id", "编号")
MAX_FIELD_CHARS = 20_000


@dataclass
class ListingRow:
    line: int
    id: str | None
    title: str
    description: str
    lang: str | None = None
    as_of: date | None = None


@dataclass
class RowError:
    line: int
    id: str | None
    error: str


def sniff_format(data: bytes | str, content_type: str | None = None, filename: str | None = None) -> str:
    """``jsonl`` or ``csv``."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct in ("application/jsonl", "application/x-ndjson", "application/ndjson", "application/x-jsonlines", "application/json-lines", "application/json"):
        return "jsonl"
    if ct in ("text/csv", "application/csv", "text/comma-separated-values"):
        return "csv"
    name = (filename or "").lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    head = text.lstrip("\ufeff \t\r\n")[:1]
    return "jsonl" if head in ("{", "[") else "csv"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("gb18030")  # Chinese spreadsheets are often saved as GBK
        except UnicodeDecodeError:
            raise BadRequest(f"The upload is not UTF-8 text (byte {exc.start}).") from exc


def _pick(row: dict[str, Any], keys: Iterable[str]) -> Any:
    lower = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for k in keys:
        if k in lower and lower[k] not in (None, ""):
            return lower[k]
    return None


def _row(line: int, obj: Any) -> ListingRow | RowError:
    if not isinstance(obj, dict):
        return RowError(line, None, "a listing must be a JSON object with title and description")
    rid = _pick(obj, ID_KEYS)
    rid = None if rid is None else str(rid)
    title, desc = _pick(obj, TITLE_KEYS), _pick(obj, DESC_KEYS)
    if title is None and desc is None:
        return RowError(line, rid, "no title or description")
    if not isinstance(title or "", str) or not isinstance(desc or "", str):
        return RowError(line, rid, "title and description must be text")
    if len(title or "") > MAX_FIELD_CHARS or len(desc or "") > MAX_FIELD_CHARS:
        return RowError(line, rid, f"title or description longer than {MAX_FIELD_CHARS} characters")
    as_of = None
    raw_date = _pick(obj, ("as_of",))
    if raw_date:
        try:
            as_of = date.fromisoformat(str(raw_date))
        except ValueError:
            return RowError(line, rid, f"as_of {raw_date!r} is not a date (YYYY-MM-DD)")
    lang = _pick(obj, ("lang",))
    if lang is not None and lang not in ("zh", "en"):
        return RowError(line, rid, f"lang {lang!r} must be zh or en")
    return ListingRow(line, rid, title or "", desc or "", lang, as_of)


def parse_jsonl(text: str) -> Iterator[ListingRow | RowError]:
    stripped = text.strip()
    if stripped.startswith("["):  # a JSON array is accepted too
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise BadRequest(f"Invalid JSON array: {exc.msg} (line {exc.lineno}).") from exc
        for i, obj in enumerate(items, 1):
            yield _row(i, obj)
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RowError(n, None, f"invalid JSON: {exc.msg}")
            continue
        yield _row(n, obj)


def parse_csv(text: str) -> Iterator[ListingRow | RowError]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        fields = [str(f).strip().lower() for f in (reader.fieldnames or [])]
    except csv.Error as exc:  # the header row itself is malformed (a NUL byte, an unterminated quote …)
        raise BadRequest(f"Malformed CSV header: {exc}") from exc
    if not any(f in TITLE_KEYS or f in DESC_KEYS for f in fields):
        raise BadRequest("CSV needs a header row with a title and/or description column.", details={"columns": fields})
    try:
        for row in reader:
            line = reader.line_num
            if not any((v or "").strip() for k, v in row.items() if k is not None and isinstance(v, str)):
                continue
            yield _row(line, row)
    except csv.Error as exc:
        raise BadRequest(f"Malformed CSV at line {reader.line_num}: {exc}") from exc


def parse_listings(data: bytes | str, content_type: str | None = None, filename: str | None = None) -> list[ListingRow | RowError]:
    """Every row of an upload, in order; raises BadRequest only when the upload as a whole is unreadable."""
    text = decode(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise BadRequest("The upload is empty: send JSON Lines or CSV listings.")
    fmt = sniff_format(text, content_type, filename)
    rows = list(parse_jsonl(text) if fmt == "jsonl" else parse_csv(text))
    if not rows:
        raise BadRequest("No listings found in the upload.")
    return rows


def check_rows(checker: Any, rows: Iterable[ListingRow | RowError], *, as_of: date | None = None, lang: str | None = None) -> list[dict[str, Any]]:
    """One result per row: the check, or the row's error."""
    out: list[dict[str, Any]] = []
    for r in rows:
        if isinstance(r, RowError):
            out.append({"line": r.line, "id": r.id, "error": r.error})
            continue
        res = checker.check(r.title, r.description, lang=r.lang or lang, as_of=r.as_of or as_of)
        out.append({"line": r.line, "id": r.id, **res})
    return out


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    risk: dict[str, int] = {"none": 0, "low": 0, "medium": 0, "high": 0}
    cats: dict[str, int] = {}
    errors = 0
    for r in results:
        if "error" in r:
            errors += 1
            continue
        risk[r["overall_risk"]] += 1
        for f in r["findings"]:
            cats[f["category"]] = cats.get(f["category"], 0) + 1
    return {"listings": len(results), "errors": errors, "overall_risk": risk, "categories": cats}


CSV_COLUMNS = ("line", "id", "overall_risk", "findings", "categories", "spans", "articles", "suggestions", "as_of", "error")


def results_to_csv(results: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in results:
        if "error" in r:
            w.writerow({"line": r["line"], "id": r.get("id") or "", "error": r["error"]})
            continue
        fs = r["findings"]
        arts = []
        for f in fs:
            for c in f["citations"]:
                a = f"{c['title_zh']}{c['article']}"
                if a not in arts:
                    arts.append(a)
        w.writerow({
            "line": r["line"], "id": r.get("id") or "", "overall_risk": r["overall_risk"], "findings": len(fs),
            "categories": "; ".join(dict.fromkeys(f["category"] for f in fs)),
            "spans": "; ".join(f"{s['field']}:{s['text']}" for f in fs for s in f.get("spans") or [f["span"]]),
            "articles": "; ".join(arts),
            "suggestions": " | ".join(dict.fromkeys(f["suggestion"] for f in fs)),
            "as_of": r["as_of"], "error": "",
        })
    return buf.getvalue()
