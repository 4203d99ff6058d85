"""An experiment whose target (``tests/chaos/engine/http_target.py``) goes down during the
method and comes back: the hypothesis holds, only the live measurement sees the outage."""

from __future__ import annotations

from typing import Any

from tests.chaos.engine.http_target import Target


def _set(target: Target, status: int, pause: float, name: str) -> dict[str, Any]:
    return {
        "type": "action",
        "name": name,
        "provider": {"type": "http", "url": f"{target.url}set?status={status}", "method": "POST"},
        "pauses": {"after": pause},
    }


def outage_experiment(target: Target, down_for: float = 0.6) -> dict[str, Any]:
    """The target answers 503 for ``down_for`` seconds, then 200 again: the hypothesis holds
    before and after, only the live measurement sees the outage."""
    return {
        "title": "Target blips",
        "description": "d",
        "steady-state-hypothesis": {
            "title": "Target answers",
            "probes": [
                {
                    "type": "probe",
                    "name": "target-answers",
                    "tolerance": 200,
                    "provider": {"type": "http", "url": target.url, "timeout": 2},
                }
            ],
        },
        "method": [
            _set(target, 200, 0.3, "healthy"),
            _set(target, 503, down_for, "break-target"),
            _set(target, 200, 0.3, "fix-target"),
        ],
        "rollbacks": [_set(target, 200, 0, "restore-target")],
    }
