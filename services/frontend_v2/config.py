"""The breaker's configuration: one frozen object, each knob named after its Resilience4j
counterpart (``CircuitBreakerConfig``) in the field's comment."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SlidingWindowType(StrEnum):
    COUNT_BASED = "COUNT_BASED"  # the last N outcomes
    TIME_BASED = "TIME_BASED"  # the outcomes of the last N seconds


@dataclass(frozen=True)
class BreakerConfig:
    """The defaults are the original's (``slidingWindowSize(10)``, ``failureRateThreshold(80)``)
    and Resilience4j's for everything else, so an unconfigured breaker behaves as before."""

    window_size: int = 10  # slidingWindowSize: outcomes, or seconds when TIME_BASED
    failure_rate_threshold: float = 80.0  # failureRateThreshold, percent
    minimum_calls: int = 100  # minimumNumberOfCalls
    wait_duration_open: float = 60.0  # waitDurationInOpenState, seconds
    permitted_calls_half_open: int = 10  # permittedNumberOfCallsInHalfOpenState
    sliding_window_type: SlidingWindowType = SlidingWindowType.COUNT_BASED  # slidingWindowType
    slow_call_duration_threshold: float = 60.0  # slowCallDurationThreshold, seconds
    slow_call_rate_threshold: float = 100.0  # slowCallRateThreshold, percent
    automatic_transition_open_to_half_open: bool = False  # automaticTransitionFromOpen...Enabled
    max_wait_duration_half_open: float = 0.0  # maxWaitDurationInHalfOpenState, 0: no limit
    # recordExceptions / ignoreExceptions, by failure kind (an exception's ``kind`` attribute,
    # "other" without one). None records every kind; a kind neither recorded nor ignored counts
    # as a success, and ignore wins over record, as in Resilience4j.
    record_exceptions: frozenset[str] | None = None
    ignore_exceptions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.window_size < 1:
            raise ValueError("window_size must be at least 1")
        if not 0 < self.failure_rate_threshold <= 100:
            raise ValueError("failure_rate_threshold must be in (0, 100]")
        if self.minimum_calls < 1:
            raise ValueError("minimum_calls must be at least 1")
        if self.wait_duration_open < 0:
            raise ValueError("wait_duration_open must not be negative")
        if self.permitted_calls_half_open < 1:
            raise ValueError("permitted_calls_half_open must be at least 1")
        if self.slow_call_duration_threshold <= 0:
            raise ValueError("slow_call_duration_threshold must be positive")
        if not 0 < self.slow_call_rate_threshold <= 100:
            raise ValueError("slow_call_rate_threshold must be in (0, 100]")
        if self.max_wait_duration_half_open != 0 and self.max_wait_duration_half_open < 0.001:
            raise ValueError("max_wait_duration_half_open must be 0 or at least 0.001 (1 ms)")

    @property
    def effective_minimum_calls(self) -> int:
        """Resilience4j clamps ``minimumNumberOfCalls`` to the window size when COUNT_BASED."""
        if self.sliding_window_type is SlidingWindowType.TIME_BASED:
            return self.minimum_calls
        return min(self.minimum_calls, self.window_size)

    @property
    def half_open_minimum_calls(self) -> int:
        """Half-open decides on a COUNT_BASED window of the trial calls, clamped the same way."""
        return min(self.minimum_calls, self.permitted_calls_half_open)
