"""The v2 breaker, one test per fact of SPEC's "The v2 circuit breaker" section.

A fake clock drives the open-state wait, so no test sleeps through it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pybreaker
import pytest

from services.frontend_v2.breaker import (
    BreakerConfig,
    CallNotPermittedError,
    SlidingWindowCircuitBreaker,
)

pytestmark = pytest.mark.anyio


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Backend:
    """A guarded coroutine that counts how often it really ran."""

    def __init__(self) -> None:
        self.calls = 0

    async def ok(self) -> str:
        self.calls += 1
        return "ok"

    async def fail(self) -> str:
        self.calls += 1
        raise ConnectionError("refused")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def breaker(clock: FakeClock) -> SlidingWindowCircuitBreaker:
    return SlidingWindowCircuitBreaker(BreakerConfig(), clock=clock, name="test")


async def succeed(breaker: SlidingWindowCircuitBreaker, backend: Backend, n: int = 1) -> None:
    for _ in range(n):
        assert await breaker.call_async(backend.ok) == "ok"


async def fail(breaker: SlidingWindowCircuitBreaker, backend: Backend, n: int = 1) -> None:
    for _ in range(n):
        with pytest.raises(ConnectionError):
            await breaker.call_async(backend.fail)


async def trip(breaker: SlidingWindowCircuitBreaker, backend: Backend) -> None:
    await fail(breaker, backend, 10)
    assert breaker.state_name == "open"


async def to_half_open(
    breaker: SlidingWindowCircuitBreaker, backend: Backend, clock: FakeClock
) -> None:
    await trip(breaker, backend)
    clock.advance(breaker.config.wait_duration_open)


def test_defaults_are_resilience4j_values_with_minimum_clamped_to_window() -> None:
    config = BreakerConfig()
    assert (config.window_size, config.failure_rate_threshold) == (10, 80.0)
    assert (config.minimum_calls, config.effective_minimum_calls) == (100, 10)
    assert (config.wait_duration_open, config.permitted_calls_half_open) == (60.0, 10)
    assert isinstance(SlidingWindowCircuitBreaker(config), pybreaker.CircuitBreaker)


async def test_opens_on_eighth_consecutive_failure_after_ten_successes(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
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
    backend = Backend()
    await succeed(breaker, backend, 2)
    await fail(breaker, backend, 7)
    assert breaker.state_name == "closed"
    await fail(breaker, backend)
    assert breaker.state_name == "open"


async def test_fresh_breaker_with_seven_failures_in_ten_stays_closed(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
    backend = Backend()
    await succeed(breaker, backend, 3)
    await fail(breaker, backend, 7)
    snap = breaker.snapshot()
    assert (snap.state, snap.failure_rate) == ("closed", 70.0)


async def test_open_rejects_without_touching_the_backend(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
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
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    assert breaker.state_name == "open"  # no timer-driven transition


async def test_first_call_after_the_wait_moves_to_half_open(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
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


async def test_thousand_concurrent_calls_leave_consistent_counts(
    breaker: SlidingWindowCircuitBreaker, clock: FakeClock
) -> None:
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


async def test_tripping_call_raises_its_own_error_and_state_changes_reach_listeners(
    clock: FakeClock,
) -> None:
    changes: list[tuple[str, str]] = []

    class Recorder(pybreaker.CircuitBreakerListener):
        def state_change(
            self,
            cb: pybreaker.CircuitBreaker,
            old_state: pybreaker.CircuitBreakerState | None,
            new_state: pybreaker.CircuitBreakerState,
        ) -> None:
            changes.append((old_state.name if old_state else "", new_state.name))

    breaker = SlidingWindowCircuitBreaker(clock=clock, listeners=[Recorder()])
    backend = Backend()
    await to_half_open(breaker, backend, clock)
    await succeed(breaker, backend, 10)
    assert changes == [("closed", "open"), ("open", "half-open"), ("half-open", "closed")]


async def test_no_lock_is_held_while_the_guarded_call_awaits(
    breaker: SlidingWindowCircuitBreaker,
) -> None:
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


async def test_decorator_guards_async_functions(breaker: SlidingWindowCircuitBreaker) -> None:
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
    with pytest.raises(ValueError, match="failure_rate_threshold"):
        BreakerConfig(failure_rate_threshold=0)
    with pytest.raises(ValueError, match="window_size"):
        BreakerConfig(window_size=0)
