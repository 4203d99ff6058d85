"""``chaosrun run``'s Chaos Toolkit options (``chaos run`` 1.19's names), declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chaos.cli.running import build_inputs  # framework-free: the fast path uses it too

__all__ = [
    "ControlFiles",
    "Dry",
    "FailFast",
    "HypothesisFrequency",
    "HypothesisStrategy",
    "RollbackStrategy",
    "Settings",
    "VarFiles",
    "build_inputs",
]

VarFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--var-file",
        help="JSON or YAML file with 'configuration' and 'secrets' values; --var wins. Repeatable.",
    ),
]
ControlFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--control-file",
        help="JSON or YAML file of global controls ({name: control}). Repeatable.",
    ),
]
Settings = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        help="Chaos Toolkit settings file (global controls, runtime); default: "
        "~/.chaostoolkit/settings.yaml when it exists.",
    ),
]
Dry = Annotated[
    str | None,
    typer.Option(
        "--dry",
        help="actions, probes or activities: run everything but those (they succeed "
        "with no output); pause: skip the pauses. Unlike --dry-run, the rest runs.",
    ),
]
RollbackStrategy = Annotated[
    str | None,
    typer.Option(
        "--rollback-strategy",
        help="default (whenever the method started), always, never or deviated.",
    ),
]
HypothesisStrategy = Annotated[
    str | None,
    typer.Option(
        "--hypothesis-strategy",
        help="default (before and after the method), before-method-only, "
        "after-method-only, during-method-only or continuously.",
    ),
]
HypothesisFrequency = Annotated[
    float | None,
    typer.Option(
        "--hypothesis-frequency",
        min=0.001,
        help="Seconds between two checks of the hypothesis during the method (default 1).",
    ),
]
FailFast = Annotated[
    bool,
    typer.Option(
        "--fail-fast",
        help="Stop the run (failed) as soon as a check during the method deviates.",
    ),
]
