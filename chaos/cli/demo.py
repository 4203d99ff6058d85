"""``chaosrun demo``: the whole story on this machine, no cluster needed."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from chaos import defaults
from chaos.cli.errors import fail
from chaos.files import check_writable, why_not_written

EPILOG = (
    "Example: chaosrun demo --output-dir ./demo\n\n"
    "Exit codes: 0 the story came out as expected (act 1 completed, act 2 deviated, act 3 "
    "completed with the fallback, v2 recovered, act 4 with a slow backend: v1 deviated, v2 "
    "completed with its breaker open); 1 it did not, or it was interrupted; 2 bad "
    "input (e.g. an output directory that cannot be written)."
)


def _default_output_dir() -> Path:
    return Path(f"chaosrun-demo-{time.strftime('%Y%m%d-%H%M%S')}")


def demo(
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="Where the journals, the HTML report and the services' logs go "
            "(default: ./chaosrun-demo-<timestamp>).",
            file_okay=False,
        ),
    ] = None,
    pause: Annotated[
        float, typer.Option(min=0, help="Seconds after each chaos action before checking.")
    ] = defaults.DEMO_PAUSE,
    breaker_wait: Annotated[
        float, typer.Option(min=0.1, help="v2's breaker wait in the open state, seconds.")
    ] = defaults.DEMO_BREAKER_WAIT,
    probe_interval: Annotated[
        float, typer.Option(min=0.01, help="Seconds between the live measurement's requests.")
    ] = defaults.PROBE_INTERVAL,
) -> None:
    """Play the four acts against a local supervisord stack and write a report.

    Brings the backend and frontends v1 and v2 up on free loopback ports, kills the frontend
    pod (completed), deletes the backend under v1 (deviated) and under v2 (completed, the
    fallback is served), restores it, watches v2 recover, makes the backend slow under v1
    (deviated) and v2 (its breaker opens on the slow calls: completed), and brings everything
    down again (also on Ctrl-C). Every act runs through the same engine as `chaosrun pod`,
    `chaosrun deployment` and `chaosrun latency`, with live measurement.
    """
    from rich.console import Console

    from chaos.demo import DemoOptions, run_demo
    from chaos.demo.report import summary_table, write_demo_report

    console = Console()
    out = (output_dir or _default_output_dir()).resolve()
    why = check_writable(out / ".chaosrun-write-test")
    if why is not None:
        fail(f"cannot write to the output directory {out} ({why}).")

    options = DemoOptions(
        output_dir=out, pause=pause, breaker_wait=breaker_wait, probe_interval=probe_interval
    )
    outcome = run_demo(options, console)
    try:
        report: Path | None = write_demo_report(outcome)
    except Exception as exc:
        report = None
        print(f"Could not write the report to {out}: {why_not_written(exc)}.", file=sys.stderr)
    console.print()
    console.print(summary_table(outcome))
    console.print(f"Wall time: {outcome.wall_time:.1f} s", highlight=False)
    if outcome.as_expected:
        console.print("[bold green]The story came out as expected.[/bold green]")
    elif outcome.interrupted:
        console.print("[bold yellow]Interrupted; the local stack is down.[/bold yellow]")
    else:
        console.print("[bold red]The story did NOT come out as expected.[/bold red]")
    console.print(f"Journals and report written to {out}", highlight=False, soft_wrap=True)
    if report is not None:
        console.print(f"Open the report: {report}", highlight=False, soft_wrap=True)
    raise typer.Exit(0 if outcome.as_expected and report is not None else 1)
