"""A real module for the python provider's tests (imported by module name, as CTK does)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any


def add(a: int, b: int = 1) -> int:
    return a + b


def echo_configuration(key: str, configuration: dict[str, Any] | None = None) -> Any:
    return (configuration or {}).get(key)


def read_secret(key: str, secrets: dict[str, Any] | None = None) -> Any:
    return (secrets or {}).get(key)


def explode(message: str = "boom") -> None:
    raise RuntimeError(message)


def touch(path: str) -> str:
    Path(path).write_text(str(os.getpid()))
    return path


def flexible(**kwargs: Any) -> dict[str, Any]:
    return kwargs


# Gates let one activity wait for another: run one after the other, the waiter times out.
_gates: dict[str, threading.Event] = {}
_gates_lock = threading.Lock()


def _gate(name: str) -> threading.Event:
    with _gates_lock:
        return _gates.setdefault(name, threading.Event())


def open_gate(gate: str) -> str:
    _gate(gate).set()
    return gate


def wait_for_gate(gate: str, timeout: float = 5.0, linger: float = 0.0) -> str:
    """Return once ``open_gate(gate)`` was called (then after ``linger`` more seconds)."""
    if not _gate(gate).wait(timeout):
        raise TimeoutError(f"gate {gate!r} was never opened")
    threading.Event().wait(linger)
    return gate


def answered(value: Any, expected: int = 200) -> bool:
    """A probe tolerance: the checked http probe's output is in ``value``."""
    return isinstance(value, dict) and value.get("status") == expected


def exit_now(code: int = 3) -> None:
    raise SystemExit(code)


def press_ctrl_c() -> None:
    raise KeyboardInterrupt


def is_truthy(value: Any) -> bool:
    """A probe tolerance taking the checked output as ``value``."""
    return bool(value)


def has_status(value: Any, status: int = 0) -> bool:
    """A probe tolerance: the http or process output's ``status`` is ``status``."""
    return isinstance(value, dict) and value.get("status") == status
