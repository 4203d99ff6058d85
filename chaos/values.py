"""Checks of literal values in experiment files that may instead be ``${name}`` references.

A reference is resolved at run time, so validation can only judge literals. Both the
experiment format (pauses) and the provider types (timeouts, urls, paths) use these.
"""

from __future__ import annotations

import math
import re
from typing import Any

_VAR_RE = re.compile(r"\$\{[^}]+\}")


def has_variables(value: Any) -> bool:
    """True when ``value`` holds a ``${name}`` reference anywhere."""
    if isinstance(value, str):
        return bool(_VAR_RE.search(value))
    if isinstance(value, dict):
        return any(has_variables(v) for v in value.values())
    if isinstance(value, list):
        return any(has_variables(v) for v in value)
    return False


def seconds_problem(value: Any) -> str | None:
    """What is wrong with a literal number of seconds: a string that is no ``${name}``
    reference, or a number that is not finite."""
    if isinstance(value, str):
        return None if has_variables(value) else f"must be a number (got {value!r})"
    if isinstance(value, int | float) and not math.isfinite(value):
        return f"must be a finite number (got {value:g})"
    return None


def timeout_problem(value: Any) -> str | None:
    """What is wrong with a timeout of ``value`` seconds, or None."""
    if problem := seconds_problem(value):
        return problem
    if isinstance(value, int | float) and value <= 0:
        return "must be positive"
    return None
