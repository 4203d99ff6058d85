"""Per-call overhead of the v2 breaker's async path against a bare awaited call.

    python bench/breaker_overhead.py [--calls 20000] [--repeat 15]

Runs ``calls`` awaited calls of a trivial coroutine, bare and through
``SlidingWindowCircuitBreaker.call_async`` (closed breaker, every call succeeding), ``repeat``
times each, interleaved, and prints the median per-call time of each and their difference in
microseconds. A measurement, not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.frontend_v2.breaker import SlidingWindowCircuitBreaker


async def work() -> int:
    return 1


async def bare(calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await work()
    return time.perf_counter() - start


async def guarded(breaker: SlidingWindowCircuitBreaker, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await breaker.call_async(work)
    return time.perf_counter() - start


async def measure(calls: int, repeat: int) -> tuple[float, float]:
    breaker = SlidingWindowCircuitBreaker(name="bench")
    await bare(calls)  # warm up
    await guarded(breaker, calls)
    bare_us: list[float] = []
    guarded_us: list[float] = []
    for _ in range(repeat):
        bare_us.append(await bare(calls) / calls * 1e6)
        guarded_us.append(await guarded(breaker, calls) / calls * 1e6)
    return statistics.median(bare_us), statistics.median(guarded_us)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000, help="calls per repetition")
    parser.add_argument("--repeat", type=int, default=15, help="repetitions (median taken)")
    args = parser.parse_args()
    bare_us, guarded_us = asyncio.run(measure(args.calls, args.repeat))
    print(f"bare awaited call:        {bare_us:8.3f} us (median of {args.repeat} x {args.calls})")
    print(f"breaker.call_async:       {guarded_us:8.3f} us")
    print(f"breaker overhead per call: {guarded_us - bare_us:7.3f} us")


if __name__ == "__main__":
    main()
