"""The Typer app behind the ``chaosrun`` console script (``chaos.cli.entry:main``)."""

from __future__ import annotations

from typing import Annotated

import typer

from chaos import __version__
from chaos.cli import commands

app = typer.Typer(
    name="chaosrun",
    help="A fast, Chaos Toolkit-compatible chaos runner for Kubernetes and a local stack.\n\n"
    "Exit codes: 0 completed, 1 deviated/failed/aborted/interrupted, 2 bad input.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chaosrun {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """A fast, Chaos Toolkit-compatible chaos runner for Kubernetes and a local stack."""


commands.register(app)

# --- other command modules register here (one line each) -------------------------------
from chaos.cli import compare as compare_command  # noqa: E402
from chaos.cli import demo, halt, latency, local, partition, restore  # noqa: E402
from chaos.cli import history as history_command  # noqa: E402
from chaos.cli import proxy as proxy_command  # noqa: E402
from chaos.cli import report as report_command  # noqa: E402
from chaos.cli import serve as serve_command  # noqa: E402
from chaos.cli.errors import handles_errors  # noqa: E402
from chaos.cli.flags import show_flags_as_flags  # noqa: E402

app.add_typer(local.app, name="local")
app.command(epilog=latency.EPILOG)(handles_errors(latency.latency))
app.command(epilog=partition.PARTITION_EPILOG)(handles_errors(partition.partition))
app.command(epilog=partition.DRAIN_EPILOG)(handles_errors(partition.drain))
app.command(epilog=demo.EPILOG)(handles_errors(demo.demo))
app.command(epilog=restore.EPILOG)(handles_errors(restore.restore))
app.command(epilog=halt.EPILOG)(handles_errors(halt.halt))
app.command(epilog=report_command.EPILOG)(handles_errors(report_command.report))
app.command(epilog=proxy_command.EPILOG)(handles_errors(proxy_command.proxy))
app.add_typer(history_command.app, name="history")
app.command(epilog=compare_command.EPILOG)(handles_errors(compare_command.compare))
app.command(epilog=serve_command.EPILOG)(handles_errors(serve_command.serve))

show_flags_as_flags(app)  # last: after every command is registered
