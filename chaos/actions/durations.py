"""Fluent durations as chaosk8s' ``read_pod_logs`` takes them ("10 minutes", "1 hour ago")."""

from __future__ import annotations

import re

from chaos.actions.errors import ActivityFailed

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?|w|weeks?)"
    r"(?:\s+ago)?\s*$",
    re.IGNORECASE,
)


def duration_problem(text: object) -> str | None:
    """Why ``text`` is not such a duration, or None."""
    if text is None or (isinstance(text, str) and _DURATION.match(text)):
        return None
    return f"'last' must be a duration such as '10 minutes', not {text!r}"


def seconds_ago(text: str | None) -> int | None:
    """The seconds ``text`` spans (None for None)."""
    if text is None:
        return None
    problem = duration_problem(text)
    if problem is not None:
        raise ActivityFailed(problem)
    match = _DURATION.match(text)
    assert match is not None
    number, unit = float(match.group(1)), match.group(2)[0].lower()
    return max(1, int(number * _UNITS[unit]))
