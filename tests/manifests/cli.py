"""chaosrun's command line as click sees it: defaults and argument parsing, without running."""

from __future__ import annotations

from typing import Any

import typer

from chaos.cli.main import app

# click's UsageError, whether typer uses click or its own copy of it.
UsageError: type[Exception] = typer.BadParameter.__bases__[0]


def command(name: str) -> Any:
    """The click command behind ``chaosrun NAME``."""
    commands = getattr(typer.main.get_command(app), "commands", {})
    found = commands.get(name)
    assert found is not None, f"chaosrun has no command {name!r}"
    return found


def default(command_name: str, param: str) -> Any:
    for p in command(command_name).params:
        if p.name == param:
            return p.default
    raise AssertionError(f"chaosrun {command_name} has no parameter {param!r}")


def parse(argv: list[str]) -> dict[str, Any]:
    """The parameters ``chaosrun ARGV`` would run with; raises click's error on a bad option."""
    assert argv and argv[0] == "chaosrun", argv
    cmd = command(argv[1])
    with cmd.make_context(f"chaosrun {argv[1]}", list(argv[2:])) as ctx:
        return dict(ctx.params)
