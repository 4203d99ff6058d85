"""The v2 breaker under concurrency: many calls at once, from coroutines and from threads, and
no lock held while a guarded call awaits. Each docstring cites the rule it checks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from services.frontend_v2 import CallNotPermittedError, SlidingWindowCircuitBreaker
from tests.services.breaker_support import FakeClock, new_breaker

pytestmark = pytest.mark.anyio


@pytest.fixture
def breaker(clock: FakeClock) -> SlidingWindowCircuitBreaker:
    return new_breaker(clock)


async def test_thousand_concurrent_calls_leave_consistent_counts(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
    """The state machine is thread-safe: under interleaved calls, cancellations and
    transitions every call is counted exactly once."""
    ran = {"ok": 0, "fail": 0}
    down = True

    async def call(i: int) -> str:
        await asyncio.sleep(0)
        if down or i % 5 == 0:
            ran["fail"] += 1
            raise ConnectionError("refused")
        ran["ok"] += 1
        return "ok"

    async def one(i: int) -> str:
        for _ in range(i % 40):  # spread the calls over many loop turns
            await asyncio.sleep(0)
        try:
            return await breaker.call_async(call, i)
        except CallNotPermittedError:
            return "rejected"
        except ConnectionError:
            return "failed"

    tasks = [asyncio.create_task(one(i)) for i in range(1000)]
    for turn in range(45):
        await asyncio.sleep(0)
        down = (turn // 8) % 2 == 0  # the backend flaps
        if turn % 6 == 5:
            clock.advance(breaker.config.wait_duration_open)  # let half-open phases happen
        if turn % 4 == 0:
            for task in tasks[turn::97]:
                task.cancel()  # some inside the guarded call, some before or after it
    results = await asyncio.gather(*tasks, return_exceptions=True)
    cancelled = sum(isinstance(r, asyncio.CancelledError) for r in results)
    snap = breaker.snapshot()
    assert snap.total_successful_calls == results.count("ok") == ran["ok"]
    assert snap.total_failed_calls == results.count("failed") == ran["fail"]
    assert snap.total_not_permitted_calls == results.count("rejected")
    assert 0 < snap.total_cancelled_calls <= cancelled
    assert (
        results.count("ok") + results.count("failed") + results.count("rejected") + cancelled
        == 1000
    )
    assert snap.total_not_permitted_calls > 0  # the breaker did open during the run
    assert 0 <= snap.failed_calls <= snap.buffered_calls <= breaker.config.window_size


def test_thousand_calls_from_threads_leave_consistent_counts(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    """The same from threads: the bookkeeping holds under real concurrency."""
    counts = {"ok": 0, "failed": 0, "rejected": 0}
    lock = threading.Lock()

    def work(fn: Callable[[], str]) -> None:
        for _ in range(125):
            try:
                breaker.call(fn)
                key = "ok"
            except CallNotPermittedError:
                key = "rejected"
            except ConnectionError:
                key = "failed"
            with lock:
                counts[key] += 1

    def ok() -> str:
        return "ok"

    def bad() -> str:
        raise ConnectionError("refused")

    threads = [threading.Thread(target=work, args=(ok if i % 2 else bad,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = breaker.snapshot()
    assert sum(counts.values()) == 1000
    assert snap.total_successful_calls == counts["ok"]
    assert snap.total_failed_calls == counts["failed"]
    assert snap.total_not_permitted_calls == counts["rejected"]
    assert 0 <= snap.failed_calls <= snap.buffered_calls <= breaker.config.window_size


async def test_no_lock_is_held_while_the_guarded_call_awaits(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    """SPEC: no lock is held across an ``await`` (Resilience4j's permission is taken and the
    outcome recorded around the call, never during it)."""
    free_from_other_thread: list[bool] = []

    def probe() -> None:
        got = breaker._lock.acquire(blocking=False)
        if got:
            breaker._lock.release()
        free_from_other_thread.append(got)

    async def guarded() -> str:
        await asyncio.sleep(0)
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
        return "ok"

    assert await breaker.call_async(guarded) == "ok"
    assert free_from_other_thread == [True]
