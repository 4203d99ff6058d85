"""The sliding windows the breaker evaluates (the last N outcomes, or the last N seconds) and
the metrics of one breaker state around its window (Resilience4j's ``CircuitBreakerMetrics``).

An outcome is two bits: ``FAILED`` and ``SLOW``. Both windows keep running totals (buffered,
failed, slow, slow and failed) so reading them costs nothing, as Resilience4j's
``FixedSizeSlidingWindowMetrics`` and ``SlidingTimeWindowMetrics`` do.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Protocol

from services.frontend_v2.config import BreakerConfig, SlidingWindowType

FAILED = 1
SLOW = 2


class Window(Protocol):
    buffered: int
    failed: int
    slow: int
    slow_failed: int

    def record(self, outcome: int, now: float) -> None: ...

    def advance(self, now: float) -> None:
        """Drop what has slid out of the window by ``now`` (seconds, the breaker's clock)."""
        ...


class _Totals:
    __slots__ = ("buffered", "failed", "slow", "slow_failed")

    def __init__(self) -> None:
        self.buffered = 0
        self.failed = 0
        self.slow = 0
        self.slow_failed = 0

    def _add(self, outcome: int, sign: int) -> None:
        self.buffered += sign
        if outcome:
            self.failed += sign * (outcome & FAILED)
            if outcome & SLOW:
                self.slow += sign
                self.slow_failed += sign * (outcome & FAILED)


class CountWindow(_Totals):
    """The last ``size`` outcomes (COUNT_BASED). Size 0 records nothing."""

    __slots__ = ("_outcomes", "size")

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self._outcomes: deque[int] = deque()

    def record(self, outcome: int, now: float) -> None:
        if self.buffered == self.size:
            if not self.size:
                return
            self._add(self._outcomes.popleft(), -1)
        self._outcomes.append(outcome)
        self._add(outcome, 1)

    def advance(self, now: float) -> None:
        """A count window does not slide with time."""


class TimeWindow(_Totals):
    """The outcomes of the last ``seconds`` whole seconds (TIME_BASED): one bucket per second
    of the clock, the newest the current second; a bucket leaves the totals as it expires."""

    __slots__ = ("_buckets", "_head", "_head_second", "size")

    def __init__(self, seconds: int, now: float) -> None:
        super().__init__()
        self.size = seconds
        self._buckets = [_Totals() for _ in range(seconds)]
        self._head = 0
        self._head_second = math.floor(now)

    def advance(self, now: float) -> None:
        second = math.floor(now)
        steps = min(second - self._head_second, self.size)
        if steps <= 0:
            return
        for _ in range(steps):
            self._head = (self._head + 1) % self.size
            expired = self._buckets[self._head]
            self.buffered -= expired.buffered
            self.failed -= expired.failed
            self.slow -= expired.slow
            self.slow_failed -= expired.slow_failed
            expired.__init__()  # type: ignore[misc]
        self._head_second = second

    def record(self, outcome: int, now: float) -> None:
        self.advance(now)
        self._buckets[self._head]._add(outcome, 1)
        self._add(outcome, 1)


class StateMetrics:
    """What one state of the breaker measures: its window, the minimum number of outcomes
    before the rates mean anything, and the calls it did not permit."""

    __slots__ = ("announced", "minimum", "not_permitted", "window")

    def __init__(self, window: Window, minimum: int) -> None:
        self.window = window
        self.minimum = minimum
        self.not_permitted = 0
        self.announced: set[str] = set()  # rate-exceeded events already published

    @classmethod
    def closed(cls, config: BreakerConfig, now: float) -> StateMetrics:
        """For the closed and metrics-only states."""
        if config.sliding_window_type is SlidingWindowType.TIME_BASED:
            return cls(TimeWindow(config.window_size, now), config.minimum_calls)
        return cls(CountWindow(config.window_size), config.effective_minimum_calls)

    @classmethod
    def half_open(cls, config: BreakerConfig) -> StateMetrics:
        return cls(CountWindow(config.permitted_calls_half_open), config.half_open_minimum_calls)

    @classmethod
    def empty(cls) -> StateMetrics:
        """For the disabled and forced-open states, which record nothing."""
        return cls(CountWindow(0), 1)

    def rates(self) -> tuple[float, float]:
        """Failure and slow-call rates in percent; -1 while fewer than ``minimum`` outcomes."""
        buffered = self.window.buffered
        if buffered == 0 or buffered < self.minimum:
            return -1.0, -1.0
        return self.window.failed * 100.0 / buffered, self.window.slow * 100.0 / buffered
