"""Does a probe's output satisfy its tolerance? chaostoolkit-lib 1.44's rules.

One rule of chaosrun's own: ``true``/``false`` are met only by booleans and numbers only by
numbers (Python's ``True == 1`` is an accident of the language, not a steady state). Where
chaostoolkit-lib raises, and the Chaos Toolkit aborts the run, a regex reads the text of the
output (``_regex_text``) and any other tolerance is not met.
"""

from __future__ import annotations

import contextlib
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

_MISSING = object()


def _target(value: Any, tolerance: dict[str, Any]) -> Any:
    """The part of ``value`` the tolerance looks at: ``target`` in a mapping (the whole
    mapping when it has no such key), else the value itself; ``_MISSING`` when a ``target``
    is named on a value that is not a mapping."""
    target = tolerance.get("target")
    if not target:
        return value
    return value.get(target, value) if isinstance(value, dict) else _MISSING


def _regex_text(target: Any, tolerance: dict[str, Any]) -> str | None:
    """What a regex searches. Where chaostoolkit-lib raises (a value that is not text), the
    body of an http output, the stdout of a process output, any other value as text."""
    if isinstance(target, dict) and not tolerance.get("target"):
        for key in ("body", "stdout", "status"):
            if key in target:
                target = target[key]
                break
    return None if target is None else str(target)


def _jsonpath(tolerance: dict[str, Any], value: Any) -> bool:
    """The values the path finds (in a JSON text parsed first) exist, number ``count``, or
    equal ``expect``."""
    from jsonpath_ng.ext import parse

    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    found = [match.value for match in parse(str(tolerance["path"])).find(value)]
    result = len(found) > 0
    if tolerance.get("count") is not None:
        result = len(found) == tolerance["count"]
    if "expect" in tolerance:
        expect = tolerance["expect"]
        result = found == (expect if isinstance(expect, list) else [expect])
    return result


def _in_range(bounds: Any, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        number = Decimal(value)
        return bool(Decimal(bounds[0]) <= number <= Decimal(bounds[1]))
    except (InvalidOperation, TypeError, ValueError):
        return False


def _status(value: Any) -> Any:
    return value["status"] if isinstance(value, dict) and "status" in value else value


def _in_list(tolerance: list[Any], value: Any) -> bool:
    """Membership of ``status`` for an http or process output; otherwise a list of two is
    an inclusive range, a longer one a set of values."""
    if isinstance(value, dict) and "status" in value:
        return value["status"] in tolerance
    if len(tolerance) == 2:
        try:
            return bool(tolerance[0] <= value <= tolerance[1])
        except TypeError:
            return False
    return value in tolerance


def within_tolerance(tolerance: Any, value: Any) -> bool:
    """bool/str: equality; int: equality, against ``status`` when the output has one;
    list: see ``_in_list``; regex: search in a text; range: min <= v <= max;
    jsonpath: see ``_jsonpath``."""
    if isinstance(tolerance, bool):
        return isinstance(value, bool) and value is tolerance
    if isinstance(tolerance, int | float):
        value = _status(value)
        return not isinstance(value, bool) and value == tolerance
    if isinstance(tolerance, str):
        return bool(value == tolerance)
    if isinstance(tolerance, list):
        return _in_list(tolerance, value)
    if not isinstance(tolerance, dict):
        return False
    kind = tolerance.get("type")
    target = _target(value, tolerance)
    if target is _MISSING:
        return False
    if kind == "regex":
        text = _regex_text(target, tolerance)
        return text is not None and re.search(str(tolerance["pattern"]), text) is not None
    if kind == "jsonpath":
        return _jsonpath(tolerance, target)
    if kind == "range":
        return _in_range(tolerance["range"], target)
    return False
