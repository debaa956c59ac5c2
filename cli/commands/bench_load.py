"""`kb bench load`: a bounded load test on loopback against a real uvicorn over the current (full) index.

A mix of ask, search, article and listing requests from ``--concurrency`` concurrent clients for
``--duration`` seconds (and at most ``--max-requests``): error rate, p50/p95/p99 latency per kind and overall,
throughput, and the peak resident memory of the server (all its processes, sampled with psutil). Traffic
goes only to 127.0.0.1 and stops by itself. Prints figures; asserts nothing."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.app import bench_app
from kb.bench import GENERIC_QUESTIONS as QUESTIONS
from kb.bench import free_port, percentile

NAN = float("nan")  # a percentile of no requests

QUERIES = ("肖像权", "portrait rights", "虚假广告 处罚", "个人信息 单独同意", "face recognition", "电子商务平台 责任",
           "冒用他人身份", "trade secret", "人脸识别", "精神损害赔偿")
ARTICLE_CANDIDATES = (
    ("civil-code", "1019"), ("civil-code", "1018"), ("civil-code", "1024"), ("civil-code", "1012"), ("civil-code", "1034"),
    ("criminal-law", "253之一"), ("criminal-law", "266"), ("criminal-law", "280"), ("advertising-law", "28"),
    ("advertising-law", "55"), ("pipl", "26"), ("pipl", "29"), ("e-commerce-law", "38"), ("consumer-protection-law", "55"),
    ("anti-unfair-competition-law", "6"),
)
LISTINGS = (
    {"title": "超逼真硅胶人脸面具 明星同款 可过人脸识别", "description": "按照照片定制任何人的脸，以假乱真。"},
    {"title": "Realistic silicone mask, celebrity look-alike", "description": "Custom face from your photos, passes face ID."},
    {"title": "万圣节恐怖面具 成人款", "description": "乳胶材质，适合派对装扮。"},
)
DEFAULT_MIX = "ask=3,search=3,article=2,listing=1,laws=1"


class RssSampler(threading.Thread):
    """Peak RSS of a process tree (uvicorn master + workers), sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.peak = 0
        self.samples = 0
        self._halt = threading.Event()

    def current(self) -> int:
        import psutil

        total = 0
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, self.current())
            self.samples += 1
            self._halt.wait(0.2)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def _generations(results: list[tuple[str, int, float, float, str]], begin: float) -> list[dict[str, Any]]:
    """Per generation that answered: requests, and when (s after the load began) the first and last of them started."""
    out: dict[str, dict[str, Any]] = {}
    for _kind, _status, _s, at, gen in results:
        if not gen:
            continue
        row = out.setdefault(gen, {"generation": gen, "requests": 0, "first_s": at - begin, "last_s": at - begin})
        row["requests"] += 1
        row["first_s"], row["last_s"] = min(row["first_s"], at - begin), max(row["last_s"], at - begin)
    return sorted(out.values(), key=lambda r: r["first_s"])


def _some_articles(base: str, laws: int = 3, per_law: int = 5) -> list[tuple[str, str]]:
    import httpx

    out: list[tuple[str, str]] = []
    for law in httpx.get(f"{base}/v1/laws", params={"limit": laws}, timeout=60).json().get("laws", [])[:laws]:
        nodes = list(httpx.get(f"{base}/v1/laws/{law['law_id']}", timeout=60).json().get("structure", []))
        keys: list[str] = []
        while nodes and len(keys) < per_law:
            node = nodes.pop(0)
            keys += node.get("articles", [])
            nodes += node.get("children", [])
        out += [(law["law_id"], key) for key in keys[:per_law]]
    if not out:
        raise RuntimeError("the served index lists no article to request")
    return out


def _parse_mix(text: str) -> list[tuple[str, int]]:
    out = []
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in ("ask", "search", "article", "listing", "laws"):
            raise typer.BadParameter(f"unknown request kind {name!r}")
        out.append((name.strip(), int(weight or 1)))
    return out


def _request(kind: str, rng: random.Random, articles: list[tuple[str, str]]) -> tuple[str, str, dict[str, Any] | None]:
    if kind == "ask":
        return "POST", "/v1/ask", {"question": rng.choice(QUESTIONS)}
    if kind == "search":
        return "POST", "/v1/search", {"query": rng.choice(QUERIES), "k": 10}
    if kind == "article":
        law, key = rng.choice(articles)
        return "GET", f"/v1/laws/{law}/articles/{key}", None
    if kind == "listing":
        return "POST", "/v1/listings/check", rng.choice(LISTINGS)
    return "GET", "/v1/laws", None


class Publisher:
    """Publishes a new generation during the load: `kb ingest --force` over the served data dir, in a child process
    started with the load; the load runs until it has finished (and ``after`` seconds more), at most ``limit``."""

    def __init__(self, layer: str, after: float, limit: float) -> None:
        self.layer, self.after, self.limit = layer, after, limit
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = self.finished = NAN
        self.returncode: int | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "cli", "ingest", "--layer", self.layer, "--force", "--quiet"]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603

    def poll(self) -> bool:
        """True once the ingest has finished."""
        if self.proc is None:
            return True
        if self.returncode is None and self.proc.poll() is not None:
            self.returncode, self.finished = self.proc.returncode, time.monotonic()
        return self.returncode is not None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)


async def _run_load(base: str, *, duration: float, concurrency: int, max_requests: int, mix: list[tuple[str, int]],
                    articles: list[tuple[str, str]], timeout: float, seed: int, publisher: Publisher | None = None,
                    ) -> tuple[list[tuple[str, int, float, float, str]], float]:
    """(kind, status, seconds, started at (monotonic), generation that answered) per request, and the elapsed time."""
    import httpx

    kinds = [k for k, w in mix for _ in range(w)]
    results: list[tuple[str, int, float, float, str]] = []
    issued = 0
    begin = time.monotonic()
    deadline = begin + duration
    if publisher is not None:
        publisher.start()

        async def watch() -> None:
            nonlocal deadline
            while not publisher.poll() and time.monotonic() < begin + publisher.limit:
                deadline = max(deadline, time.monotonic() + publisher.after)
                await asyncio.sleep(0.5)
            deadline = min(max(deadline, time.monotonic() + publisher.after), begin + publisher.limit)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:

        async def worker(n: int) -> None:
            nonlocal issued
            rng = random.Random(seed * 1000 + n)
            while time.monotonic() < deadline and issued < max_requests:
                issued += 1
                kind = rng.choice(kinds)
                method, path, body = _request(kind, rng, articles)
                t0, at = time.perf_counter(), time.monotonic()
                generation = ""
                try:
                    response = await client.request(method, path, json=body)
                    status = response.status_code
                    generation = response.headers.get("x-kb-generation", "")
                except httpx.HTTPError:
                    status = -1
                results.append((kind, status, time.perf_counter() - t0, at, generation))

        started = time.monotonic()
        tasks = [worker(i) for i in range(concurrency)]
        if publisher is not None:
            tasks.append(watch())
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
    return results, elapsed


def _summarize(results: list[tuple[str, int, float, float, str]], elapsed: float) -> dict[str, Any]:
    by_kind: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for kind, status, seconds, _at, _gen in results:
        by_kind[kind].append((status, seconds))
        by_kind["all"].append((status, seconds))
    table: dict[str, Any] = {}
    for kind, rows in sorted(by_kind.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        lat = [s * 1000 for _, s in rows]
        errors = sum(1 for status, _ in rows if not 200 <= status < 300)
        statuses: dict[str, int] = defaultdict(int)
        for status, _ in rows:
            statuses[str(status)] += 1
        table[kind] = {
            "requests": len(rows), "errors": errors, "error_rate": errors / len(rows) if rows else 0.0,
            "p50_ms": percentile(lat, 50, empty=NAN), "p95_ms": percentile(lat, 95, empty=NAN), "p99_ms": percentile(lat, 99, empty=NAN),
            "throughput_rps": len(rows) / elapsed if elapsed else 0.0, "statuses": dict(statuses),
        }
    return table


@bench_app.command("load")
def bench_load(
    duration: Annotated[float, typer.Option(min=1, max=3600, help="Seconds of load.")] = 60.0,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="Concurrent clients.")] = 32,
    workers: Annotated[int | None, typer.Option(min=1, max=16, help="uvicorn worker processes (default KB_WORKERS, as `kb serve`).")] = None,
    max_requests: Annotated[int, typer.Option(min=1, help="Hard bound on requests sent.")] = 200_000,
    mix: Annotated[str, typer.Option(help="Request mix: kind=weight,… (ask, search, article, listing, laws).")] = DEFAULT_MIX,
    timeout: Annotated[float, typer.Option(help="Client timeout per request (s).")] = 60.0,
    keep_rate_limit: Annotated[bool, typer.Option(help="Keep the server's per-client rate limit (all traffic is one address).")] = False,
    seed: Annotated[int, typer.Option()] = 7,
    out: Annotated[Path | None, typer.Option(help="Also write the figures as JSON here.")] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish a new generation during the load (`kb ingest --force` "
                                                            "in a child process started with it); the load lasts until "
                                                            "it has switched and 10 s more.")] = False,
    publish_limit: Annotated[float, typer.Option(help="With --publish: longest the load may last (s).")] = 1800.0,
) -> None:
    """Load-test a real uvicorn on 127.0.0.1 over the current index and print latency, errors, throughput, peak RSS."""
    import httpx

    from kb.generations import current_generation
    from kb.settings import get_settings

    settings = get_settings()
    workers = workers or settings.workers
    generation = current_generation(settings)
    if generation is None:
        typer.echo("No index generation: run `kb ingest` first.", err=True)
        raise typer.Exit(2)
    publisher: Publisher | None = None
    if publish:
        from kb.generations import generation_dir, read_generation_manifest

        layer = str(read_generation_manifest(generation_dir(settings, generation)).get("layer", "raw"))
        publisher = Publisher(layer, after=10.0, limit=max(duration, publish_limit))
    weights = _parse_mix(mix)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, KB_LOG_LEVEL="WARNING", **settings.worker_env(workers))  # as `kb serve` runs them
    if not keep_rate_limit:
        env["KB_RATE_LIMIT_PER_MINUTE"] = "0"
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    log_path = settings.data_dir / f"bench-load-server-{port}.log"
    log_handle = log_path.open("wb")
    server = subprocess.Popen(cmd, env=env, stdout=log_handle, stderr=subprocess.STDOUT, start_new_session=True)
    sampler: RssSampler | None = None
    try:
        deadline = time.monotonic() + 600
        while True:  # the first /readyz opens the index (and loads the model) in the worker it reaches
            if server.poll() is not None:
                raise RuntimeError(f"server exited; see {log_path}")
            try:
                ready = httpx.get(base + "/readyz", timeout=60)
            except httpx.HTTPError:
                ready = None  # still starting
            if ready is not None and ready.status_code == 200:
                break
            if ready is not None and ready.json().get("error", {}).get("code") in ("index_unavailable", "index_corrupt"):
                typer.echo(f"The index cannot be served: {ready.json()['error']['message']} (re-run `kb ingest`).", err=True)
                raise typer.Exit(2)
            if time.monotonic() > deadline:
                raise RuntimeError("server not ready within 600 s")
            time.sleep(0.5)
        articles = [(law, key) for law, key in ARTICLE_CANDIDATES
                    if httpx.get(f"{base}/v1/laws/{law}/articles/{key}", timeout=30).status_code == 200]
        if not articles:  # a corpus without those laws: the articles of the first laws it lists
            articles = _some_articles(base)
        # Warm-up: every kind once per worker-ish, so model loading is not measured as latency.
        rng = random.Random(seed)
        for _ in range(max(4, workers * 4)):
            for kind, _w in weights:
                method, path, body = _request(kind, rng, articles)
                httpx.request(method, base + path, json=body, timeout=120)
        sampler = RssSampler(server.pid)
        rss_start = sampler.current()
        sampler.start()
        begin = time.monotonic()
        results, elapsed = asyncio.run(_run_load(base, duration=duration, concurrency=concurrency, max_requests=max_requests,
                                                 mix=weights, articles=articles, timeout=timeout, seed=seed, publisher=publisher))
        sampler.stop()
    finally:  # the server first: it must never outlive the bench
        if publisher is not None:
            publisher.stop()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log_handle.close()
        if sampler is not None:
            sampler.stop()

    table = _summarize(results, elapsed)
    served = _generations(results, begin)
    figures = {
        "generation": generation, "duration_s": round(elapsed, 2), "concurrency": concurrency, "workers": workers,
        "cpus": os.cpu_count(), "mix": mix, "rate_limit": keep_rate_limit, "chroma": settings.chroma_url or "embedded",
        "rss_start_mb": round(rss_start / 2**20, 1), "rss_peak_mb": round(sampler.peak / 2**20, 1) if sampler else None,
        "rss_samples": sampler.samples if sampler else 0, "articles_probed": len(articles), "by_kind": table,
        "generations": served,
    }
    if publisher is not None:
        figures["publish"] = {"layer": publisher.layer, "returncode": publisher.returncode,
                              "ingest_s": round(publisher.finished - publisher.started, 1),
                              "published_at_s": round(publisher.finished - begin, 1)}
    typer.echo(f"kb bench load — generation {generation}, {workers} worker(s), concurrency {concurrency}, "
               f"{elapsed:.1f} s on {os.cpu_count()} CPU(s), Chroma {figures['chroma']}, mix {mix}")
    typer.echo(f"{'kind':<9}{'requests':>9}{'errors':>8}{'err%':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for kind, row in table.items():
        typer.echo(f"{kind:<9}{row['requests']:>9}{row['errors']:>8}{100 * row['error_rate']:>6.2f}%"
                   f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['throughput_rps']:>8.1f}")
    typer.echo(f"server RSS: {figures['rss_start_mb']} MB at start, peak {figures['rss_peak_mb']} MB "
               f"(master + workers, {figures['rss_samples']} samples)")
    for row in served:
        typer.echo(f"generation {row['generation']}: {row['requests']} requests, started {row['first_s']:.1f}–{row['last_s']:.1f} s")
    if publisher is not None:
        pub = figures["publish"]
        typer.echo(f"published during the load: `kb ingest --layer {pub['layer']} --force` exit {pub['returncode']}, "
                   f"took {pub['ingest_s']} s, switched CURRENT at {pub['published_at_s']} s")
    bad = {k: v for k, v in table.get("all", {}).get("statuses", {}).items() if not k.startswith("2")}
    if bad:
        typer.echo(f"non-2xx statuses: {bad}")
    if out:
        out.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
