"""Chaos Toolkit experiment files: the model, the loader and the validator.

Importing this package is cheap: no client library (kubernetes, httpx) is imported, and
pydantic only when the model or ``validate_experiment`` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chaos.experiment.checks import MAX_PAUSE, pause_problem
from chaos.experiment.loader import ExperimentError, load_raw
from chaos.experiment.validate import check_experiment, load_experiment_file, validate_experiment

if TYPE_CHECKING:
    from chaos.experiment.model import Activity, Experiment, Ref

__all__ = [
    "MAX_PAUSE",
    "Activity",
    "Experiment",
    "ExperimentError",
    "Ref",
    "check_experiment",
    "load_experiment_file",
    "load_raw",
    "pause_problem",
    "validate_experiment",
]

_MODEL_NAMES = ("Activity", "Experiment", "Ref")


def __getattr__(name: str) -> Any:
    if name in _MODEL_NAMES:
        from chaos.experiment import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
