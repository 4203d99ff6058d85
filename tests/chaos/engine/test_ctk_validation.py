"""Validation as chaostoolkit-lib's: a probe tolerance checked on its written arguments, a
python activity naming a function."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.experiment import ExperimentError, validate_experiment
from tests.chaos.engine.test_validation import edited


def test_a_probe_tolerance_is_checked_on_its_written_arguments_only() -> None:
    """As the Chaos Toolkit: a function without ``value`` validates (chaostoolkit-lib's own
    fixtures use ``os.path.exists``); a wrong written argument is still refused."""
    provider: dict[str, Any] = {"type": "python", "module": "os.path", "func": "exists"}
    tolerance = {"type": "probe", "name": "path-must-exist", "provider": provider}
    provider["arguments"] = {"path": "/"}
    validate_experiment(edited("steady-state-hypothesis.probes.0.tolerance", tolerance))
    provider["arguments"] = {"path": "/", "mode": 1}
    with pytest.raises(ExperimentError, match=r"unexpected argument 'mode' for os.path.exists"):
        validate_experiment(edited("steady-state-hypothesis.probes.0.tolerance", tolerance))


def test_a_python_activity_names_a_function_not_any_callable() -> None:
    """As chaostoolkit-lib: ``random.choice`` is a bound method, so it is refused."""
    provider: dict[str, Any] = {"type": "python", "module": "random", "func": "choice"}
    provider["arguments"] = {"seq": ["RED", "BLUE"]}
    with pytest.raises(ExperimentError, match=r"module 'random' has no function 'choice'"):
        validate_experiment(edited("method.0.provider", provider))


def test_a_decimal_tolerance_is_refused() -> None:
    """chaostoolkit-lib refuses it too (and its ``within_tolerance`` never finds one met)."""
    with pytest.raises(ExperimentError, match=r"must be a whole number, not 7.5 \(use a range\)"):
        validate_experiment(edited("steady-state-hypothesis.probes.0.tolerance", 7.5))
