"""One way for every command to fail: an error becomes one sentence on stderr and an exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import typer

from chaos.cli.running import report, sentence
from chaos.errors import BadInput, ChaosrunError

F = TypeVar("F", bound=Callable[..., Any])
__all__ = ["fail", "handles_errors", "report", "sentence"]


def fail(message: str) -> NoReturn:
    """Refuse bad input (exit 2) with ``message``, one sentence."""
    raise BadInput(message)


def handles_errors(command: F) -> F:
    """Wrap a command so that any chaosrun error ends it as ``report`` says."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ChaosrunError as exc:
            raise typer.Exit(report(exc)) from None

    return wrapper  # type: ignore[return-value]
