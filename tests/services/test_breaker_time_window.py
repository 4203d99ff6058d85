"""The TIME_BASED sliding window (``slidingWindowType``), as Resilience4j's
``SlidingTimeWindowMetrics`` keeps it: one bucket per second of the last ``slidingWindowSize``
seconds. Each docstring cites the rule it checks."""

from __future__ import annotations

import pytest

from services.frontend_v2 import SlidingWindowType
from tests.services.breaker_support import Backend, FakeClock, fail, new_breaker, succeed

pytestmark = pytest.mark.anyio

TIME_BASED = SlidingWindowType.TIME_BASED


async def test_outcomes_leave_the_window_after_its_seconds(clock: FakeClock) -> None:
    """ "If slidingWindowSize is 10 and slidingWindowType is TIME_BASED, the calls of the last
    10 seconds are recorded and aggregated": the current second and the nine before it."""
    breaker = new_breaker(clock, sliding_window_type=TIME_BASED, window_size=10)
    backend = Backend(clock)
    await fail(breaker, backend, 3)
    clock.advance(9.9)
    assert breaker.snapshot().buffered_calls == 3
    await succeed(breaker, backend)
    clock.advance(0.1)  # the first second has left the window, the success has not
    snap = breaker.snapshot()
    assert (snap.buffered_calls, snap.failed_calls) == (1, 0)


async def test_minimum_number_of_calls_is_not_clamped_to_the_window(clock: FakeClock) -> None:
    """ "If the slidingWindowType is TIME_BASED, the minimumNumberOfCalls may be any amount"
    (COUNT_BASED clamps it to slidingWindowSize): 5 calls within a 2-second window."""
    breaker = new_breaker(clock, sliding_window_type=TIME_BASED, window_size=2, minimum_calls=5)
    assert breaker.config.effective_minimum_calls == 5
    backend = Backend(clock)
    await fail(breaker, backend, 4)
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate) == ("closed", -1.0)
    await fail(breaker, backend)
    assert breaker.state_name == "open"


async def test_failures_spread_wider_than_the_window_never_add_up(clock: FakeClock) -> None:
    """Only the outcomes inside the window count toward minimumNumberOfCalls and the rate:
    three failures three seconds apart never meet in a 5-second window."""
    breaker = new_breaker(clock, sliding_window_type=TIME_BASED, window_size=5, minimum_calls=3)
    backend = Backend(clock)
    for _ in range(6):
        await fail(breaker, backend)
        clock.advance(3)
    snap = breaker.snapshot()
    assert (snap.state, snap.total_failed_calls) == ("closed", 6)


async def test_failure_rate_is_evaluated_over_the_window(clock: FakeClock) -> None:
    """The failure rate is ``failed * 100 / buffered`` of the window, evaluated after every
    outcome once minimumNumberOfCalls are buffered; 80 % opens."""
    breaker = new_breaker(clock, sliding_window_type=TIME_BASED, window_size=10, minimum_calls=5)
    backend = Backend(clock)
    await succeed(breaker, backend)
    clock.advance(1)
    await fail(breaker, backend, 3)
    clock.advance(1)
    await fail(breaker, backend)  # 4 of 5: 80 %
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate) == ("open", 80.0)


async def test_half_open_counts_its_trial_calls_whatever_their_time(clock: FakeClock) -> None:
    """``CircuitBreakerMetrics.forHalfOpen`` is always COUNT_BASED: trial calls spread over
    more seconds than a TIME_BASED window are still decided together."""
    breaker = new_breaker(
        clock,
        sliding_window_type=TIME_BASED,
        window_size=2,
        minimum_calls=3,
        permitted_calls_half_open=3,
    )
    backend = Backend(clock)
    await fail(breaker, backend, 3)
    assert breaker.state_name == "open"
    clock.advance(breaker.config.wait_duration_open)
    for trial in range(3):
        await succeed(breaker, backend)
        assert breaker.state_name == ("closed" if trial == 2 else "half_open")
        clock.advance(5)


def test_count_based_is_the_default() -> None:
    """Resilience4j's default ``slidingWindowType`` is COUNT_BASED."""
    assert new_breaker(FakeClock()).config.sliding_window_type is SlidingWindowType.COUNT_BASED
