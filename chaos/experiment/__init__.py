"""Chaos Toolkit experiment files: the model, the loader and the validator.

Importing this package is cheap: no client library (kubernetes, httpx) is imported.
"""

from chaos.experiment.loader import ExperimentError, load_experiment_file, load_raw
from chaos.experiment.model import Activity, Experiment, Ref
from chaos.experiment.validate import validate_experiment

__all__ = [
    "Activity",
    "Experiment",
    "ExperimentError",
    "Ref",
    "load_experiment_file",
    "load_raw",
    "validate_experiment",
]
