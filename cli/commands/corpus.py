"""`kb corpus …`: check and list the corpus manifest (facts about the statute files, not the texts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import corpus_app


@corpus_app.command("verify")
def verify_cmd(
    corpus_root: Annotated[Path | None, typer.Option(help="Corpus root (default: KB_CORPUS_ROOT).")] = None,
    manifest: Annotated[Path | None, typer.Option(help="Manifest file (default: KB_MANIFEST_PATH).")] = None,
    list_duplicates: Annotated[
        bool, typer.Option("--list-duplicates", help="Also list national/ files the ingest skips.")
    ] = False,
) -> None:
    """Check every manifest file (presence, size, sha256), raw/ coverage, the national/ rule and the vector seed
    (corpus/vectors: sha256, layout, count); exit 1 on problems."""
    from ingest.manifest import ManifestError, load_manifest, verify
    from kb.settings import get_settings
    from kb.vector_seed import verify_seed

    try:
        man = load_manifest(manifest) if manifest else None
    except ManifestError as exc:
        typer.echo(f"PROBLEM: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    report = verify(corpus_root, man)
    typer.echo(report.render())
    if list_duplicates:
        for p in report.national_duplicates_of_raw + report.national_duplicates_within:
            typer.echo(f"  skipped (duplicate): {p}")
    seed_lines, seed_problems = verify_seed(get_settings().vector_seed_dir)
    for line in seed_lines:
        typer.echo(line)
    for problem in seed_problems:
        typer.echo(f"PROBLEM: {problem}")
    if not report.ok or seed_problems:
        raise typer.Exit(1)


@corpus_app.command("laws")
def laws_cmd(
    manifest: Annotated[Path | None, typer.Option(help="Manifest file (default: KB_MANIFEST_PATH).")] = None,
) -> None:
    """List the raw/ laws, their versions (effective ranges) and the files the ingest indexes."""
    from ingest.manifest import ManifestError, load_manifest

    try:
        man = load_manifest(manifest)
    except ManifestError as exc:
        typer.echo(f"PROBLEM: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    for law in man.laws():
        typer.echo(
            f"{law.law_id}  {law.title_zh} — {law.title_en}  [{law.instrument}; {', '.join(law.short_names)}]"
        )
        for v in law.versions:
            to = v.effective_to.isoformat() if v.effective_to else "…"
            tag = "" if v.official else " (unofficial, not indexed)"
            typer.echo(f"    {v.version_id}  {v.effective_from} → {to}  {v.status}{tag}  {v.label}")
            for f in v.files:
                typer.echo(
                    f"        {'*' if f.index else ' '} {f.role:<13} {f.language} {f.format:<4} {f.path}"
                )


@corpus_app.command("legal-dict")
def legal_dict_cmd(
    out: Annotated[
        Path | None, typer.Option(help="Output file (default: corpus/legal_dict.txt beside the manifest).")
    ] = None,
    corpus_root: Annotated[
        Path | None, typer.Option(help="Corpus root to mine (default: KB_CORPUS_ROOT).")
    ] = None,
) -> None:
    """Rebuild the jieba user dictionary from the glossary, the manifest and terms mined from the corpus."""
    from ingest.legal_dict import write_legal_dict
    from ingest.manifest import load_manifest
    from kb.glossary import load_glossary
    from kb.settings import get_settings

    settings = get_settings()
    target = out or settings.manifest_path.parent / "legal_dict.txt"
    n = write_legal_dict(target, load_glossary(), load_manifest(), corpus_root or settings.corpus_root)
    typer.echo(f"wrote {n} entries to {target}")


@corpus_app.command("expand")
def expand_cmd(query: Annotated[str, typer.Argument(help="A question, English or Chinese.")]) -> None:
    """Show what the glossary adds to a question (concepts, legal Chinese and English terms)."""
    from kb.glossary import load_glossary

    e = load_glossary().expand(query)
    typer.echo(f"concepts : {', '.join(e.concepts) or '-'}")
    typer.echo(f"matched  : {', '.join(e.matched) or '-'}")
    typer.echo(f"terms_zh : {' '.join(e.terms_zh) or '-'}")
    typer.echo(f"terms_en : {'; '.join(e.terms_en) or '-'}")
    typer.echo(f"topics   : {', '.join(sorted(e.topics)) or '-'}")
    if e.out_of_corpus:
        typer.echo(f"outside the corpus: {', '.join(e.out_of_corpus)}")
