"""The bulkhead against Resilience4j's documented ``SemaphoreBulkhead`` behaviour:
``maxConcurrentCalls`` permits, ``maxWaitDuration`` 0 rejects at once, a wait > 0 waits (in
arrival order) then rejects, a permit comes back on success, failure and cancellation, and
the metrics and events say so."""

from __future__ import annotations

import asyncio

import pytest

from services.frontend.bulkhead import (
    BulkheadConfig,
    BulkheadEventType,
    BulkheadFullError,
    SemaphoreBulkhead,
)

pytestmark = pytest.mark.anyio

#: Long enough never to run out in a test that expects a permit; the tests wait on events,
#: never on the clock.
LONG_WAIT = 30.0


def types(bulkhead: SemaphoreBulkhead) -> list[str]:
    return [event.type.value for event in bulkhead.events]


def test_defaults_are_resilience4js() -> None:
    config = BulkheadConfig()
    assert (config.max_concurrent_calls, config.max_wait_duration) == (25, 0.0)
    bulkhead = SemaphoreBulkhead("backend")
    assert bulkhead.available_concurrent_calls == bulkhead.max_allowed_concurrent_calls == 25


@pytest.mark.parametrize("field", ["max_concurrent_calls", "max_wait_duration"])
def test_negative_settings_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        BulkheadConfig(**{field: -1})


async def test_max_concurrent_calls_permits_then_rejects_at_once() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(max_concurrent_calls=2))
    await bulkhead.acquire_permission()
    await bulkhead.acquire_permission()
    assert bulkhead.available_concurrent_calls == 0
    with pytest.raises(BulkheadFullError) as rejected:
        await bulkhead.acquire_permission()
    assert str(rejected.value) == "Bulkhead 'backend' is full and does not permit further calls"
    assert types(bulkhead) == ["CALL_PERMITTED", "CALL_PERMITTED", "CALL_REJECTED"]
    assert bulkhead.try_acquire_permission() is False


async def test_no_wait_means_no_wait_even_when_a_permit_is_about_to_come_back() -> None:
    """maxWaitDuration 0: rejected on the spot, though a permit is released on the very next
    turn of the event loop."""
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(max_concurrent_calls=1))
    await bulkhead.acquire_permission()
    asyncio.get_running_loop().call_soon(bulkhead.on_complete)
    with pytest.raises(BulkheadFullError):
        await bulkhead.acquire_permission()
    await asyncio.sleep(0)
    assert bulkhead.available_concurrent_calls == 1


async def test_zero_permits_rejects_everything() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(max_concurrent_calls=0))
    with pytest.raises(BulkheadFullError):
        await bulkhead.acquire_permission()


async def test_a_waiting_call_gets_the_permit_released_in_time() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(1, max_wait_duration=LONG_WAIT))
    await bulkhead.acquire_permission()
    waiting = asyncio.ensure_future(bulkhead.acquire_permission())
    await asyncio.sleep(0)
    assert not waiting.done()
    bulkhead.on_complete()
    await waiting
    assert bulkhead.available_concurrent_calls == 0  # handed over, not returned to the pool
    assert types(bulkhead) == ["CALL_PERMITTED", "CALL_FINISHED", "CALL_PERMITTED"]


async def test_a_waiting_call_is_rejected_when_the_wait_runs_out() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(1, max_wait_duration=0.01))
    await bulkhead.acquire_permission()
    with pytest.raises(BulkheadFullError):
        await bulkhead.acquire_permission()
    assert types(bulkhead) == ["CALL_PERMITTED", "CALL_REJECTED"]
    bulkhead.on_complete()
    assert bulkhead.available_concurrent_calls == 1  # the rejected call left nothing behind


async def test_waiting_calls_are_served_in_arrival_order() -> None:
    """Resilience4j's semaphore is fair; a new call does not overtake the ones waiting."""
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(1, max_wait_duration=LONG_WAIT))
    await bulkhead.acquire_permission()
    served: list[int] = []

    async def call(n: int) -> None:
        await bulkhead.acquire_permission()
        served.append(n)

    waiters = [asyncio.ensure_future(call(n)) for n in range(3)]
    await asyncio.sleep(0)
    assert bulkhead.try_acquire_permission() is False  # no barging past the queue
    for _ in waiters:
        bulkhead.on_complete()
        await asyncio.sleep(0)
    await asyncio.gather(*waiters)
    assert served == [0, 1, 2]


async def test_the_permit_comes_back_after_success_and_after_failure() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(max_concurrent_calls=1))
    async with bulkhead.permit():
        assert bulkhead.available_concurrent_calls == 0
    assert bulkhead.available_concurrent_calls == 1
    with pytest.raises(RuntimeError):
        async with bulkhead.permit():
            raise RuntimeError("the backend failed")
    assert bulkhead.available_concurrent_calls == 1
    assert types(bulkhead) == ["CALL_PERMITTED", "CALL_FINISHED"] * 2


async def test_cancellation_gives_the_permit_back_whether_running_or_waiting() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(1, max_wait_duration=LONG_WAIT))
    started = asyncio.Event()

    async def hold() -> None:
        async with bulkhead.permit():
            started.set()
            await asyncio.Event().wait()

    running = asyncio.ensure_future(hold())
    await started.wait()
    waiting = asyncio.ensure_future(bulkhead.acquire_permission())
    await asyncio.sleep(0)
    waiting.cancel()
    running.cancel()
    await asyncio.gather(running, waiting, return_exceptions=True)
    assert bulkhead.available_concurrent_calls == 1
    assert bulkhead.try_acquire_permission() is True


async def test_a_permit_handed_to_a_call_cancelled_meanwhile_is_not_lost() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(1, max_wait_duration=LONG_WAIT))
    await bulkhead.acquire_permission()
    waiting = asyncio.ensure_future(bulkhead.acquire_permission())
    await asyncio.sleep(0)
    bulkhead.on_complete()  # hands the permit to the waiter...
    waiting.cancel()  # ...which is cancelled before it runs again
    await asyncio.gather(waiting, return_exceptions=True)
    assert bulkhead.available_concurrent_calls == 1


async def test_metrics_and_events() -> None:
    bulkhead = SemaphoreBulkhead("backend", BulkheadConfig(max_concurrent_calls=1))
    async with bulkhead.permit():
        assert bulkhead.try_acquire_permission() is False
    assert bulkhead.counts == {
        BulkheadEventType.CALL_PERMITTED: 1,
        BulkheadEventType.CALL_REJECTED: 1,
        BulkheadEventType.CALL_FINISHED: 1,
    }
    dto = bulkhead.events[1].to_dto()
    assert set(dto) == {"bulkheadName", "type", "creationTime"}
    assert (dto["bulkheadName"], dto["type"]) == ("backend", "CALL_REJECTED")
    assert dto["creationTime"].endswith("+00:00")
