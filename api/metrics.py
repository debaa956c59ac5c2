"""Prometheus metrics: request counts and latency by route template and status, index generation and size.

Routes are labelled by their template (``/v1/laws/{law_id}``), never the raw path, so label cardinality stays
bounded whatever clients send. Metrics are per worker process (scrape each worker, or aggregate upstream)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

disable_created_metrics()  # the *_created series only add noise to a scrape

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "kb_http_requests_total", "HTTP requests by method, route template and status.",
    ["method", "route", "status"], registry=REGISTRY,
)
LATENCY = Histogram(
    "kb_http_request_duration_seconds", "HTTP request latency by method and route template.",
    ["method", "route"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
IN_FLIGHT = Gauge("kb_http_requests_in_flight", "Requests being served now.", registry=REGISTRY)
REJECTED = Counter(
    "kb_http_rejected_total", "Requests refused by the limits (auth, rate, size, timeout).",
    ["reason"], registry=REGISTRY,
)
INDEX_READY = Gauge("kb_index_ready", "1 when the current index generation is open and its backends answer.", registry=REGISTRY)
INDEX_GENERATION = Gauge("kb_index_generation_info", "The index generation being served (label), value 1.", ["generation"], registry=REGISTRY)
INDEX_ARTICLES = Gauge("kb_index_articles", "Articles in the served generation, by layer.", ["layer"], registry=REGISTRY)

router = APIRouter(tags=["operations"])

# Filled by api.routes.health (which knows how to look at the index) to avoid an import cycle.
index_facts_provider: Callable[[Request], dict[str, Any]] | None = None


def route_label(scope: MutableMapping[str, Any]) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def _refresh_index_gauges(request: Request) -> None:
    if index_facts_provider is None:
        return
    try:
        facts = index_facts_provider(request)
    except Exception:  # a scrape must never fail because the index is down
        facts = {"ready": False}
    INDEX_READY.set(1 if facts.get("ready") else 0)
    generation = facts.get("generation")
    INDEX_GENERATION.clear()
    if generation:
        INDEX_GENERATION.labels(str(generation)).set(1)
    articles = facts.get("articles")
    if isinstance(articles, dict):
        INDEX_ARTICLES.clear()
        for layer, count in articles.items():
            if isinstance(count, (int, float)):
                INDEX_ARTICLES.labels(str(layer)).set(count)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    _refresh_index_gauges(request)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
