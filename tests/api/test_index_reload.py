"""The app opens the CURRENT generation once and reuses it, and picks up a new generation (a finished
ingest) without a restart: opened aside while the previous one keeps answering, then swapped."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from ingest.pipeline import run_ingest
from tests.api.conftest import assert_envelope
from tests.conftest import make_small_corpus


def test_new_generation_is_served_without_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = make_small_corpus(tmp_path / "a", ("spc-mental-damages-interpretation",), data_dir=data)
    app = create_app(first)
    with TestClient(app) as c:
        assert_envelope(c.get("/v1/laws"), 503, "index_unavailable")  # nothing built yet: refuse, don't guess
        assert_envelope(c.post("/v1/ask", json={"question": "肖像权"}), 503, "index_unavailable")
        assert c.get("/v1/models").status_code == 200  # chat clients can still list models and get a 404 for a bad one
        assert_envelope(c.post("/v1/chat/completions", json={"model": "nope", "messages": [{"role": "user", "content": "q"}]}), 404)
        run_ingest(first, layer="raw")
        laws = {x["law_id"] for x in c.get("/v1/laws").json()["laws"]}
        assert laws == {"spc-mental-damages-interpretation"}
        holder = app.state.index_holder
        opened, gen1 = holder.get(), holder.generation
        c.get("/v1/laws/spc-mental-damages-interpretation")
        assert holder.get() is opened  # reused, not reopened per request

        assert c.get("/v1/laws").headers["x-kb-generation"] == gen1

        second = make_small_corpus(tmp_path / "b", ("spc-mental-damages-interpretation", "spc-online-personal-rights-interpretation"), data_dir=data)
        gen2 = run_ingest(second, layer="raw").generation
        # Until the new generation is open and warm, requests are answered wholly from the old one; then from the new.
        seen: list[tuple[str, frozenset[str]]] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            r = c.get("/v1/laws")
            seen.append((r.headers["x-kb-generation"], frozenset(x["law_id"] for x in r.json()["laws"])))
            if seen[-1][0] == gen2:
                break
            time.sleep(0.05)
        assert seen[-1] == (gen2, frozenset({"spc-mental-damages-interpretation", "spc-online-personal-rights-interpretation"}))
        assert all(s == (gen1, frozenset({"spc-mental-damages-interpretation"})) for s in seen[:-1])
        assert holder.generation == gen2
        assert c.get("/readyz").json()["generation"] == gen2


def test_a_worker_opens_its_index_and_loads_the_model_when_it_starts(tmp_path: Path) -> None:
    """The first request does not pay for opening the index and loading the embedding model: the app's startup
    does it in the background (settings.warm_start); switched off, nothing is opened before a request."""
    import time

    data = tmp_path / "data"
    settings = make_small_corpus(tmp_path / "a", ("spc-mental-damages-interpretation",), data_dir=data)
    run_ingest(settings, layer="raw")
    app = create_app(settings)
    with TestClient(app):
        holder = app.state.index_holder
        deadline = time.monotonic() + 60
        while holder.generation is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert holder.generation is not None  # opened without any request
        deadline = time.monotonic() + 60
        while not holder.get().retriever._qvecs and time.monotonic() < deadline:
            time.sleep(0.05)
        assert holder.get().retriever._qvecs  # a question was embedded: the model is loaded

    cold = create_app(settings.model_copy(update={"warm_start": False}))
    with TestClient(cold):
        time.sleep(0.2)
        assert cold.state.index_holder.generation is None
