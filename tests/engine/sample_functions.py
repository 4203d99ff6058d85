"""A real module for the python provider's tests (imported by module name, as CTK does)."""

from __future__ import annotations

import os
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
