"""Loader-level controls (chaostoolkit-lib's ``dummy_retitle_experiment_on_loading`` and
``dummy_fail_loading_experiment``): ``prefix`` retitles the experiment once read; ``stop``
interrupts before it is loaded."""

from __future__ import annotations

from typing import Any

from tests.chaos.engine.sample_controls import CALLS, InterruptExecution


def before_loading_experiment_control(context: str, stop: bool = False) -> None:
    CALLS.append(f"before_loading:{context}")
    if stop:
        raise InterruptExecution(f"failed to load: {context}")


def after_loading_experiment_control(context: str, state: dict[str, Any], **_: Any) -> None:
    CALLS.append("after_loading")
    state["title"] = "BOOM I changed it"
