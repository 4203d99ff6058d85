"""``chaosrun history``: the stored runs as a table, JSON or CSV; ``history show ID`` prints
a run's journal; ``history import JOURNAL...`` stores journals written earlier."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chaos.cli.errors import handles_errors
from chaos.errors import BadInput

if TYPE_CHECKING:
    from chaos.history import HistoryStore, RunRow

EPILOG = (
    "Every run is stored at its end: SQLite in chaosrun's state directory unless "
    "CHAOSRUN_HISTORY or --history names another file or a postgresql://user@host/db URL. "
    "Example: chaosrun history --label version=v2 --since 7d --format json. "
    "Exit codes: 0 listed, 2 bad input (an unknown id, a store that cannot be read)."
)
FORMATS = ("table", "json", "csv")

Store = Annotated[
    str | None,
    typer.Option(
        "--history",
        help="The store: a SQLite file or a postgresql:// URL "
        "(default: $CHAOSRUN_HISTORY, else history.db in the state directory).",
        show_default=False,
    ),
]

app = typer.Typer(
    help="The stored runs: newest first.",
    epilog=EPILOG,
    invoke_without_command=True,
    no_args_is_help=False,
)


def open_history(url: str | None, create: bool = False) -> HistoryStore:
    from chaos.history import HistoryOptions, open_store

    return open_store(HistoryOptions(url).resolved_url(), create)


def _number(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.1f}{unit}"


def _table(rows: list[RunRow]) -> str:
    header = (
        "id",
        "started",
        "title",
        "status",
        "score",
        "availability",
        "p99",
        "outage",
        "labels",
    )
    lines = [header]
    for row in rows:
        lines.append(
            (
                row.id,
                row.started[:19].replace("T", " "),
                row.title[:40],
                "deviated" if row.deviated else row.status,
                _number(row.score),
                _number(row.availability, "%"),
                _number(row.p99, "ms"),
                _number(row.outage, "s"),
                " ".join(f"{k}={v}" for k, v in sorted(row.labels.items())),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _csv(rows: list[RunRow]) -> str:
    import csv
    import io

    from chaos.history.row import FIELDS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIELDS, "labels"])
    for row in rows:
        labels = ";".join(f"{k}={v}" for k, v in sorted(row.labels.items()))
        writer.writerow([*("" if v is None else v for v in row.values()), labels])
    return out.getvalue()


@app.callback()
@handles_errors
def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most N runs.")] = 20,
    label: Annotated[
        list[str] | None,
        typer.Option("--label", help="Only runs with this key=value label (repeatable)."),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Only runs whose title contains TEXT.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only runs started since: 7d, 12h, a date.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    store_url: Store = None,
) -> None:
    """The stored runs, newest first (`history show ID`, `history import JOURNAL...`)."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from chaos.history import RunQuery, parse_label
    from chaos.history.lookup import since_iso

    if fmt not in FORMATS:
        raise BadInput(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r}).")
    query = RunQuery(
        limit=limit,
        labels=tuple(parse_label(text) for text in label or ()),
        title=title,
        since=since_iso(since) if since else None,
    )
    store = open_history(store_url)
    try:
        rows = store.runs(query)
    finally:
        store.close()
    if fmt == "json":
        typer.echo(json.dumps([row.to_json() for row in rows], indent=2))
    elif fmt == "csv":
        typer.echo(_csv(rows), nl=False)
    elif rows:
        typer.echo(_table(rows))
    else:
        typer.echo(f"No stored runs match (store: {store.where}).", err=True)


@app.command("show")
@handles_errors
def show(
    run_id: Annotated[
        str, typer.Argument(metavar="ID", help="A run id (or its unique beginning).")
    ],
    store_url: Store = None,
) -> None:
    """Print a stored run's journal, as its file was written."""
    import json

    from chaos.history.lookup import find_run, journal_of

    store = open_history(store_url)
    try:
        row = find_run(run_id, store, files=False)
    finally:
        store.close()
    typer.echo(json.dumps(journal_of(row), indent=2, ensure_ascii=False))


@app.command("import")
@handles_errors
def import_journals(
    journals: Annotated[list[Path], typer.Argument(help="Journal files (JSON).")],
    label: Annotated[
        list[str] | None, typer.Option("--label", help="Add this key=value label (repeatable).")
    ] = None,
    store_url: Store = None,
) -> None:
    """Store journals written earlier; a run already stored (same id) is left as it is."""
    from chaos.experiment.journal import load_journal
    from chaos.history import parse_label, row_of

    labels = dict(parse_label(text) for text in label or ())
    rows = [row_of(dict(load_journal(path)), labels) for path in journals]
    store = open_history(store_url, create=True)
    try:
        for path, row in zip(journals, rows, strict=True):
            added = store.add(row)
            typer.echo(f"{row.id} {'imported' if added else 'already stored'}: {path}")
    finally:
        store.close()
