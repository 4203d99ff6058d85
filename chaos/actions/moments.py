"""The moments a Prometheus query names, as ``chaosprometheus`` users write them.

chaostoolkit-prometheus hands ``when``, ``start`` and ``end`` to ``dateparser``; chaosrun reads
the forms its documentation and experiments use without that dependency: ``now``,
``<n> <unit> ago`` (seconds, minutes, hours, days, weeks), an RFC 3339 / ISO 8601 date (without
an offset it is local time, as dateparser reads it) and a Unix timestamp.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

UNIT_SECONDS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
}
_AGO = re.compile(r"^(?P<n>\d+(?:\.\d+)?|an?)\s*(?P<unit>[a-z]+)\s+ago$")
FORMS = "'now', '<n> <unit> ago', an RFC 3339 date or a Unix timestamp"


def moment_problem(value: Any) -> str | None:
    """Why ``value`` names no moment (one phrase), or None."""
    try:
        parse_moment(value, now=0.0)
    except ValueError as exc:
        return str(exc)
    return None


def parse_moment(value: Any, now: float | None = None) -> float:
    """Seconds since the epoch that ``value`` names (``ValueError`` with one phrase if none).
    ``now`` is the moment relative forms count back from (default: the current time)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"cannot read {value!r} as a moment (expected {FORMS})")
    if isinstance(value, int | float):
        return float(value)
    text = value.strip().lower()
    current = time.time() if now is None else now
    if text == "now":
        return current
    if match := _AGO.match(text):
        unit = UNIT_SECONDS.get(match["unit"])
        if unit is None:
            raise ValueError(f"unknown time unit {match['unit']!r} in {value!r}")
        count = 1.0 if match["n"] in ("a", "an") else float(match["n"])
        return current - count * unit
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"cannot read {value!r} as a moment (expected {FORMS})") from None
    return moment.timestamp()  # a naive datetime is local time
