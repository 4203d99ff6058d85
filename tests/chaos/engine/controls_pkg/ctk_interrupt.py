"""Interrupts before the method with the Chaos Toolkit's exception (by name)."""

from __future__ import annotations

from typing import Any

from tests.chaos.engine.sample_controls import CALLS, InterruptExecution


def before_method_control(**_: Any) -> None:
    CALLS.append("interrupting")
    raise InterruptExecution("the change window is closed")
