"""`kb eval FILE.jsonl [--json] [--k K]`: retrieval (and answer / listing) metrics on an evaluation file;
the format (compliance, STARD, listings) is recognised by its fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.app import app
from kb.errors import KBError
from kb.settings import get_settings

_SUMMARY_KEYS = (
    "must_recall@5", "must_recall@10", "hit@5", "mrr@10", "refusal_accuracy", "refusal_threshold",
    "recall@10", "recall@100", "latency_ms_p50", "latency_ms_p95",
)


def _print_human(out: dict[str, Any]) -> None:
    typer.echo(f"{out.get('file', '')}: {out['format']}, {out.get('questions', '?')} questions")
    if out.get("warning"):
        typer.echo(f"WARNING: {out['warning']}")
    for key, value in out.items():
        if key in ("file", "format", "questions", "warning", "per_question") or isinstance(value, list | dict):
            continue
        typer.echo(f"  {key:<28} {value}")
    for name, got in out.get("ablation", {}).items():
        deltas = ", ".join(f"{m} {v} ({v - out[m]:+.3f})" for m, v in got.items() if isinstance(out.get(m), float) and "latency" not in m)
        typer.echo(f"  without {name:<10} {deltas}")
    for item in out.get("per_question", []):
        flag = "REFUSED" if item["refused"] else "answered"
        ranks = item.get("must_ranks")
        typer.echo(f"  - {item['id']}: evidence {item['evidence']:.2f} {flag}" + (f", must ranks {ranks}" if ranks is not None else "") + f"; top: {'; '.join(item['top'][:2])}")


@app.command("eval")
def eval_cmd(
    file: Annotated[Path, typer.Argument(help="A JSON Lines evaluation file (compliance, STARD or listings format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    k: Annotated[int | None, typer.Option("--k", help="Articles retrieved per question (default 10 compliance, 100 STARD).")] = None,
    ablate: Annotated[list[str] | None, typer.Option("--ablate", help="Also measure with this retrieval channel off "
                                                      "(repeatable; 'each' = every channel in turn) and print the difference.")] = None,
) -> None:
    """Measure the current index on an evaluation file."""
    from kb.evaluation import evaluate_file
    from kb.index import open_index
    from kb.retrieval import CHANNELS

    if not file.is_file():
        typer.echo(f"error: no such file: {file}", err=True)
        raise typer.Exit(2)
    try:
        settings = get_settings()
        index = open_index(settings)
        out = evaluate_file(index, file, k=k)
        if ablate:
            names = sorted(CHANNELS) if "each" in ablate else ablate
            out["ablation"] = {}
            for name in names:
                off = settings.model_copy(update={"retrieval_off": ",".join([*settings.off_channels(), name])})
                abl = open_index(off)
                try:
                    got = evaluate_file(abl, file, k=k)
                finally:
                    abl.close()
                out["ablation"][name] = {m: got.get(m) for m in _SUMMARY_KEYS if isinstance(got.get(m), float)}
                out["ablation"][name].update({m: v for m, v in got.items() if m.startswith("must_recall@5_")})
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, default=str))
    else:
        _print_human(out)
