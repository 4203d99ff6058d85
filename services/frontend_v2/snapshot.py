"""What the breaker shows of itself at one instant: ``/breaker``, the actuator and the metrics
all read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BreakerSnapshot:
    """A consistent view of the breaker, taken under its lock. Rates are -1 until the window
    holds enough outcomes to be evaluated, as in Resilience4j."""

    state: str
    failure_rate: float
    slow_call_rate: float
    buffered_calls: int
    failed_calls: int
    slow_calls: int
    slow_failed_calls: int
    not_permitted_calls: int
    total_successful_calls: int
    total_failed_calls: int
    total_ignored_calls: int
    total_not_permitted_calls: int
    total_cancelled_calls: int
