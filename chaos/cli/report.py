"""``chaosrun report JOURNAL...``: any journals, chaosrun's or the Chaos Toolkit's, as one
HTML page (side by side), Markdown, JUnit XML or a JSON verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EPILOG = (
    "Example: chaosrun report v1.json v2.json -o report.html\n\n"
    "Formats: html (self-contained, timelines side by side), markdown (a CI job summary), "
    "junit (a test suite per journal), json (one verdict object). Without -o the report goes "
    "to stdout. Exit 0 when written, whatever the runs' verdicts."
)


def report(
    journals: Annotated[list[Path], typer.Argument(help="Journal files (JSON).")],
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
    from chaos.report.render import render_journals, write_text

    text = render_journals(journals, fmt)
    target = output if output is not None else Path(STDOUT)
    try:
        write_text(target, text)
    except Exception as exc:
        fail(f"could not write the report to {target}: {why_not_written(exc)}.")
    if output is not None and not is_stdout(output):
        typer.echo(f"Report written to {output}", err=True)
