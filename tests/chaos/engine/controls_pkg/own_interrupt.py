"""Interrupts after an activity named ``stop-here`` with chaosrun's own exception."""

from __future__ import annotations

from typing import Any

from chaos.errors import InterruptRun


def after_activity_control(context: dict[str, Any], **_: Any) -> None:
    if context["name"] == "stop-here":
        raise InterruptRun("enough for today")
