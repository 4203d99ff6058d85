"""When the breaker changes state on its own (a timer, not a call): the scheduler it uses.

The default runs each action on a daemon thread, as Resilience4j runs its automatic
transitions on a scheduled executor; tests inject a scheduler driven by a fake clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def schedule(self, delay: float, action: Callable[[], None]) -> Cancellable:
        """Run ``action`` once, ``delay`` seconds from now, unless cancelled first."""
        ...


class ThreadScheduler:
    def schedule(self, delay: float, action: Callable[[], None]) -> Cancellable:
        timer = threading.Timer(delay, action)
        timer.daemon = True
        timer.start()
        return timer
