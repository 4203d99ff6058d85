"""A control whose functions fail: the run goes on, as in the Chaos Toolkit."""

from __future__ import annotations

from typing import Any


def before_activity_control(**_: Any) -> None:
    raise RuntimeError("the control is broken")
