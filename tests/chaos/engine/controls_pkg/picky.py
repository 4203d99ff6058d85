"""A control whose functions take no extra arguments and that validates its declaration
(chaostoolkit-lib's fixtures ``dummy_validator`` and a ``dummy`` given unexpected ones)."""

from __future__ import annotations

from typing import Any

from tests.chaos.engine.sample_controls import CALLS


def validate_control(control: dict[str, Any]) -> None:
    if "should-not-be-here" in control:
        raise ValueError("invalid key on control")


def configure_control(configuration: dict[str, Any]) -> None:
    CALLS.append("picky:configure")


def before_activity_control(context: dict[str, Any]) -> None:
    CALLS.append(f"picky:before_activity:{context['name']}")
