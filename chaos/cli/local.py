"""``chaosrun local up | status | down``: the local stand-in cluster under supervisord."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chaos.cli.errors import handles_errors
from chaos.errors import RunFailure

if TYPE_CHECKING:
    from rich.table import Table

    # The stack pulls in httpx and pydantic-settings: import it only when a command runs,
    # so that `chaosrun --help` and `chaosrun validate` stay fast.
    from chaos.drivers.local import LocalStack

app = typer.Typer(
    name="local",
    help="Run the backend and frontends v1 and v2 locally under supervisord (no cluster needed).",
    no_args_is_help=True,
)

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        help="Directory for the stack's config, logs and state (env CHAOSRUN_LOCAL_STATE_DIR; "
        "default: $XDG_STATE_HOME/chaosrun or ~/.local/state/chaosrun).",
        file_okay=False,
    ),
]


def _print(*renderables: object) -> None:
    from rich.console import Console

    Console().print(*renderables)


def status_table(stack: LocalStack) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"chaosrun local stack ({stack.state_dir})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Program", no_wrap=True, min_width=8)
    table.add_column("Labels")
    table.add_column("State", no_wrap=True)
    table.add_column("PID", justify="right", no_wrap=True, min_width=7)
    table.add_column("Port", justify="right", no_wrap=True)
    table.add_column("URL", no_wrap=True, min_width=22)
    for row in stack.status():
        labels = " ".join(f"{k}={v}" for k, v in row.labels.items())
        colour = "green" if row.ready else "yellow"
        state = "ready" if row.ready else row.state.lower()
        table.add_row(
            row.name,
            labels,
            f"[{colour}]{state}[/{colour}]",
            str(row.pid or "-"),
            str(row.port),
            row.url,
        )
    return table


@app.command()
@handles_errors
def up(
    state_dir: StateDir = None,
    backend_port: Annotated[
        int | None,
        typer.Option(
            help="Backend port (env CHAOSRUN_LOCAL_BACKEND_PORT; default: a free one).",
            min=1,
            max=65535,
        ),
    ] = None,
    front_v1_port: Annotated[
        int | None,
        typer.Option(
            help="Frontend v1 port (env CHAOSRUN_LOCAL_FRONT_V1_PORT; default: a free one).",
            min=1,
            max=65535,
        ),
    ] = None,
    front_v2_port: Annotated[
        int | None,
        typer.Option(
            help="Frontend v2 port (env CHAOSRUN_LOCAL_FRONT_V2_PORT; default: a free one).",
            min=1,
            max=65535,
        ),
    ] = None,
    breaker_wait: Annotated[
        float | None,
        typer.Option(
            help="v2's breaker open-state wait, s (env CHAOSRUN_LOCAL_BREAKER_WAIT; default: 5).",
            min=0.1,
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for readiness.", min=1)] = 30.0,
) -> None:
    """Start the stack (harmless if it already runs: deleted programs come back)."""
    from chaos.drivers.local import LocalSettings, LocalStack

    given: dict[str, object] = {
        "backend_port": backend_port,
        "front_v1_port": front_v1_port,
        "front_v2_port": front_v2_port,
        "breaker_wait": breaker_wait,
    }
    settings = LocalSettings.model_validate({k: v for k, v in given.items() if v is not None})
    stack = LocalStack(state_dir, settings)
    done = stack.up(timeout=timeout)
    for note in done.notes:
        _print(note)
    _print("Local stack is up." if done.started else "Already running; all programs present.")
    _print(status_table(stack))


@app.command()
@handles_errors
def status(state_dir: StateDir = None) -> None:
    """Show the programs, their pods (PIDs), ports and URLs. Exit 1 if the stack is down."""
    from chaos.drivers.local import LocalStack

    stack = LocalStack(state_dir)
    if not stack.running():
        raise RunFailure(f"The local stack is not running (state dir {stack.state_dir}).")
    _print(status_table(stack))


@app.command()
@handles_errors
def down(state_dir: StateDir = None) -> None:
    """Stop supervisord and every program; leaves no process and no open port behind.

    Works from whatever state is left (also an unreadable layout) and signals no process
    that is not this stack's, whatever its pid file says.
    """
    from chaos.drivers.local import LocalStack

    stack = LocalStack(state_dir)
    was_running = stack.down()
    _print("Local stack stopped." if was_running else "The local stack was not running.")
