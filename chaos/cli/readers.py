"""``chaosrun history`` and ``chaosrun compare`` alone: the console script answers them
without building the whole app (every run command's options), so a CI step that reads the
history pays only for what it uses. The same commands are registered in ``chaos.cli.main``."""

from __future__ import annotations

import typer

from chaos.cli import compare, history
from chaos.cli.errors import handles_errors

COMMANDS = ("history", "compare")

app = typer.Typer(name="chaosrun", add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def main() -> None:
    """The run history."""


app.add_typer(history.app, name="history")
app.command(epilog=compare.EPILOG)(handles_errors(compare.compare))
