"""Read a ``pod``, ``deployment`` or ``run`` command line without the CLI framework.

Typer reading one command line costs more than a 10-pod experiment (it imports pydantic and
builds a validator per option), so the console script reads the plain spellings itself:
long options and ``-n``/``-v`` as ``--opt value`` or ``--opt=value``, values that parse
cleanly and meet the option's bounds. Anything else (``--help``, an unknown or new option, a
value Typer would refuse or coerce, the options' environment variables) returns None and the
command line goes to the Typer app, which gives the usual messages. The values are the ones
Typer hands the command (``tests/chaos/cli/test_fastargs.py`` holds the two to agreement).
Both are built from the one declaration of each option, ``chaos.cli.option_table``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaos.cli.option_table import RUNS, Option, defaults_of, options_of
from chaos.drivers.factory import Target

Parse = Callable[[str], Any]
FLAG: Parse = bool  # marker: an option that takes no value

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


class _Refused(Exception):
    """A command line for the Typer app to answer."""


def _int(low: float | None = None, high: float | None = None) -> Parse:
    def parse(text: str) -> int:
        if not _INT.fullmatch(text):
            raise _Refused
        value = int(text)
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Refused
        return value

    return parse


def _float(low: float | None = None, high: float | None = None) -> Parse:
    def parse(text: str) -> float:
        if not _FLOAT.fullmatch(text):
            raise _Refused
        value = float(text)
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Refused
        return value

    return parse


def _text(text: str) -> str:
    return text


def _path(text: str) -> Path:
    if not text:
        raise _Refused
    return Path(text)


def _target(text: str) -> Target:
    try:
        return Target(text)
    except ValueError:
        raise _Refused from None


def reader(option: Option) -> Parse:
    """How this path reads ``option``'s value; ``FLAG`` when it takes none."""
    if option.kind == "flag":
        return FLAG
    if option.kind == "int":
        return _int(option.low, option.high)
    if option.kind == "float":
        return _float(option.low, option.high)
    return {"text": _text, "path": _path, "target": _target}[option.kind]


def spellings(command: str) -> dict[str, tuple[Option, Parse]]:
    """Each spelling of ``command``'s options, with the option and how to read its value."""
    return {
        spelling: (option, reader(option))
        for option in options_of(command)
        for spelling in option.spellings
    }


# command -> its spellings; every command that runs chaos
COMMANDS = {command: spellings(command) for command in sorted(RUNS)}


def parse(args: list[str]) -> tuple[str, dict[str, Any]] | None:
    """``(command, its values)``, or None for the Typer app."""
    if not args or args[0] not in COMMANDS:
        return None
    command = args[0]
    table = COMMANDS[command]
    declared = options_of(command)
    # An option Typer also reads from the environment: with its variable set, Typer decides.
    if any(o.envvar and o.envvar in os.environ for o in declared):
        return None
    values = defaults_of(command)
    positional: list[str] = []
    rest = args[1:]
    try:
        while rest:
            arg = rest.pop(0)
            if not arg.startswith("-") or arg == "-":
                positional.append(arg)
                continue
            # "--opt=value"; a short option takes no "=" (Typer would read "-n=x" as "=x")
            name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            if name not in table:
                return None  # --help, --, an unknown option, a cluster of short flags
            option, read = table[name]
            if read is FLAG:
                if eq:
                    return None
                values[option.name] = True
                continue
            if not eq:
                if not rest or rest[0].startswith("-"):
                    return None  # Typer decides whether an option's value may look like one
                inline = rest.pop(0)
            value = read(inline)
            values[option.name] = [*values[option.name], value] if option.many else value
    except _Refused:
        return None
    arguments = [o.name for o in declared if o.argument]
    required = sum(1 for o in declared if o.argument and o.required)
    if not required <= len(positional) <= len(arguments) or not all(positional):
        return None
    values.update(zip(arguments, positional, strict=False))  # a file: a path or an http(s) URL
    return command, values


def main(command: str, values: dict[str, Any]) -> int:
    """Run what ``parse`` read, as the Typer command would; the exit code."""
    from chaos.cli import running
    from chaos.errors import ChaosrunError

    try:
        return running.execute(command, values)
    except ChaosrunError as exc:
        return running.report(exc)
    except KeyboardInterrupt:  # before or after the run (which handles its own): as Typer does
        print("\nAborted.", file=sys.stderr, flush=True)
        return 1
