"""``chaosrun compare BASE CANDIDATE``: two runs side by side, a regression gate for CI."""

from __future__ import annotations

from typing import Annotated

import typer

from chaos.cli.history import Store, open_history
from chaos.errors import BadInput

EPILOG = (
    "BASE and CANDIDATE are run ids (from `chaosrun history`) or journal files; with "
    "--baseline key=value, BASE is the newest stored run with that label and only CANDIDATE "
    "is given. --max-regression METRIC=N (repeatable) bounds how much worse a figure may "
    "get: N in the metric's unit (points for score and availability, ms for p50/p95/p99, "
    "s for outage and recovery), or N% relative to the base. Metrics: score, availability, "
    "p50, p95, p99, outage, recovery, gates. Exit codes: 0 no regression beyond its bound, "
    "1 a regression beyond its bound, 2 bad input (an unknown id, a bad bound)."
)


def compare(
    runs: Annotated[
        list[str],
        typer.Argument(metavar="BASE CANDIDATE", help="Run ids or journal files."),
    ],
    max_regression: Annotated[
        list[str] | None,
        typer.Option(
            "--max-regression", help="METRIC=N or METRIC=N%: the most a figure may worsen."
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", help="BASE is the newest stored run with this key=value."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, markdown or json.")] = (
        "table"
    ),
    store_url: Store = None,
) -> None:
    """Compare two runs: every figure, its change, and a verdict (exit 1 on a regression)."""
    from chaos.history.compare import FORMATS, compare, parse_bounds
    from chaos.history.lookup import find_run, journal_file, latest_with_label

    if fmt not in FORMATS:
        raise BadInput(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r}).")
    bounds = parse_bounds(max_regression or ())
    wanted = 1 if baseline else 2
    if len(runs) != wanted:
        given = "CANDIDATE with --baseline" if baseline else "BASE and CANDIDATE"
        raise BadInput(f"compare takes {given} ({len(runs)} run(s) given).")
    needs_store = baseline is not None or any(journal_file(ref) is None for ref in runs)
    store = open_history(store_url) if needs_store else None
    try:
        base = latest_with_label(baseline, store) if baseline and store else None
        found = [find_run(ref, store) for ref in runs]
    finally:
        if store is not None:
            store.close()
    base, candidate = (base, found[0]) if base is not None else (found[0], found[1])
    comparison = compare(base, candidate, bounds)
    typer.echo(FORMATS[fmt](comparison), nl=False)
    if comparison.regressed:
        raise typer.Exit(1)
