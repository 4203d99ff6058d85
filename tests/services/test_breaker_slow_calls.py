"""Slow calls: ``slowCallDurationThreshold`` and ``slowCallRateThreshold``.

Each docstring cites the Resilience4j rule it checks (``CircuitBreakerConfig``'s javadoc and
``CircuitBreakerMetrics``). The fake clock moves while a call runs, so a call is as slow as
the test says without the test sleeping.
"""

from __future__ import annotations

import pytest

from tests.services.breaker_support import Backend, FakeClock, new_breaker, run, to_half_open

pytestmark = pytest.mark.anyio


async def test_a_call_is_slow_only_when_longer_than_the_threshold(clock: FakeClock) -> None:
    """ "The CircuitBreaker considers a call as slow when the call duration is greater than
    slowCallDurationThreshold" (``duration > threshold``, not ``>=``)."""
    breaker = new_breaker(clock, slow_call_duration_threshold=0.5)
    backend = Backend(clock)
    await run(breaker, backend.taking(0.5))
    assert breaker.snapshot().slow_calls == 0
    await run(breaker, backend.taking(0.501))
    snap = breaker.snapshot()
    assert (snap.buffered_calls, snap.slow_calls, snap.slow_failed_calls) == (2, 1, 0)


async def test_slow_call_rate_at_the_threshold_opens_even_with_no_failure(
    clock: FakeClock,
) -> None:
    """ "When the percentage of slow calls is equal or greater the threshold, the
    CircuitBreaker transitions to open": evaluated, like the failure rate, once
    minimumNumberOfCalls outcomes are buffered."""
    breaker = new_breaker(clock, slow_call_duration_threshold=0.5, slow_call_rate_threshold=50)
    backend = Backend(clock)
    await run(breaker, backend.taking(0.1), 5)
    await run(breaker, backend.taking(2.0), 4)
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls, snap.slow_calls) == ("closed", 9, 4)
    await run(breaker, backend.taking(2.0))  # the tenth outcome: 5 slow of 10 = 50 %
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate, snap.slow_call_rate) == ("open", 0.0, 50.0)


async def test_below_the_slow_call_rate_threshold_the_breaker_stays_closed(
    clock: FakeClock,
) -> None:
    """Slow calls under ``slowCallRateThreshold`` open nothing: 4 slow of 10 against 50 %."""
    breaker = new_breaker(clock, slow_call_duration_threshold=0.5, slow_call_rate_threshold=50)
    backend = Backend(clock)
    await run(breaker, backend.taking(0.1), 6)
    await run(breaker, backend.taking(2.0), 4)
    snap = breaker.snapshot()
    assert (snap.state, snap.slow_call_rate) == ("closed", 40.0)


async def test_a_slow_failure_counts_toward_both_rates(clock: FakeClock) -> None:
    """``CircuitBreakerMetrics.onError``: a failed call over the threshold is recorded as
    SLOW_ERROR, in the failure rate and in the slow-call rate (``slowFailedCalls``)."""
    breaker = new_breaker(clock, slow_call_duration_threshold=0.5)
    backend = Backend(clock)
    await run(breaker, backend.taking(1.0, failure="timeout"), 3)
    await run(breaker, backend.taking(1.0), 2)
    snap = breaker.snapshot()
    assert (snap.failed_calls, snap.slow_calls, snap.slow_failed_calls) == (3, 5, 3)


async def test_either_rate_at_its_threshold_opens(clock: FakeClock) -> None:
    """``checkIfThresholdsExceeded``: the failure rate *or* the slow-call rate at or over its
    threshold opens; here 40 % failures (threshold 50) and 50 % slow calls (threshold 50)."""
    breaker = new_breaker(
        clock,
        failure_rate_threshold=50,
        slow_call_duration_threshold=0.5,
        slow_call_rate_threshold=50,
    )
    backend = Backend(clock)
    await run(breaker, backend.taking(0.1, failure="http_5xx"), 4)
    await run(breaker, backend.taking(0.1))
    await run(breaker, backend.taking(1.0), 4)
    assert breaker.state_name == "closed"
    await run(breaker, backend.taking(1.0))
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate, snap.slow_call_rate) == ("open", 40.0, 50.0)


async def test_slow_trial_calls_reopen_a_half_open_breaker(clock: FakeClock) -> None:
    """Half-open evaluates both rates on its trial calls: successful but slow trials at the
    slow-call rate threshold open the breaker again instead of closing it."""
    breaker = new_breaker(clock, slow_call_duration_threshold=0.5, slow_call_rate_threshold=80)
    backend = Backend(clock)
    await to_half_open(breaker, backend, clock)
    await run(breaker, backend.taking(0.1), 2)
    await run(breaker, backend.taking(3.0), 7)
    assert breaker.state_name == "half_open"
    await run(breaker, backend.taking(3.0))
    snap = breaker.snapshot()
    assert (snap.state, snap.failed_calls, snap.slow_call_rate) == ("open", 0, 80.0)


async def test_the_defaults_leave_the_tutorial_unchanged(clock: FakeClock) -> None:
    """Resilience4j's defaults, slowCallDurationThreshold 60 s and slowCallRateThreshold 100 %:
    calls shorter than a minute are never slow (the frontend's backend timeout is 2 s), so
    only the failure rate decides, as before slow calls existed."""
    breaker = new_breaker(clock)
    assert (
        breaker.config.slow_call_duration_threshold,
        breaker.config.slow_call_rate_threshold,
    ) == (
        60.0,
        100.0,
    )
    backend = Backend(clock)
    await run(breaker, backend.taking(59.0), 10)
    snap = breaker.snapshot()
    assert (snap.state, snap.slow_calls, snap.slow_call_rate) == ("closed", 0, 0.0)
