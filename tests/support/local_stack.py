"""The local target brought up for a test module and always brought down afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chaos.drivers.local import LocalSettings, LocalStack


@contextmanager
def local_stack_up(state_dir: Path, settings: LocalSettings) -> Iterator[LocalStack]:
    """A real local stack (supervisord + the three services on loopback) in ``state_dir``."""
    stack = LocalStack(state_dir, settings)
    try:
        stack.up(timeout=30)
        yield stack
    finally:
        stack.down()
