"""The `kb` command line. Each verb lives in its own module under kb/cli_cmds/ and registers itself here."""

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
    """Import the command modules; each decorates functions on ``app``/``corpus_app``/``bench_app``.

    A module that does not exist yet is skipped so the CLI keeps working while verbs are added."""
    import importlib

    for name in ("corpus", "ingest", "browse", "search", "eval", "bench", "bench_api", "bench_listings", "bench_load", "ask", "serve", "check", "admin", "lineage"):
        try:
            importlib.import_module(f"kb.cli_cmds.{name}")
        except ModuleNotFoundError as exc:  # only a missing verb module is tolerated
            if exc.name != f"kb.cli_cmds.{name}":
                raise


_register()


def main() -> None:
    app()
