"""The special states Resilience4j adds to CLOSED/OPEN/HALF_OPEN: DISABLED, FORCED_OPEN and
METRICS_ONLY, entered and left only by an explicit transition. Each docstring cites the rule
(``CircuitBreaker``'s javadoc, ``CircuitBreakerStateMachine``'s state classes)."""

from __future__ import annotations

import pybreaker
import pytest

from services.frontend_v2 import CallNotPermittedError
from tests.services.breaker_support import (
    Backend,
    FakeClock,
    Recorder,
    fail,
    new_breaker,
    succeed,
    trip,
)

pytestmark = pytest.mark.anyio


async def test_disabled_admits_every_call_and_records_nothing(clock: FakeClock) -> None:
    """transitionToDisabledState: "stopping state transition, metrics and event publishing
    ... allowing all calls to pass": failures never open it and publish no call event."""
    breaker = new_breaker(clock)
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    breaker.transition_to_disabled_state()
    await fail(breaker, backend, 30)
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls, snap.failure_rate) == ("disabled", 0, -1.0)
    assert backend.calls == 30
    assert events.types == ["STATE_TRANSITION"]
    assert events.events[0].state_transition == "CLOSED_TO_DISABLED"


async def test_forced_open_rejects_every_call_without_publishing_them(clock: FakeClock) -> None:
    """transitionToForcedOpenState: "allowing no call to pass"; ``ForcedOpenState`` counts
    each rejection in notPermittedCalls, but FORCED_OPEN does not publish call events."""
    breaker = new_breaker(clock)
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    breaker.transition_to_forced_open_state()
    for _ in range(4):
        with pytest.raises(CallNotPermittedError, match="forced_open"):
            await breaker.call_async(backend.ok)
    clock.advance(3600)  # no wait ends a forced-open state
    with pytest.raises(CallNotPermittedError):
        await breaker.call_async(backend.ok)
    snap = breaker.snapshot()
    assert (snap.state, snap.not_permitted_calls, backend.calls) == ("forced_open", 5, 0)
    assert events.types == ["STATE_TRANSITION"]


async def test_metrics_only_records_but_never_opens(clock: FakeClock) -> None:
    """transitionToMetricsOnlyState: "stopping all state transitions but continues to capture
    metrics and publish events"; a rate over its threshold is announced once
    (FAILURE_RATE_EXCEEDED), the calls keep going through."""
    breaker = new_breaker(clock)
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    breaker.transition_to_metrics_only_state()
    await fail(breaker, backend, 25)
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls, snap.failure_rate) == ("metrics_only", 10, 100.0)
    assert backend.calls == 25
    assert events.types.count("ERROR") == 25
    assert events.types.count("FAILURE_RATE_EXCEEDED") == 1
    assert events.types.count("STATE_TRANSITION") == 1


async def test_closing_from_a_special_state_starts_a_fresh_window(clock: FakeClock) -> None:
    """transitionToClosedState creates a new ``ClosedState``: the window starts empty, so the
    breaker opens again only on ten new outcomes."""
    breaker = new_breaker(clock)
    backend = Backend(clock)
    breaker.transition_to_metrics_only_state()
    await fail(breaker, backend, 10)
    breaker.transition_to_closed_state()
    snap = breaker.snapshot()
    assert (snap.state, snap.buffered_calls) == ("closed", 0)
    await fail(breaker, backend, 9)
    assert breaker.state_name == "closed"
    await fail(breaker, backend)
    assert breaker.state_name == "open"


async def test_special_states_can_be_entered_from_open_and_left_to_closed(
    clock: FakeClock,
) -> None:
    """``StateTransition`` allows OPEN_TO_FORCED_OPEN, FORCED_OPEN_TO_DISABLED and
    DISABLED_TO_CLOSED; each transition is published with that name, and pybreaker's
    listeners hear of it too."""
    changes: list[tuple[str, str]] = []

    class Listener(pybreaker.CircuitBreakerListener):
        def state_change(
            self,
            cb: pybreaker.CircuitBreaker,
            old_state: pybreaker.CircuitBreakerState | None,
            new_state: pybreaker.CircuitBreakerState,
        ) -> None:
            changes.append((old_state.name if old_state else "", new_state.name))

    breaker = new_breaker(clock)
    breaker.add_listener(Listener())
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    await trip(breaker, backend)
    breaker.transition_to_forced_open_state()
    breaker.transition_to_disabled_state()
    breaker.transition_to_closed_state()
    await succeed(breaker, backend)
    assert [e.state_transition for e in events.events if e.state_transition] == [
        "CLOSED_TO_OPEN",
        "OPEN_TO_FORCED_OPEN",
        "FORCED_OPEN_TO_DISABLED",
        "DISABLED_TO_CLOSED",
    ]
    assert changes[1:] == [
        ("open", "forced-open"),
        ("forced-open", "disabled"),
        ("disabled", "closed"),
    ]


async def test_a_transition_to_the_current_state_changes_nothing(clock: FakeClock) -> None:
    """The transitions are idempotent ("will not have any effect if the state machine is
    already in" that state): no event, the window kept."""
    breaker = new_breaker(clock)
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    await fail(breaker, backend, 3)
    breaker.transition_to_closed_state()
    assert breaker.snapshot().buffered_calls == 3
    breaker.transition_to_metrics_only_state()
    breaker.transition_to_metrics_only_state()
    assert [e.state_transition for e in events.events if e.state_transition] == [
        "CLOSED_TO_METRICS_ONLY"
    ]
