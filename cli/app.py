"""The `kb` command line: the typer app. Each verb lives in its own module under cli/commands/ and registers
itself on ``app``/``corpus_app``/``bench_app`` when imported."""

from __future__ import annotations

import os

# Nothing may download model weights at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import typer  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Likeness KB: bilingual statute knowledge base and cited Q&A.")
corpus_app = typer.Typer(no_args_is_help=True, help="The corpus manifest.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks that print figures.")
app.add_typer(corpus_app, name="corpus")
app.add_typer(bench_app, name="bench")


def _register() -> None:
    """Import the command modules; each decorates functions on ``app``/``corpus_app``/``bench_app``."""
    import importlib

    for name in ("corpus", "ingest", "browse", "search", "eval", "bench", "bench_api", "bench_listings", "bench_load", "ask", "serve", "check", "admin", "lineage"):
        importlib.import_module(f"cli.commands.{name}")


_register()


def main() -> None:
    app()
