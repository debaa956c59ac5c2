"""`kb bench api`: a real uvicorn on loopback over the current (full) index; /v1/ask latency p50/p95/p99 and
throughput at concurrency 1, 8 and 32, with bounded request counts. In the same run (unless ``--no-stock``) a stock
FastAPI endpoint over the same corpus (``api.stock``: LangChain EnsembleRetriever of BM25Retriever and Chroma + a
stuff-documents prompt, no LLM) gets the same questions at the same levels; the table shows both side by side and
the ratio. Both servers run side by side and each level is measured on ours then on the stock endpoint, so on a
shared machine both meet the same load. Prints figures; asserts nothing."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from cli.app import bench_app
from kb.bench import GENERIC_QUESTIONS as QUESTIONS
from kb.bench import free_port, percentile
from kb.evaluation import load_rows

NAN = float("nan")  # a percentile of no requests
OURS_APP, OURS_PATH, OURS_READY = "api.app:create_app", "/v1/ask", "/v1/models"
STOCK_APP, STOCK_PATH, STOCK_READY = "api.stock:create_stock_app", "/ask", "/healthz"


def start_server(port: int, workers: int = 1, app: str = OURS_APP) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]
    from kb.settings import get_settings

    env = {**os.environ, **get_settings().worker_env(workers)}  # as `kb serve` runs them
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)
    if proc.stderr:
        proc.stderr.close()


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 300.0, path: str = OURS_READY) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace')[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"{base}{path}", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not become ready")


def evaluation_questions(eval_dir: Path, seed: int = 0) -> list[str]:
    """The questions of the evaluation sets (the shared compliance and STARD sets, and the repository's evalsets/),
    each once, shuffled: a measured run that repeats no question measures work, not the result cache."""
    files = sorted(eval_dir.glob("**/*.jsonl")) + sorted((Path(__file__).resolve().parents[2] / "evalsets").glob("*.jsonl"))
    seen: dict[str, None] = {}
    for path in files:
        for row in load_rows(path):
            q = row.get("question")
            if isinstance(q, str) and q.strip() and q not in QUESTIONS:
                seen.setdefault(q.strip(), None)
    out = list(seen)
    random.Random(seed).shuffle(out)
    return out


def run_level(base: str, concurrency: int, requests: int, questions: Sequence[str], path: str = OURS_PATH) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    with httpx.Client(base_url=base, timeout=120.0, limits=httpx.Limits(max_connections=concurrency + 4)) as client:

        def one(i: int) -> tuple[float, bool]:
            t0 = time.perf_counter()
            r = client.post(path, json={"question": questions[i % len(questions)]})
            return time.perf_counter() - t0, r.status_code == 200

        t_start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for dt, ok in pool.map(one, range(requests)):
                latencies.append(dt)
                errors += 0 if ok else 1
        wall = time.perf_counter() - t_start
    return {
        "concurrency": concurrency, "requests": requests, "errors": errors,
        "p50_ms": 1000 * percentile(latencies, 50, empty=NAN), "p95_ms": 1000 * percentile(latencies, 95, empty=NAN),
        "p99_ms": 1000 * percentile(latencies, 99, empty=NAN), "mean_ms": 1000 * statistics.fmean(latencies),
        "rps": requests / wall if wall else float("nan"),
    }


def warm_up(base: str, path: str) -> None:
    """A few generic questions first: open the index, load the models, fill no measured figure."""
    import httpx

    for q in QUESTIONS[:8]:
        httpx.post(f"{base}{path}", json={"question": q}, timeout=300.0)


def level_slices(levels: Sequence[int], requests_per_level: int, pool: Sequence[str]) -> tuple[list[tuple[int, int, Sequence[str]]], int]:
    """(concurrency, requests, questions) per level, each level on its own slice of ``pool`` (a question is asked once
    while the pool lasts), and how many questions that uses."""
    out = []
    used = 0
    for c in levels:
        n = max(requests_per_level if c > 1 else min(requests_per_level, 32), 2 * c)
        out.append((c, n, pool[used:used + n] if used + n <= len(pool) else pool))
        used += n
    return out, used


def ratios(ours: dict[str, float], stock: dict[str, float]) -> dict[str, float]:
    """How many times better ours is: stock ÷ ours for latency, ours ÷ stock for throughput (> 1: ours is better)."""
    def div(a: float, b: float) -> float:
        return a / b if b and b == b and a == a else NAN

    return {"p50": div(stock["p50_ms"], ours["p50_ms"]), "p95": div(stock["p95_ms"], ours["p95_ms"]),
            "rps": div(ours["rps"], stock["rps"])}


def _finite(figures: dict[str, float]) -> dict[str, float | None]:
    """A level's figures for JSON: a percentile of no requests (NaN) becomes null."""
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in figures.items()}


def format_table(ours: Sequence[dict[str, float]], stock: Sequence[dict[str, float]] | None) -> list[str]:
    """Ours (and the stock endpoint's figures at the same level, and the ratio) on one line per concurrency level."""
    head = f"{'conc':>5} {'reqs':>5} {'err':>4} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'mean ms':>9} {'req/s':>8}"
    if stock is None:
        return [head] + [
            f"{r['concurrency']:>5} {r['requests']:>5} {r['errors']:>4} {r['p50_ms']:>9.1f} {r['p95_ms']:>9.1f} "
            f"{r['p99_ms']:>9.1f} {r['mean_ms']:>9.1f} {r['rps']:>8.2f}" for r in ours
        ]
    lines = [f"{'ours: /v1/ask':-^65} | {'stock LangChain: /ask':-^43} | {'ours better by ×':-^20}",
             head + f" | {'err':>4} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'req/s':>8} | {'p50':>6} {'p95':>6} {'req/s':>6}"]
    for r, s in zip(ours, stock, strict=True):
        x = ratios(r, s)
        lines.append(
            f"{r['concurrency']:>5} {r['requests']:>5} {r['errors']:>4} {r['p50_ms']:>9.1f} {r['p95_ms']:>9.1f} "
            f"{r['p99_ms']:>9.1f} {r['mean_ms']:>9.1f} {r['rps']:>8.2f} | {s['errors']:>4} {s['p50_ms']:>9.1f} "
            f"{s['p95_ms']:>9.1f} {s['p99_ms']:>9.1f} {s['rps']:>8.2f} | {x['p50']:>6.1f} {x['p95']:>6.1f} {x['rps']:>6.1f}"
        )
    return lines


@bench_app.command("api")
def bench_api(
    requests_per_level: Annotated[int, typer.Option("--requests", help="Requests per concurrency level (bounded: ≥ 2× concurrency is used).")] = 64,
    levels: Annotated[str, typer.Option(help="Comma-separated concurrency levels.")] = "1,8,32",
    workers: Annotated[int, typer.Option(help="uvicorn worker processes (of ours and of the stock endpoint).")] = 1,
    base_url: Annotated[str, typer.Option(help="Benchmark an already running server instead of starting one.")] = "",
    generic: Annotated[bool, typer.Option("--generic", help="Ask the built-in generic questions (they repeat, so the "
                                                            "result cache answers most) instead of the evaluation sets' questions, "
                                                            "each asked once.")] = False,
    stock: Annotated[bool, typer.Option("--stock/--no-stock", help="Also start the stock LangChain endpoint (api.stock) "
                                                                   "over the local index (KB_DATA_DIR) and ask it the same "
                                                                   "questions.")] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON (per level: ours, the stock "
                                                          "endpoint's and the ratio) instead of the table.")] = False,
) -> None:
    """Latency and throughput of /v1/ask against a real uvicorn on loopback, beside a stock LangChain endpoint."""
    from kb.settings import get_settings

    pool = list(QUESTIONS) if generic else evaluation_questions(get_settings().eval_dir)
    if not pool:
        typer.echo("no evaluation questions found (KB_EVAL_DIR); asking the generic ones", err=True)
        pool = list(QUESTIONS)
    conc = [int(x) for x in levels.split(",") if x.strip()]
    base = base_url.rstrip("/")
    stock_base = ""
    procs: list[subprocess.Popen] = []
    rows: list[dict[str, float]] = []
    stock_rows: list[dict[str, float]] | None = [] if stock else None
    slices, used = level_slices(conc, requests_per_level, pool)
    try:
        if not base:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            procs.append(start_server(port, workers))
            ours_proc: subprocess.Popen | None = procs[-1]
        else:
            ours_proc = None
        if stock:
            port = free_port()
            stock_base = f"http://127.0.0.1:{port}"
            typer.echo("starting the stock LangChain endpoint (BM25Retriever + Chroma over the index's chunks) …", err=True)
            t0 = time.perf_counter()
            procs.append(start_server(port, workers, STOCK_APP))
        if ours_proc is not None:
            wait_ready(base, ours_proc)
        warm_up(base, OURS_PATH)
        if stock:
            wait_ready(stock_base, procs[-1], timeout=3600.0, path=STOCK_READY)
            typer.echo(f"stock endpoint ready in {time.perf_counter() - t0:.0f} s", err=True)
            warm_up(stock_base, STOCK_PATH)
        # Level by level, ours then the stock endpoint on the same questions: on a shared machine both see the same load.
        for c, n, asked in slices:
            rows.append(run_level(base, c, n, asked, OURS_PATH))
            if stock_rows is not None:
                stock_rows.append(run_level(stock_base, c, n, asked, STOCK_PATH))
    finally:
        for proc in procs:
            stop_server(proc)
    kind = ("generic questions, repeated" if generic else f"{used} evaluation-set questions, none repeated"
            if used <= len(pool) else "evaluation-set questions, some repeated")
    if json_out:
        levels_out = []
        for i, r in enumerate(rows):
            level: dict[str, object] = {"concurrency": r["concurrency"], "ours": _finite(r)}
            if stock_rows is not None:
                level["stock"] = _finite(stock_rows[i])
                level["ours_better_by"] = _finite(ratios(r, stock_rows[i]))
            levels_out.append(level)
        typer.echo(json.dumps({"workers": workers, "questions": kind, "levels": levels_out}, indent=2, allow_nan=False))
        return
    typer.echo(f"/v1/ask on {base} (workers={workers}; {kind})"
               + (f"; stock LangChain /ask on {stock_base}, the same questions" if stock_rows is not None else ""))
    for line in format_table(rows, stock_rows):
        typer.echo(line)
