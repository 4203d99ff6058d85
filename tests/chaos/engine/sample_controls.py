"""Real control modules for the controls' tests, imported by name as the Chaos Toolkit does.

``CALLS`` records each control function called, in order, with what it was given.
``InterruptExecution`` stands for ``chaoslib.exceptions.InterruptExecution`` (chaosrun
recognises it by name and module, so chaoslib need not be installed).
"""

from __future__ import annotations

from typing import Any

CALLS: list[str] = []


class InterruptExecution(Exception):
    pass


InterruptExecution.__module__ = "chaoslib.exceptions"


def configure_control(
    configuration: dict[str, Any], secrets: dict[str, Any], experiment: dict[str, Any], **_: Any
) -> None:
    CALLS.append(f"configure:{experiment['title']}")
    configuration["set_by_control"] = "configured"


def before_experiment_control(context: dict[str, Any], **_: Any) -> None:
    CALLS.append(f"before_experiment:{context['title']}")


def after_experiment_control(context: dict[str, Any], state: dict[str, Any], **_: Any) -> None:
    CALLS.append(f"after_experiment:{state['status']}")


def before_hypothesis_control(context: dict[str, Any], **_: Any) -> None:
    CALLS.append(f"before_hypothesis:{context['title']}")


def after_hypothesis_control(context: dict[str, Any], state: dict[str, Any], **_: Any) -> None:
    CALLS.append(f"after_hypothesis:{state['steady_state_met']}")


def before_method_control(context: dict[str, Any], **_: Any) -> None:
    CALLS.append("before_method")


def after_method_control(context: dict[str, Any], state: list[Any], **_: Any) -> None:
    CALLS.append(f"after_method:{len(state)}")


def before_rollback_control(context: dict[str, Any], **_: Any) -> None:
    CALLS.append("before_rollback")


def after_rollback_control(context: dict[str, Any], state: list[Any], **_: Any) -> None:
    CALLS.append(f"after_rollback:{len(state)}")


def before_activity_control(
    context: dict[str, Any], configuration: dict[str, Any], label: str = "", **_: Any
) -> None:
    CALLS.append(f"before_activity:{context['name']}{label}")
    configuration["set_by_control"] = f"before {context['name']}"


def after_activity_control(context: dict[str, Any], state: dict[str, Any], **_: Any) -> None:
    CALLS.append(f"after_activity:{context['name']}:{state['status']}")


def cleanup_control() -> None:
    CALLS.append("cleanup")
