"""One way for every command to fail: an error becomes one sentence on stderr and an exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import typer

from chaos.errors import BadInput, ChaosrunError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """Refuse bad input (exit 2) with ``message``, one sentence."""
    raise BadInput(message)


def sentence(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if text.endswith((".", "!", "?")) else text + "."


def report(exc: ChaosrunError) -> int:
    """Print ``exc`` for the user; its exit code."""
    from chaos.experiment import ExperimentError

    if isinstance(exc, ExperimentError):
        from chaos.cli.validating import report_invalid

        return report_invalid(exc)
    typer.echo(f"Error: {sentence(exc)}", err=True)
    return exc.exit_code


def handles_errors(command: F) -> F:
    """Wrap a command so that any chaosrun error ends it as ``report`` says."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ChaosrunError as exc:
            raise typer.Exit(report(exc)) from None

    return wrapper  # type: ignore[return-value]
