"""``chaosrun report JOURNAL...``: any journals, chaosrun's or the Chaos Toolkit's, or runs
from the history, as one HTML page (side by side), Markdown, JUnit XML or a JSON verdict."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from chaos.report.runs import RunView

EPILOG = (
    "Example: chaosrun report v1.json v2.json -o report.html\n\n"
    "A run stored in the history may be named by its id instead of a journal file "
    "(chaosrun report 1M988CH7TSW2B; `chaosrun history` lists the ids).\n\n"
    "Formats: html (self-contained, timelines side by side), markdown (a CI job summary), "
    "junit (a test suite per journal), json (one verdict object). Without -o the report goes "
    "to stdout. Exit 0 when written, whatever the runs' verdicts."
)


def _views(refs: list[str]) -> list[RunView]:
    """Journal files as they are; anything else is looked up in the history."""
    from chaos.experiment.journal import load_journal
    from chaos.report.runs import view_of

    views = []
    store = None
    try:
        for ref in refs:
            path = Path(ref)
            if path.exists() or ref.endswith(".json"):
                views.append(view_of(load_journal(path), path.name))
                continue
            from chaos.cli.history import open_history
            from chaos.history.lookup import find_run, journal_of

            store = store or open_history(None)
            row = find_run(ref, store, files=False)
            views.append(view_of(journal_of(row), f"{row.id}.json"))  # type: ignore[arg-type]
    finally:
        if store is not None:
            store.close()
    return views


def report(
    journals: Annotated[list[str], typer.Argument(help="Journal files (JSON) or stored run ids.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="html, markdown, junit or json.")
    ] = "html",
) -> None:
    """Render run journals as a report."""
    from chaos.cli.errors import fail
    from chaos.files import STDOUT, is_stdout, why_not_written
    from chaos.report.render import render, renderer, write_text

    renderer(fmt)  # a bad format is told before any journal is read
    text = render(_views(journals), fmt)
    target = output if output is not None else Path(STDOUT)
    try:
        write_text(target, text)
    except Exception as exc:
        fail(f"could not write the report to {target}: {why_not_written(exc)}.")
    if output is not None and not is_stdout(output):
        typer.echo(f"Report written to {output}", err=True)
