"""Transitions a timer takes, not a call: ``automaticTransitionFromOpenToHalfOpenEnabled`` and
``maxWaitDurationInHalfOpenState``. The fake clock is also the breaker's scheduler, so the
timers fire as the test advances it. Each docstring cites the Resilience4j rule."""

from __future__ import annotations

import time

import pytest

from services.frontend_v2 import BreakerConfig, SlidingWindowCircuitBreaker
from testbed.polling import wait_until
from tests.services.breaker_support import (
    Backend,
    FakeClock,
    Recorder,
    fail,
    new_breaker,
    succeed,
    to_half_open,
    trip,
)

pytestmark = pytest.mark.anyio


async def test_automatic_transition_half_opens_without_a_call(clock: FakeClock) -> None:
    """automaticTransitionFromOpenToHalfOpenEnabled: "the CircuitBreaker will automatically
    transition from open to half-open state once the waitDurationInOpenState passes", a timer
    (``OpenState``'s scheduled ``toHalfOpenState``), not the next call."""
    breaker = new_breaker(clock, automatic_transition_open_to_half_open=True)
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    await trip(breaker, backend)
    ran = backend.calls
    clock.advance(breaker.config.wait_duration_open - 0.001)
    assert breaker.state_name == "open"
    clock.advance(0.001)
    assert breaker.state_name == "half_open"
    assert backend.calls == ran
    assert [e.state_transition for e in events.events if e.state_transition] == [
        "CLOSED_TO_OPEN",
        "OPEN_TO_HALF_OPEN",
    ]
    assert breaker.snapshot().buffered_calls == 0  # half-open's fresh window


async def test_without_automatic_transition_only_a_call_half_opens(clock: FakeClock) -> None:
    """Resilience4j's default (false): the breaker stays OPEN after the wait until a call
    asks for a permission, and no timer is even scheduled."""
    breaker = new_breaker(clock)
    backend = Backend(clock)
    await trip(breaker, backend)
    assert clock.pending == []
    clock.advance(3600)
    assert breaker.state_name == "open"


async def test_leaving_open_first_cancels_the_automatic_transition(clock: FakeClock) -> None:
    """``OpenState.preTransitionHook`` cancels the scheduled transition: a breaker closed by
    hand during the wait is not half-opened by the old timer."""
    breaker = new_breaker(clock, automatic_transition_open_to_half_open=True)
    backend = Backend(clock)
    await trip(breaker, backend)
    assert len(clock.pending) == 1
    breaker.transition_to_closed_state()
    assert clock.pending == []
    clock.advance(breaker.config.wait_duration_open * 2)
    assert breaker.state_name == "closed"


async def test_max_wait_in_half_open_opens_again_without_a_decision(clock: FakeClock) -> None:
    """maxWaitDurationInHalfOpenState: "how long the CircuitBreaker should stay in Half Open
    state, before it switches to open"; a half-open breaker still short of its trial calls
    when it runs out goes back to OPEN (and waits waitDurationInOpenState again)."""
    breaker = new_breaker(clock, max_wait_duration_half_open=5.0)
    backend = Backend(clock)
    await to_half_open(breaker, backend, clock)
    await succeed(breaker, backend, 3)  # 3 of 10 trial calls: no decision yet
    clock.advance(4.999)
    assert breaker.state_name == "half_open"
    clock.advance(0.001)
    assert breaker.state_name == "open"
    clock.advance(breaker.config.wait_duration_open)
    await succeed(breaker, backend)
    assert breaker.state_name == "half_open"


async def test_a_decision_before_the_max_wait_cancels_it(clock: FakeClock) -> None:
    """``HalfOpenState.preTransitionHook`` cancels the max-wait timer: a breaker that closed on
    its trial calls is not opened by it afterwards."""
    breaker = new_breaker(clock, max_wait_duration_half_open=5.0)
    backend = Backend(clock)
    await to_half_open(breaker, backend, clock)
    await succeed(breaker, backend, 10)
    assert breaker.state_name == "closed"
    clock.advance(10)
    assert breaker.state_name == "closed"


async def test_half_open_waits_for_its_trial_calls_by_default(clock: FakeClock) -> None:
    """maxWaitDurationInHalfOpenState defaults to 0: "CircuitBreaker will stay in Half Open
    state until minimumNumberOfCalls is completed with either success or failure"."""
    breaker = new_breaker(clock)
    backend = Backend(clock)
    await to_half_open(breaker, backend, clock)
    await fail(breaker, backend, 9)
    clock.advance(3600)
    assert breaker.state_name == "half_open"


async def test_the_default_scheduler_fires_on_real_time() -> None:
    """The breaker the app builds schedules on a real timer thread (Resilience4j's scheduled
    executor): with a 50 ms wait it half-opens by itself, with nobody calling."""
    breaker = SlidingWindowCircuitBreaker(
        BreakerConfig(wait_duration_open=0.05, automatic_transition_open_to_half_open=True)
    )
    await trip(breaker, Backend())
    started = time.monotonic()
    wait_until(lambda: breaker.state_name == "half_open", timeout=5, interval=0.01)
    assert time.monotonic() - started >= 0.04
