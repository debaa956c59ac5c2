"""`kb bench listings`: generate N synthetic listings (CSV or JSON Lines), run the batch check over them
in-process (the same parse → check path as POST /v1/listings/check-batch) and print listings/second."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.app import bench_app
from kb.errors import KBError
from kb.settings import get_settings


@bench_app.command("listings")
def bench_listings(
    n: Annotated[int, typer.Option("--n", min=1, help="Listings to generate.")] = 10_000,
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Keep the generated file here.")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    api: Annotated[bool, typer.Option("--api", help="Also post the file to POST /v1/listings/check-batch (in-process ASGI).")] = False,
) -> None:
    """Throughput of the listing check over generated listings (mixed zh/en, risky and clean)."""
    from kb.listings import ListingChecker
    from kb.listings.batch import check_rows, parse_listings, summary
    from kb.listings.names import find_people
    from kb.listings.open import open_store
    from kb.listings.synth import generate, to_csv, to_jsonl

    if fmt not in ("csv", "jsonl"):
        raise typer.BadParameter("--format must be csv or jsonl")
    rows = list(generate(n, seed=seed))
    text = to_csv(rows) if fmt == "csv" else to_jsonl(rows)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    try:
        checker = ListingChecker(open_store(get_settings()))
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    t0 = time.perf_counter()
    find_people("刘德华同款", checker.rules.names)  # load jieba's dictionary outside the timed part
    checker.check("warm-up 最佳", "", as_of=date.today())
    t_warm = time.perf_counter() - t0
    t1 = time.perf_counter()
    parsed = parse_listings(text.encode("utf-8"), "text/csv" if fmt == "csv" else "application/x-ndjson")
    t_parse = time.perf_counter() - t1
    results = check_rows(checker, parsed)
    elapsed = time.perf_counter() - t1
    s = summary(results)
    figures = {
        "listings": n, "format": fmt, "bytes": len(text.encode("utf-8")), "seconds": round(elapsed, 3),
        "parse_seconds": round(t_parse, 3), "warmup_seconds": round(t_warm, 3),
        "listings_per_second": round(n / elapsed, 1), "findings": sum(s["categories"].values()),
        "overall_risk": s["overall_risk"], "errors": s["errors"],
    }
    if api:
        figures.update(_bench_api(text, fmt, n))
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False))
        return
    typer.echo(f"{n} listings ({fmt}, {figures['bytes']} bytes) checked in {elapsed:.2f} s "
               f"(parse {t_parse:.2f} s): {figures['listings_per_second']} listings/second")
    typer.echo(f"risk {s['overall_risk']}, findings by category {s['categories']}, errors {s['errors']}")
    if api:
        typer.echo(f"API POST /v1/listings/check-batch: {figures['api_seconds']} s, {figures['api_listings_per_second']} listings/second "
                   f"(status {figures['api_status']})")


def _bench_api(text: str, fmt: str, n: int) -> dict:
    """One batch request through the real app (middleware, upload limits, JSON encoding), in-process."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    settings = get_settings()
    with TestClient(create_app(settings)) as client:
        client.post("/v1/listings/check", json={"title": "warm-up 最佳"})
        ctype = "text/csv" if fmt == "csv" else "application/x-ndjson"
        t0 = time.perf_counter()
        r = client.post("/v1/listings/check-batch", content=text.encode("utf-8"), headers={"content-type": ctype})
        elapsed = time.perf_counter() - t0
    return {"api_status": r.status_code, "api_seconds": round(elapsed, 3), "api_listings_per_second": round(n / elapsed, 1)}
