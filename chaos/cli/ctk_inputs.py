"""``chaosrun run``'s Chaos Toolkit options (``chaos run`` 1.19's names), declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chaos.cli.errors import fail

if TYPE_CHECKING:
    from chaos.engine.inputs import RunInputs

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


def build_inputs(
    *,
    var_files: list[Path] | None,
    control_files: list[Path] | None,
    settings: Path | None,
    dry: str | None,
    rollback_strategy: str | None,
    hypothesis_strategy: str | None,
    hypothesis_frequency: float | None,
    fail_fast: bool,
) -> RunInputs:
    from chaos.engine.inputs import (
        DRY_MODES,
        RunInputs,
        global_controls,
        read_settings,
        read_var_files,
    )
    from chaos.engine.strategies import RuntimeFlags
    from chaos.experiment.runtime import HYPOTHESIS_STRATEGIES, ROLLBACK_STRATEGIES

    if dry is not None and dry not in DRY_MODES:
        fail(f"--dry must be one of {', '.join(DRY_MODES)} (got {dry!r}).")
    if rollback_strategy is not None and rollback_strategy not in ROLLBACK_STRATEGIES:
        choices = ", ".join(ROLLBACK_STRATEGIES)
        fail(f"--rollback-strategy must be one of {choices} (got {rollback_strategy!r}).")
    if hypothesis_strategy is not None and hypothesis_strategy not in HYPOTHESIS_STRATEGIES:
        choices = ", ".join(HYPOTHESIS_STRATEGIES)
        fail(f"--hypothesis-strategy must be one of {choices} (got {hypothesis_strategy!r}).")
    ctk_settings = read_settings(settings)
    configuration, secrets = read_var_files(var_files or [])
    return RunInputs(
        controls=global_controls(ctk_settings, control_files or []),
        ctk_settings=ctk_settings,
        flags=RuntimeFlags(
            hypothesis=hypothesis_strategy,
            frequency=hypothesis_frequency,
            fail_fast=True if fail_fast else None,
            rollbacks=rollback_strategy,
        ),
        dry=dry,
        configuration=configuration,
        secrets=secrets,
    )
