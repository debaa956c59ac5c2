"""`kb bench retrieval [--n N]`: p50/p95 latency and recall@10 of our retriever over the current index,
side by side with the stock LangChain pipeline on the same chunks and questions (figures only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.app import bench_app
from kb.errors import KBError
from kb.settings import get_settings


@bench_app.command("retrieval")
def bench_retrieval(
    n: Annotated[int, typer.Option("--n", min=1, help="STARD questions to sample.")] = 100,
    eval_dir: Annotated[Path | None, typer.Option("--eval-dir", help="Folder with stard/train.jsonl and mask-compliance.dev.jsonl.")] = None,
    langchain: Annotated[bool, typer.Option("--langchain/--no-langchain", help="Also run the stock LangChain pipeline.")] = True,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Latency and recall@10: ours vs LangChain EnsembleRetriever(BM25Retriever + Chroma)."""
    from kb.bench import bench_langchain, bench_ours, build_langchain, load_question_sets, report
    from kb.index import open_index

    settings = get_settings()
    folder = eval_dir or settings.eval_dir
    sets, memory_rows = load_question_sets(folder, n, seed)
    if not sets:
        typer.echo(f"error: no evaluation files under {folder}", err=True)
        raise typer.Exit(2)
    say = (lambda _m: None) if as_json else (lambda m: typer.echo(m, err=True))
    try:
        index = open_index(settings)
        stats = index.store.stats()
        info = {"generation": index.generation, "articles": stats["total"]["articles"], "chunks": stats["total"]["chunks"],
                "layers": sorted(stats["layers"])}
        if "national" not in stats["layers"]:
            say("WARNING: the current index lacks national/ (run `kb ingest --layer all`): figures are for raw/ only")
        ours = bench_ours(index, sets, memory_rows)
        theirs = None
        if langchain:
            ensemble, lc_info = build_langchain(index.store, settings.data_dir / "bench" / "langchain", say)
            info["langchain_build"] = lc_info
            theirs = bench_langchain(index, ensemble, sets)
    except KBError as exc:
        typer.echo(f"error ({exc.code}): {exc.message}", err=True)
        raise typer.Exit(2) from None
    out = report(ours, theirs, info)
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(f"index {info['generation']}: {info['articles']} articles, {info['chunks']} chunks, layers {', '.join(info['layers'])}")
    for name, m in out["ours"].items():
        lc = out.get("langchain", {}).get(name)
        line = f"{name:<32} ours recall@10 {m['recall@10']:.3f} p50 {m['p50_ms']:.0f} ms p95 {m['p95_ms']:.0f} ms"
        if lc:
            line += f" | langchain recall@10 {lc['recall@10']:.3f} p50 {lc['p50_ms']:.0f} ms p95 {lc['p95_ms']:.0f} ms"
        typer.echo(line)
    typer.echo(f"all queries: ours p50 {out['ours_all']['p50_ms']} ms, p95 {out['ours_all']['p95_ms']} ms")
    if "speed_ratio_p50" in out:
        typer.echo(f"langchain p50 {out['langchain_all']['p50_ms']} ms, p95 {out['langchain_all']['p95_ms']} ms; ours is {out['speed_ratio_p50']}x faster at p50")
