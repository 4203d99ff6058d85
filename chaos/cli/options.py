"""The Typer side of ``chaos.cli.option_table``: each declared option as a Typer parameter.

``declared("pod")`` gives a command body the signature Typer reads, built from the table, and
calls it with the values Typer parsed, by name, in one dict.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from chaos.cli.option_table import Option, Values, options_of
from chaos.drivers.factory import Target

_TYPES: dict[str, type] = {
    "text": str,
    "int": int,
    "float": float,
    "path": Path,
    "flag": bool,
    "target": Target,
}


def parameter(option: Option) -> inspect.Parameter:
    """``option`` as a parameter of a Typer command."""
    kind: Any = _TYPES[option.kind]
    if option.argument:
        info: Any = typer.Argument(help=option.help)
        if not option.required:
            return inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[kind | None, info],
            )
        return inspect.Parameter(
            option.name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[kind, info]
        )
    default = option.default
    if option.many:
        kind, default = list[kind] | None, None
    elif default is None:
        kind = kind | None
    info = typer.Option(
        *option.spellings,
        help=option.help,
        envvar=option.envvar,
        min=option.low,
        max=option.high,
    )
    return inspect.Parameter(
        option.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[kind, info],
    )


def declared(command: str) -> Callable[[Callable[[Values], None]], Callable[..., None]]:
    """Make ``body(values)`` a Typer command taking ``command``'s declared options."""

    def wrap(body: Callable[[Values], None]) -> Callable[..., None]:
        @functools.wraps(body)
        def wrapper(**values: Any) -> None:
            body(values)

        params = [parameter(option) for option in options_of(command)]
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        return wrapper

    return wrap
