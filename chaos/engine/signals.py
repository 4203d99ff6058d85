"""Turn SIGINT/SIGTERM into exceptions so a run can stop cleanly at any point."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

logger = logging.getLogger("chaosrun")


class Interrupted(BaseException):
    """The run was asked to stop (Ctrl-C or SIGTERM)."""

    def __init__(self, signame: str) -> None:
        super().__init__(signame)
        self.signame = signame


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def handling(handler: Any, signals: tuple[int, ...] = _SIGNALS) -> Iterator[None]:
    """Within the block ``handler`` receives ``signals`` (SIGINT and SIGTERM by default);
    the previous handlers come back afterwards. Off the main thread it changes nothing."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in signals:
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise ``Interrupted`` wherever the run is."""
    with handling(_raise):
        yield


@contextmanager
def shielded() -> Iterator[None]:
    """For rollbacks: the first signal only warns, a second one raises ``Interrupted``."""
    received: list[str] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if received:
            raise Interrupted(name)
        received.append(name)
        logger.warning(
            "Received %s while rolling back; the rollbacks continue "
            "(send it again to abandon them)",
            name,
        )

    with handling(handler):
        yield
