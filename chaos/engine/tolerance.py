"""Does a probe's output satisfy its tolerance? Chaos Toolkit semantics."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any


def _target(value: Any, tolerance: dict[str, Any]) -> Any:
    """The part of ``value`` a regex/range tolerance looks at."""
    target = tolerance.get("target")
    if isinstance(value, dict):
        if target:
            return value.get(target)
        for key in ("body", "stdout", "status"):
            if key in value:
                return value[key]
    return value


def _jsonpath(tolerance: dict[str, Any], value: Any) -> bool:
    """Chaos Toolkit semantics: the values the path finds (in ``target`` when named, a JSON
    text parsed first) exist, number ``count``, or equal ``expect``."""
    from jsonpath_ng.ext import parse

    target = tolerance.get("target")
    if target and isinstance(value, dict):
        value = value.get(target, value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    found = [match.value for match in parse(str(tolerance["path"])).find(value)]
    result = len(found) > 0
    if "count" in tolerance:
        result = len(found) == tolerance["count"]
    if "expect" in tolerance:
        expect = tolerance["expect"]
        result = found == (expect if isinstance(expect, list) else [expect])
    return result


def within_tolerance(tolerance: Any, value: Any) -> bool:
    """bool/str: equality; int: equality, against ``status`` when the output has one;
    list: membership (of ``status`` when present); regex: search; range: min <= v <= max."""
    if isinstance(tolerance, bool):
        return isinstance(value, bool) and value is tolerance
    if isinstance(tolerance, int | float):
        if isinstance(value, dict) and "status" in value:
            value = value["status"]
        return not isinstance(value, bool) and value == tolerance
    if isinstance(tolerance, str):
        if isinstance(value, dict) and "status" in value and "body" not in value:
            value = value["status"]
        return value == tolerance
    if isinstance(tolerance, list):
        if isinstance(value, dict) and "status" in value:
            value = value["status"]
        return value in tolerance
    if isinstance(tolerance, dict):
        kind = tolerance.get("type")
        target = _target(value, tolerance)
        if kind == "regex":
            if target is None:
                return False
            return re.search(str(tolerance["pattern"]), str(target)) is not None
        if kind == "jsonpath":
            return _jsonpath(tolerance, value)
        if kind == "range":
            low, high = tolerance["range"]
            if isinstance(target, bool) or not isinstance(target, int | float):
                try:
                    target = float(str(target))
                except ValueError:
                    return False
            return bool(low <= target <= high)
    return False
