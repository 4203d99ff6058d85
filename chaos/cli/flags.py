"""Help that shows a flag as a flag: no ``<bool>`` placeholder after ``--dry-run`` or ``--help``.

Typer prints the type of every option, a flag's too, though a flag takes no value.
``show_flags_as_flags(app)`` gives each command and group of ``app`` a class that clears it.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder


def _no_placeholder(params: list[Any]) -> None:
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""


class _Flags:
    """Mixed into a Typer command or group class: its flags and ``--help`` show no type."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_placeholder(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        _no_placeholder([option])
        return option


class FlagCommand(_Flags, TyperCommand):
    pass


class FlagGroup(_Flags, TyperGroup):
    pass


def show_flags_as_flags(app: typer.Typer) -> None:
    """Every command of ``app`` and of its sub-apps, registered so far."""
    if isinstance(app.info.cls, DefaultPlaceholder) or app.info.cls in (None, TyperGroup):
        app.info.cls = FlagGroup
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = FlagCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            show_flags_as_flags(group.typer_instance)
