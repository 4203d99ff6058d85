"""The breaker's events (``CircuitBreakerEvent``) and the bounded buffer the actuator reads
(``CircularEventConsumer``). Each docstring cites the Resilience4j rule."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.frontend.client import BackendUnavailable
from services.frontend_v2 import CallNotPermittedError, CircularEventConsumer, EventType
from tests.services.breaker_support import (
    Backend,
    FakeClock,
    Recorder,
    fail,
    new_breaker,
    run,
    trip,
)

pytestmark = pytest.mark.anyio


async def test_a_trip_publishes_errors_then_the_crossing_then_the_transition(
    clock: FakeClock,
) -> None:
    """``onError`` publishes ERROR before recording the outcome; the closed state publishes
    FAILURE_RATE_EXCEEDED, then transitions (STATE_TRANSITION CLOSED_TO_OPEN); a rejected
    call publishes NOT_PERMITTED."""
    breaker = new_breaker(clock)
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    await run(breaker, backend.ok, 2)
    await fail(breaker, backend, 8)
    with pytest.raises(CallNotPermittedError):
        await breaker.call_async(backend.ok)
    assert events.types == [
        *["SUCCESS"] * 2,
        *["ERROR"] * 8,
        "FAILURE_RATE_EXCEEDED",
        "STATE_TRANSITION",
        "NOT_PERMITTED",
    ]
    crossing, transition = events.events[10:12]
    assert (crossing.rate, transition.state_transition) == (80.0, "CLOSED_TO_OPEN")


async def test_the_event_dto_has_resilience4j_field_names(clock: FakeClock) -> None:
    """``CircuitBreakerEventDTO``: circuitBreakerName, type, creationTime, errorMessage (the
    exception's ``toString``), durationInMs, stateTransition; a field an event does not have
    is left out, as the actuator's JSON shows."""
    breaker = new_breaker(clock)
    events = Recorder()
    breaker.events.add_consumer(events)
    backend = Backend(clock)
    await run(breaker, backend.taking(0.25))
    await run(breaker, backend.taking(1.5, failure="http_5xx"), 9)
    success, error = events.events[0].to_dto(), events.events[1].to_dto()
    transition = events.events[-1].to_dto()
    assert set(success) == {"circuitBreakerName", "type", "creationTime", "durationInMs"}
    assert (success["circuitBreakerName"], success["type"], success["durationInMs"]) == (
        "test",
        "SUCCESS",
        250,
    )
    assert error["errorMessage"] == (
        "services.frontend.client.BackendUnavailable: failed (http_5xx)"
    )
    assert (error["type"], error["durationInMs"]) == ("ERROR", 1500)
    assert set(transition) == {"circuitBreakerName", "type", "creationTime", "stateTransition"}
    assert transition["stateTransition"] == "CLOSED_TO_OPEN"
    created = datetime.fromisoformat(success["creationTime"])
    assert created.utcoffset() is not None
    assert abs((datetime.now(created.tzinfo) - created).total_seconds()) < 60


def test_the_buffer_keeps_the_latest_events_oldest_first() -> None:
    """``CircularEventConsumer`` holds at most eventConsumerBufferSize events, dropping the
    oldest."""
    buffer = CircularEventConsumer(3)
    breaker = new_breaker(FakeClock())
    breaker.events.add_consumer(buffer)
    for _ in range(5):
        breaker.transition_to_forced_open_state()
        breaker.transition_to_closed_state()
    kept = buffer.buffered()
    assert len(kept) == 3
    assert [e.state_transition for e in kept] == [
        "FORCED_OPEN_TO_CLOSED",
        "CLOSED_TO_FORCED_OPEN",
        "FORCED_OPEN_TO_CLOSED",
    ]
    assert kept[0].creation_time <= kept[1].creation_time <= kept[2].creation_time


async def test_half_open_rejections_are_published(clock: FakeClock) -> None:
    """HALF_OPEN publishes call events: a call past the permitted trial calls is
    NOT_PERMITTED, and every trial its SUCCESS or ERROR."""
    breaker = new_breaker(clock, permitted_calls_half_open=1)
    events = Recorder()
    backend = Backend(clock)
    await trip(breaker, backend)
    clock.advance(breaker.config.wait_duration_open)
    breaker.events.add_consumer(events)

    async def trial_that_is_overtaken() -> str:
        with pytest.raises(CallNotPermittedError):
            await breaker.call_async(backend.ok)  # the only permit is taken by this trial
        raise BackendUnavailable("down", "connect_error")

    await run(breaker, trial_that_is_overtaken)
    assert [e.type for e in events.events] == [
        EventType.STATE_TRANSITION,
        EventType.NOT_PERMITTED,
        EventType.ERROR,
        EventType.STATE_TRANSITION,
    ]
    assert [e.state_transition for e in events.events if e.state_transition] == [
        "OPEN_TO_HALF_OPEN",
        "HALF_OPEN_TO_OPEN",
    ]
