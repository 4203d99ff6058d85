"""What the breaker tests share: a fake clock that also schedules, a counting backend, and
helpers that drive a breaker through its states without sleeping."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from services.frontend.client import BackendUnavailable, FailureKind
from services.frontend_v2 import BreakerConfig, BreakerEvent, SlidingWindowCircuitBreaker


@dataclass
class Scheduled:
    at: float
    action: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class FakeClock:
    """The breaker's monotonic clock and its scheduler: ``advance`` moves time forward and runs
    each scheduled action when its time comes, in order."""

    now: float = 1000.0
    scheduled: list[Scheduled] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def schedule(self, delay: float, action: Callable[[], None]) -> Scheduled:
        item = Scheduled(self.now + delay, action)
        self.scheduled.append(item)
        return item

    @property
    def pending(self) -> list[Scheduled]:
        return [item for item in self.scheduled if not item.cancelled]

    def advance(self, seconds: float) -> None:
        target = self.now + seconds
        while due := [item for item in self.pending if item.at <= target]:
            first = min(due, key=lambda item: item.at)
            self.scheduled.remove(first)
            self.now = max(self.now, first.at)
            first.action()
        self.now = target


class Backend:
    """Guarded coroutines that count how often they really ran; a slow one advances the fake
    clock while it runs, as a slow backend would."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.calls = 0

    async def ok(self) -> str:
        self.calls += 1
        return "ok"

    async def fail(self) -> str:
        self.calls += 1
        raise ConnectionError("refused")

    def taking(
        self, seconds: float, failure: FailureKind | None = None
    ) -> Callable[[], Awaitable[str]]:
        async def call() -> str:
            self.calls += 1
            self.clock.advance(seconds)
            if failure is not None:
                raise BackendUnavailable(f"failed ({failure})", failure)
            return "ok"

        return call


class Recorder:
    """An event consumer that keeps everything."""

    def __init__(self) -> None:
        self.events: list[BreakerEvent] = []

    def consume(self, event: BreakerEvent) -> None:
        self.events.append(event)

    @property
    def types(self) -> list[str]:
        return [event.type.value for event in self.events]


def new_breaker(clock: FakeClock, **config: object) -> SlidingWindowCircuitBreaker:
    return SlidingWindowCircuitBreaker(
        BreakerConfig(**config),  # type: ignore[arg-type]
        clock=clock,
        scheduler=clock,
        name="test",
    )


async def succeed(breaker: SlidingWindowCircuitBreaker, backend: Backend, n: int = 1) -> None:
    for _ in range(n):
        assert await breaker.call_async(backend.ok) == "ok"


async def fail(breaker: SlidingWindowCircuitBreaker, backend: Backend, n: int = 1) -> None:
    for _ in range(n):
        with pytest.raises(ConnectionError):
            await breaker.call_async(backend.fail)


async def run(
    breaker: SlidingWindowCircuitBreaker, call: Callable[[], Awaitable[str]], n: int = 1
) -> None:
    """Call ``n`` times, whatever each call raises."""
    for _ in range(n):
        with contextlib.suppress(Exception):
            await breaker.call_async(call)


async def trip(breaker: SlidingWindowCircuitBreaker, backend: Backend) -> None:
    await fail(breaker, backend, breaker.config.window_size)
    assert breaker.state_name == "open"


async def to_half_open(
    breaker: SlidingWindowCircuitBreaker, backend: Backend, clock: FakeClock
) -> None:
    """Trip the breaker and let its wait run out (it stays open until the next call)."""
    await trip(breaker, backend)
    clock.advance(breaker.config.wait_duration_open)
