"""The v2 breaker's COUNT_BASED window and its three states, one test per fact of SPEC's "The
v2 circuit breaker" section; each docstring cites the Resilience4j rule it checks.

A fake clock drives the open-state wait, so no test sleeps through it.
"""

from __future__ import annotations

import asyncio

import pybreaker
import pytest

from services.frontend_v2 import BreakerConfig, CallNotPermittedError, SlidingWindowCircuitBreaker
from tests.services.breaker_support import (
    Backend,
    FakeClock,
    fail,
    new_breaker,
    succeed,
    to_half_open,
    trip,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def breaker(clock: FakeClock) -> SlidingWindowCircuitBreaker:
    return new_breaker(clock)


def test_defaults_are_resilience4j_values_with_minimum_clamped_to_window() -> None:
    """The original's slidingWindowSize(10) and failureRateThreshold(80), Resilience4j's defaults
    otherwise; COUNT_BASED clamps minimumNumberOfCalls (100) to the window size."""
    config = BreakerConfig()
    assert (config.window_size, config.failure_rate_threshold) == (10, 80.0)
    assert (config.minimum_calls, config.effective_minimum_calls) == (100, 10)
    assert (config.wait_duration_open, config.permitted_calls_half_open) == (60.0, 10)
    assert isinstance(SlidingWindowCircuitBreaker(config), pybreaker.CircuitBreaker)


async def test_opens_on_eighth_consecutive_failure_after_ten_successes(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    """COUNT_BASED: the rate of the last 10 outcomes is evaluated after each one; "if the failure
    rate is equal to or greater than the threshold", 8 of 10, the breaker opens."""
    backend = Backend()
    await succeed(breaker, backend, 10)
    for n in range(1, 8):
        await fail(breaker, backend)
        assert breaker.state_name == "closed", f"opened after {n} failures"
    assert breaker.snapshot().failure_rate == 70.0
    await fail(breaker, backend)
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate, snap.failed_calls) == ("open", 80.0, 8)


async def test_fresh_breaker_opens_on_call_ten_and_not_before(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    """ "If only 9 calls have been recorded, the CircuitBreaker will not transition to open, even
    if all 9 calls have failed" (minimumNumberOfCalls, clamped to 10); the rate reads -1."""
    backend = Backend()
    for n in range(1, 10):
        await fail(breaker, backend)
        snap = breaker.snapshot()
        assert (snap.state, snap.buffered_calls, snap.failure_rate) == ("closed", n, -1.0)
    await fail(breaker, backend)
    assert breaker.state_name == "open"


async def test_fresh_breaker_opens_on_call_ten_with_exactly_eight_failures(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    """The threshold is inclusive: exactly 80 % at the 10th outcome opens."""
    backend = Backend()
    await succeed(breaker, backend, 2)
    await fail(breaker, backend, 7)
    assert breaker.state_name == "closed"
    await fail(breaker, backend)
    assert breaker.state_name == "open"


async def test_fresh_breaker_with_seven_failures_in_ten_stays_closed(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    """Below failureRateThreshold (70 % < 80 %) the breaker stays closed."""
    backend = Backend()
    await succeed(breaker, backend, 3)
    await fail(breaker, backend, 7)
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate) == ("closed", 70.0)


async def test_open_rejects_without_touching_the_backend(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """OPEN: "all calls are rejected with a CallNotPermittedException" until
    waitDurationInOpenState has passed; each is counted in notPermittedCalls."""
    backend = Backend()
    await trip(breaker, backend)
    ran = backend.calls
    clock.advance(breaker.config.wait_duration_open - 0.001)
    for _ in range(5):
        with pytest.raises(CallNotPermittedError):
            await breaker.call_async(backend.ok)
    assert backend.calls == ran
    snap = breaker.snapshot()
    assert (snap.state, snap.not_permitted_calls, snap.total_not_permitted_calls) == ("open", 5, 5)


async def test_state_stays_open_after_the_wait_until_a_call_arrives(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """Without automaticTransitionFromOpenToHalfOpenEnabled nothing moves an open breaker
    until a call asks for a permission."""
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    assert breaker.state_name == "open"  # no timer-driven transition


async def test_first_call_after_the_wait_moves_to_half_open(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """``OpenState.tryAcquirePermission``: once the wait is over, the asking call moves the
    breaker to HALF_OPEN and is its first trial call."""
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    ran = backend.calls
    await succeed(breaker, backend)
    assert backend.calls == ran + 1
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls, snap.failed_calls) == ("half_open", 1, 0)


async def test_exactly_ten_trial_calls_are_admitted_in_half_open(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """HALF_OPEN admits permittedNumberOfCallsInHalfOpenState trial calls; further calls are
    rejected until the trials are decided."""
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    gate = asyncio.Event()
    admitted = 0

    async def slow() -> str:
        nonlocal admitted
        admitted += 1
        await gate.wait()
        return "ok"

    tasks = [asyncio.create_task(breaker.call_async(slow)) for _ in range(25)]
    await asyncio.sleep(0)
    assert admitted == 10
    assert breaker.snapshot().not_permitted_calls == 15
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert sum(r == "ok" for r in results) == 10
    assert sum(isinstance(r, CallNotPermittedError) for r in results) == 15
    assert breaker.state_name == "closed"


async def test_half_open_decides_at_the_tenth_outcome_and_reopens_at_eighty_percent(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """Half-open decides once its window holds the trial outcomes: a rate at or over the
    threshold opens the breaker again."""
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    await succeed(breaker, backend, 2)
    await fail(breaker, backend, 7)
    assert breaker.state_name == "half_open"  # nine outcomes: no decision yet
    await fail(breaker, backend)
    assert breaker.state_name == "open"
    with pytest.raises(CallNotPermittedError):
        await breaker.call_async(backend.ok)


async def test_half_open_closes_with_an_empty_window_below_eighty_percent(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """Below the threshold half-open closes, and ``transitionToClosedState`` starts a new
    ``ClosedState`` with an empty window."""
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    await succeed(breaker, backend, 3)
    await fail(breaker, backend, 6)
    assert breaker.state_name == "half_open"
    await fail(breaker, backend)  # 7 of 10 failed: 70 % < 80 %
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls, snap.failed_calls, snap.failure_rate) == (
        "closed",
        0,
        0,
        -1.0,
    )
    # An empty window: the next nine failures are not evaluated, the tenth opens.
    await fail(breaker, backend, 9)
    assert breaker.state_name == "closed"
    await fail(breaker, backend)
    assert breaker.state_name == "open"


async def test_cancelled_call_is_neither_success_nor_failure(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    """A call that never finished has no outcome to record (Resilience4j records only
    ``onSuccess``/``onError``); SPEC: a cancelled request counts as neither."""
    backend = Backend()
    await succeed(breaker, backend, 3)
    gate = asyncio.Event()

    async def hang() -> str:
        await gate.wait()
        return "never"

    task = asyncio.create_task(breaker.call_async(hang))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    snap = breaker.snapshot()
    assert (snap.buffered_calls, snap.failed_calls, snap.total_successful_calls) == (3, 0, 3)
    assert (snap.total_failed_calls, snap.total_cancelled_calls) == (0, 1)


async def test_cancelled_trial_call_returns_its_half_open_permit(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """ "If the call is cancelled before it is invoked, you have to release the permission
    again" (``releasePermission``): the half-open permit of a cancelled trial goes back."""
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "ok"

    trials = [asyncio.create_task(breaker.call_async(slow)) for _ in range(10)]
    await asyncio.sleep(0)
    with pytest.raises(CallNotPermittedError):
        await breaker.call_async(backend.ok)
    trials[0].cancel()
    await asyncio.gather(trials[0], return_exceptions=True)
    ran = backend.calls
    assert await breaker.call_async(backend.ok) == "ok"  # the returned permit is taken
    assert backend.calls == ran + 1
    with pytest.raises(CallNotPermittedError):
        await breaker.call_async(backend.ok)
    gate.set()
    await asyncio.gather(*trials[1:])
    snap = breaker.snapshot()
    assert (snap.state, snap.total_cancelled_calls) == ("closed", 1)


async def test_tripping_call_raises_its_own_error_and_state_changes_reach_listeners(
    clock: FakeClock,
) -> None:
    """The call that trips the breaker fails with its own error (a decorated call rethrows
    it); pybreaker's listeners hear every state change."""
    changes: list[tuple[str, str]] = []

    class Recorder(pybreaker.CircuitBreakerListener):
        def state_change(
            self,
            cb: pybreaker.CircuitBreaker,
            old_state: pybreaker.CircuitBreakerState | None,
            new_state: pybreaker.CircuitBreakerState,
        ) -> None:
            changes.append((old_state.name if old_state else "", new_state.name))

    breaker = SlidingWindowCircuitBreaker(clock=clock, scheduler=clock, listeners=[Recorder()])
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    await succeed(breaker, backend, 10)
    assert changes == [("closed", "open"), ("open", "half-open"), ("half-open", "closed")]


async def test_decorator_guards_async_functions(breaker: SlidingWindowCircuitBreaker) -> None:
    """``@breaker`` decorates coroutines as ``CircuitBreaker.decorate*`` does suppliers."""
    calls = 0

    @breaker
    async def flaky() -> str:
        nonlocal calls
        calls += 1
        raise ConnectionError("refused")

    for _ in range(10):
        with pytest.raises(ConnectionError):
            await flaky()
    assert breaker.state_name == "open"
    with pytest.raises(CallNotPermittedError):
        await flaky()
    assert calls == 10


def test_invalid_config_is_refused() -> None:
    """The builder's checks: "failureRateThreshold must be between 1 and 100",
    "slidingWindowSize must be greater than 0"."""
    with pytest.raises(ValueError, match="failure_rate_threshold"):
        BreakerConfig(failure_rate_threshold=0)
    with pytest.raises(ValueError, match="window_size"):
        BreakerConfig(window_size=0)
    with pytest.raises(ValueError, match="slow_call_rate_threshold"):
        BreakerConfig(slow_call_rate_threshold=101)
    with pytest.raises(ValueError, match="max_wait_duration_half_open"):
        BreakerConfig(max_wait_duration_half_open=0.0005)


async def test_half_open_decides_at_minimum_calls_when_fewer_than_permitted(
    clock: FakeClock,
) -> None:
    """``CircuitBreakerMetrics.forHalfOpen`` is a COUNT_BASED window of the trial calls whose
    minimumNumberOfCalls is clamped to permittedNumberOfCallsInHalfOpenState: with a minimum
    of 5 the decision comes at the 5th trial outcome, not the 10th."""
    breaker = new_breaker(clock, minimum_calls=5)
    backend = Backend(clock)
    await fail(breaker, backend, 5)
    assert breaker.state_name == "open"
    clock.advance(breaker.config.wait_duration_open)
    await succeed(breaker, backend, 4)
    assert breaker.state_name == "half_open"
    await succeed(breaker, backend)
    assert breaker.state_name == "closed"
