"""Tolerance and probe-output pairs, and the Chaos Toolkit's verdict on each.

``CASES`` crosses every kind of tolerance with every kind of probe output. The verdicts
chaostoolkit-lib 1.44 gives them are kept in ``ctk_tolerance_verdicts.json``, so the
comparison runs without chaostoolkit-lib; regenerate it, in a venv where chaostoolkit-lib
is installed and this repository is on ``PYTHONPATH``, with
``python -m tests.chaos.engine.ctk_tolerances``.

A verdict is ``met``, ``not met``, or ``error: <exception>`` when chaostoolkit-lib's
``within_tolerance`` raises (the Chaos Toolkit then aborts the run).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

VERDICTS = Path(__file__).with_name("ctk_tolerance_verdicts.json")
FUNCTIONS = "tests.chaos.engine.sample_functions"

HTML = "<html><body><h2>Hello, I'm backend! 42</h2></body></html>"
OUTPUTS: dict[str, Any] = {
    "http 200 text": {"status": 200, "headers": {"Content-Type": "text/html"}, "body": HTML},
    "http 503": {"status": 503, "headers": {}, "body": "Service Unavailable"},
    "http 200 json": {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"items": [1, 2], "state": "closed", "rate": 12.5},
    },
    "http 200 json text": {"status": 200, "headers": {}, "body": '{"items": [1, 2]}'},
    "process ok": {"status": 0, "stdout": "Python 3.11.7\n", "stderr": ""},
    "process failed": {"status": 2, "stdout": "", "stderr": "unknown option --burp\n"},
    "python true": True,
    "python false": False,
    "python 0": 0,
    "python 1": 1,
    "python 3": 3,
    "python 200": 200,
    "python 7.5": 7.5,
    "python text": "hello",
    "python number text": "12",
    "python list": [1, 2],
    "python mapping": {"a": 1, "b": [1, 2]},
    "python none": None,
}


def _probe(func: str, **arguments: Any) -> dict[str, Any]:
    provider = {"type": "python", "module": FUNCTIONS, "func": func, "arguments": arguments}
    return {"type": "probe", "name": f"tolerance-{func}", "provider": provider}


TOLERANCES: dict[str, Any] = {
    "bool true": True,
    "bool false": False,
    "int 0": 0,
    "int 1": 1,
    "int 200": 200,
    "text": "hello",
    "list of statuses": [200, 301, 302],
    "list of two": [0, 5],
    "list of one": [1],
    "regex": {"type": "regex", "pattern": "[0-9]{2}"},
    "regex on body": {"type": "regex", "target": "body", "pattern": "backend"},
    "regex on stdout": {"type": "regex", "target": "stdout", "pattern": r"Python \d\.\d+"},
    "range": {"type": "range", "range": [1, 100]},
    "range on status": {"type": "range", "target": "status", "range": [200, 299]},
    "range of floats": {"type": "range", "range": [7.0, 8.0]},
    "jsonpath": {"type": "jsonpath", "path": "$.items[*]"},
    "jsonpath on body": {"type": "jsonpath", "target": "body", "path": "$.items[*]", "count": 2},
    "jsonpath expect": {
        "type": "jsonpath",
        "target": "body",
        "path": "$.state",
        "expect": "closed",
    },
    "jsonpath expect list": {"type": "jsonpath", "path": "$.b[*]", "expect": [1, 2]},
    "probe truthy": _probe("is_truthy"),
    "probe status": _probe("has_status", status=200),
}

CASES: list[tuple[str, str]] = [(t, o) for t in TOLERANCES for o in OUTPUTS]


def ctk_verdict(tolerance: Any, output: Any) -> str:
    """chaostoolkit-lib's verdict (it must be importable)."""
    from chaoslib.hypothesis import within_tolerance

    try:
        met = within_tolerance(copy.deepcopy(tolerance), copy.deepcopy(output), {}, {})
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "met" if met else "not met"


def ctk_verdicts() -> dict[str, str]:
    return {f"{t} | {o}": ctk_verdict(TOLERANCES[t], OUTPUTS[o]) for t, o in CASES}


def main() -> None:
    VERDICTS.write_text(json.dumps(ctk_verdicts(), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
