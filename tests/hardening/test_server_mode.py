"""Server mode: a real `chroma run` server shared by two uvicorn workers; /readyz fails clearly while the
server is down and recovers by itself, without restarting the API, when it is back.

Uses KB_TEST_CHROMA_URL when CI provides a server, else starts one (scripts/chroma-server.sh); skips only when
no `chroma` executable exists. The outage test always uses a private server it may stop."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from kb.settings import Settings

from .conftest import ApiServer, ChromaServer, build_small_index, wait_http

pytestmark = pytest.mark.server

EN_QUERY = {"query": "using a forged identity to defraud", "k": 5, "lang": "en"}
ZH_QUERY = {"query": "商业秘密", "k": 5}


def search(url: str, payload: dict[str, Any]) -> httpx.Response:
    return httpx.post(url + "/v1/search", json=payload, timeout=120)


def hits(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.text
    return [(h["law"], h["article"]) for h in response.json()["hits"]]


def dense_used(response: httpx.Response) -> bool:
    return any(h.get("dense_score") is not None for h in response.json()["hits"])


def test_two_workers_share_a_chroma_server(chroma_server_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", chroma_url=chroma_server_url)
    report = build_small_index(settings)
    assert report.counts["vectors"] > 0  # the English text was embedded into the server
    api = ApiServer(settings, workers=2)
    try:
        workers = [p for p in psutil.Process(api.proc.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2, [p.cmdline() for p in psutil.Process(api.proc.pid).children()]
        ready = wait_http(api.url + "/readyz", timeout=120).json()
        assert ready["backend"] == "chroma-server" and ready["generation"] == report.generation
        assert ready["vectors"] == report.counts["vectors"]
        # Many requests over fresh connections land on both workers; every one answers the same.
        results = {tuple(hits(search(api.url, EN_QUERY))) for _ in range(12)}
        assert len(results) == 1 and next(iter(results)), results
        zh = hits(search(api.url, ZH_QUERY))
        assert zh[0] in {("anti-unfair-competition-law", "9"), ("anti-unfair-competition-law", "32")}
    finally:
        api.stop()


def test_chroma_outage_gives_503_then_recovers_without_restart(own_chroma_server: ChromaServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", chroma_url=own_chroma_server.url)
    build_small_index(settings)
    api = ApiServer(settings, workers=2)
    statuses: list[int] = []
    ready_statuses: list[int] = []
    stop = threading.Event()
    traffic_saw_outage = threading.Event()
    recovered = threading.Event()  # the main thread has seen both workers answer with the vectors again
    traffic_saw_recovery = threading.Event()

    def traffic() -> None:  # bounded background load on loopback while the server goes down and up
        with httpx.Client(timeout=30) as client:
            for _ in range(5000):
                if stop.is_set():
                    return
                try:
                    round_trip = [client.post(api.url + "/v1/search", json=EN_QUERY).status_code,
                                  client.post(api.url + "/v1/ask", json={"question": EN_QUERY["query"]}).status_code]
                    statuses.extend(round_trip)
                    ready_statuses.append(client.get(api.url + "/readyz").status_code)
                    if ready_statuses[-1] == 503:
                        traffic_saw_outage.set()
                    if recovered.is_set() and set(round_trip) == {200} and ready_statuses[-1] == 200:
                        traffic_saw_recovery.set()
                except httpx.HTTPError:
                    statuses.append(-1)
                time.sleep(0.05)

    try:
        wait_http(api.url + "/readyz", timeout=120)
        first = search(api.url, EN_QUERY)
        baseline = hits(first)
        assert dense_used(first), "the English query uses the vectors on the Chroma server"
        worker_pids = {p.pid for p in psutil.Process(api.proc.pid).children(recursive=True)}
        thread = threading.Thread(target=traffic, daemon=True)
        thread.start()

        own_chroma_server.stop()
        down = wait_http(api.url + "/readyz", ok=(503,), timeout=60)
        error = down.json()["error"]
        assert error["code"] == "backend_unavailable"
        assert error["details"] == {"backend": "chroma-server", "component": "vectors"}
        assert "chroma" in error["message"].lower()
        # A question not answered before the outage (a result cached from before it may still be served) either
        # refuses (503 backend_unavailable) or degrades to lexical-only: never dense hits, never a 500.
        outage = search(api.url, {**EN_QUERY, "k": 6})
        if outage.status_code == 503:
            assert outage.json()["error"]["code"] == "backend_unavailable", outage.text
        else:
            assert outage.status_code == 200 and not dense_used(outage), outage.text[:500]
            assert outage.json()["degraded"] == ["dense"], "a lexical-only answer says so"
        assert httpx.get(api.url + "/healthz", timeout=5).status_code == 200  # alive, just not ready
        # keep the server down until the background traffic has met the outage too (its requests are slower)
        assert traffic_saw_outage.wait(timeout=60), "the background traffic never saw /readyz report the outage"

        own_chroma_server.start()  # same port, same data
        wait_http(api.url + "/readyz", timeout=120)
        for _ in range(6):  # both workers answer again, with the vectors
            again = search(api.url, EN_QUERY)
            assert hits(again) == baseline and dense_used(again) and again.json()["degraded"] == []
        # the same processes served before and after: nothing was restarted
        assert {p.pid for p in psutil.Process(api.proc.pid).children(recursive=True)} == worker_pids
        recovered.set()
        assert traffic_saw_recovery.wait(timeout=60), "the background traffic never got a full answer after recovery"
        stop.set()
        thread.join(timeout=60)
    finally:
        stop.set()
        api.stop()

    seen = set(statuses)
    assert seen <= {200, 503}, f"only 200 or 503 under an outage, got {sorted(seen)}"
    assert set(ready_statuses) == {200, 503}  # and traffic_saw_recovery: the traffic ended on full answers
