"""Per-call overhead of the v2 breaker's async path against a bare awaited call.

    python bench/breaker_overhead.py [--calls 20000] [--repeat 15]

Runs ``calls`` awaited calls of a trivial coroutine, bare and through
``SlidingWindowCircuitBreaker.call_async``, ``repeat`` times each, interleaved, and prints the
median per-call time of each and their difference in microseconds. The breaker is built as
frontend v2 builds it (its default config, the state-change logger as listener, the event
buffer and the Micrometer-style meters as event consumers), so every guarded call takes a
permit, times the call for slow-call accounting, publishes its event, records its outcome in
the sliding window and evaluates both rates (the window is full after the warm-up, so it
slides on every call):

* ``success``: every call succeeds (closed breaker);
* ``mixed``: one call in 10 raises (a 10 % failure rate, below the 80 % threshold, so the
  breaker stays closed and the window holds failures); the bare loop catches the same errors;
* ``slow``: one call in 4 is slow (the breaker's clock jumps past its 1 s slow-call threshold
  while the call runs: a 25 % slow-call rate, below the 80 % threshold), so the window counts
  slow calls and both rates move.

A measurement, not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.contract import BREAKER_CLOSED
from services.frontend_v2 import (
    BreakerConfig,
    CircularEventConsumer,
    SlidingWindowCircuitBreaker,
    StateChangeLogger,
)
from services.frontend_v2.guard import BreakerCall
from services.frontend_v2.settings import BreakerSettings


class Boom(Exception):
    pass


async def work() -> int:
    return 1


_counter = 0


async def flaky() -> int:
    global _counter
    _counter += 1
    if _counter % 10 == 0:
        raise Boom
    return 1


class JumpingClock:
    """The monotonic clock plus an offset that ``slow_work`` moves on: no call really waits."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.calls = 0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


CLOCK = JumpingClock()


async def slow_work() -> int:
    CLOCK.calls += 1
    if CLOCK.calls % 4 == 0:
        CLOCK.offset += 2.0  # this call lasts 2 s on the breaker's clock
    return 1


async def bare(calls: int, func: Callable[[], Awaitable[int]] = work) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        try:  # noqa: SIM105 (cheaper than contextlib.suppress in a timed loop)
            await func()
        except Boom:
            pass
    return time.perf_counter() - start


async def guarded(
    breaker: SlidingWindowCircuitBreaker, calls: int, func: Callable[[], Awaitable[int]] = work
) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        try:  # noqa: SIM105 (same loop shape as bare)
            await breaker.call_async(func)
        except Boom:
            pass
    return time.perf_counter() - start


def new_breaker(slow: bool = False) -> SlidingWindowCircuitBreaker:
    """As frontend v2 builds it: default config (window 10, threshold 80), logger listener,
    its guard's event consumers; ``slow``: on ``CLOCK``, slow calls over 1 s, rate 80 %."""
    config = BreakerConfig()
    if slow:
        config = replace(config, slow_call_duration_threshold=1.0, slow_call_rate_threshold=80)
    breaker = SlidingWindowCircuitBreaker(
        config,
        name="bench",
        listeners=[StateChangeLogger()],
        **({"clock": CLOCK} if slow else {}),
    )
    buffer_size = BreakerSettings.model_fields["event_consumer_buffer_size"].default
    BreakerCall(breaker, CircularEventConsumer(buffer_size))
    return breaker


async def measure_series(
    calls: int, repeat: int, func: Callable[[], Awaitable[int]] = work
) -> tuple[list[float], list[float]]:
    """Per-call microseconds of each repetition, bare and guarded, interleaved."""
    breaker = new_breaker(slow=func is slow_work)
    await bare(calls, func)  # warm up
    await guarded(breaker, calls, func)
    bare_us: list[float] = []
    guarded_us: list[float] = []
    for rep in range(repeat):
        if rep % 2 == 0:
            bare_us.append(await bare(calls, func) / calls * 1e6)
            guarded_us.append(await guarded(breaker, calls, func) / calls * 1e6)
        else:
            guarded_us.append(await guarded(breaker, calls, func) / calls * 1e6)
            bare_us.append(await bare(calls, func) / calls * 1e6)
    if breaker.state_name != BREAKER_CLOSED:
        raise RuntimeError(f"the breaker left the closed state ({breaker.state_name})")
    return bare_us, guarded_us


async def measure(calls: int, repeat: int) -> tuple[float, float]:
    """Median per-call microseconds, bare and guarded (success path)."""
    bare_us, guarded_us = await measure_series(calls, repeat)
    return statistics.median(bare_us), statistics.median(guarded_us)


def run(calls: int, repeat: int) -> dict[str, Any]:
    """Both scenarios, for bench/suite.py."""
    out: dict[str, Any] = {"calls": calls, "repeat": repeat, "scenarios": {}}
    for name, func in (("success", work), ("mixed", flaky), ("slow", slow_work)):
        bare_us, guarded_us = asyncio.run(measure_series(calls, repeat, func))
        overhead = [g - b for b, g in zip(bare_us, guarded_us, strict=True)]

        def summary(values: list[float]) -> dict[str, float]:
            return {"median": statistics.median(values), "min": min(values), "max": max(values)}

        out["scenarios"][name] = {
            "bare_us": summary(bare_us),
            "guarded_us": summary(guarded_us),
            "overhead_us": summary(overhead),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000, help="calls per repetition")
    parser.add_argument("--repeat", type=int, default=15, help="repetitions (median taken)")
    args = parser.parse_args()
    bare_us, guarded_us = asyncio.run(measure(args.calls, args.repeat))
    print(f"bare awaited call:        {bare_us:8.3f} us (median of {args.repeat} x {args.calls})")
    print(f"breaker.call_async:       {guarded_us:8.3f} us")
    print(f"breaker overhead per call: {guarded_us - bare_us:7.3f} us")


if __name__ == "__main__":
    main()
