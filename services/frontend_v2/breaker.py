"""A pybreaker circuit breaker with Resilience4j's COUNT_BASED sliding-window semantics.

pybreaker opens after ``fail_max`` *consecutive* failures and closes again after a single
successful trial call. The original Java sample used Resilience4j with
``slidingWindowSize(10)`` and ``failureRateThreshold(80)``, whose rules differ:

* closed: the outcomes of the last ``window_size`` calls are kept; once at least
  ``min(minimum_calls, window_size)`` are buffered, the failure rate is evaluated after
  every outcome and the breaker opens when ``failed * 100 / buffered >= threshold``;
* open: every call is rejected at once for ``wait_duration`` seconds; the first call after
  that moves the breaker to half-open (there is no timer-driven transition);
* half-open: exactly ``permitted_calls_half_open`` trial calls are admitted with a fresh
  window and the decision is taken at the last trial outcome: rate >= threshold opens
  again, anything else closes with an empty window;
* a cancelled call (``asyncio.CancelledError`` or any other ``BaseException`` that is not an
  ``Exception``) counts as neither success nor failure and gives its half-open permit back.

Outcomes of calls admitted before the latest state transition still count in the totals
but not in the current window, so a half-open decision is taken on its own trial calls only.

State changes go through pybreaker's ``open()``/``half_open()``/``close()`` so pybreaker's
state storage and listeners (``CircuitBreakerListener.state_change``) keep working. Every
piece of bookkeeping runs under pybreaker's lock, and no lock is ever held across an
``await``: the async path takes the lock to get a permit, releases it, awaits the guarded
coroutine, then takes the lock again to record the outcome.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import pybreaker

T = TypeVar("T")

log = logging.getLogger(__name__)

#: pybreaker names its states "closed", "open" and "half-open"; the project's API says half_open.
STATE_NAMES = {
    pybreaker.STATE_CLOSED: "closed",
    pybreaker.STATE_OPEN: "open",
    pybreaker.STATE_HALF_OPEN: "half_open",
}


class CallNotPermittedError(pybreaker.CircuitBreakerError):
    """The breaker rejected the call without running it (open, or half-open with no permit)."""

    def __init__(self, state: str) -> None:
        super().__init__(f"circuit breaker is {state}: call not permitted")
        self.state = state


@dataclass(frozen=True)
class BreakerConfig:
    """The breaker's knobs, named after their Resilience4j counterparts."""

    window_size: int = 10
    failure_rate_threshold: float = 80.0
    minimum_calls: int = 100
    wait_duration_open: float = 60.0
    permitted_calls_half_open: int = 10

    def __post_init__(self) -> None:
        if self.window_size < 1:
            raise ValueError("window_size must be at least 1")
        if not 0 < self.failure_rate_threshold <= 100:
            raise ValueError("failure_rate_threshold must be in (0, 100]")
        if self.minimum_calls < 1:
            raise ValueError("minimum_calls must be at least 1")
        if self.wait_duration_open < 0:
            raise ValueError("wait_duration_open must not be negative")
        if self.permitted_calls_half_open < 1:
            raise ValueError("permitted_calls_half_open must be at least 1")

    @property
    def effective_minimum_calls(self) -> int:
        """Resilience4j clamps ``minimumNumberOfCalls`` to the window size."""
        return min(self.minimum_calls, self.window_size)


@dataclass(frozen=True)
class BreakerSnapshot:
    """A consistent view of the breaker, taken under its lock."""

    state: str
    failure_rate: float
    buffered_calls: int
    failed_calls: int
    not_permitted_calls: int
    total_successful_calls: int
    total_failed_calls: int
    total_not_permitted_calls: int
    total_cancelled_calls: int


class SlidingWindowCircuitBreaker(pybreaker.CircuitBreaker):
    """``pybreaker.CircuitBreaker`` extended to Resilience4j's COUNT_BASED sliding window.

    Use ``await breaker.call_async(coro_fn, *args)`` for coroutines (pybreaker's own
    ``call_async`` needs tornado), ``breaker.call(fn, *args)`` for plain callables, or
    ``@breaker`` on either kind of function. ``clock`` returns seconds (monotonic); tests
    inject a fake one so they never sleep through the wait duration.
    """

    def __init__(
        self,
        config: BreakerConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str | None = None,
        listeners: list[pybreaker.CircuitBreakerListener] | None = None,
        exclude: list[type[Exception]] | None = None,
    ) -> None:
        self.config = config or BreakerConfig()
        self._clock = clock
        # Window bookkeeping, (re)initialised by every transition below.
        self._window: deque[bool] = deque(maxlen=self.config.window_size)
        self._window_failed = 0
        self._minimum = self.config.effective_minimum_calls
        self._permits = 0
        self._not_permitted = 0
        self._generation = 0
        self._opened_at = 0.0
        self._total_successful = 0
        self._total_failed = 0
        self._total_not_permitted = 0
        self._total_cancelled = 0
        super().__init__(
            fail_max=self.config.window_size,
            reset_timeout=self.config.wait_duration_open,
            exclude=exclude,
            listeners=listeners,
            name=name,
            throw_new_error_on_trip=False,
        )

    # ----------------------------------------------------------------- transitions
    def _new_window(self, size: int, minimum: int) -> None:
        self._window = deque(maxlen=size)
        self._window_failed = 0
        self._minimum = minimum
        self._not_permitted = 0

    def open(self) -> bool:
        """Open the circuit: reject every call for ``wait_duration_open`` seconds."""
        with self._lock:
            self._generation += 1
            self._opened_at = self._clock()
            # Like Resilience4j, the open state keeps showing the window that opened it.
            return super().open()

    def half_open(self) -> None:
        """Admit ``permitted_calls_half_open`` trial calls, recorded in a fresh window."""
        with self._lock:
            self._generation += 1
            size = self.config.permitted_calls_half_open
            self._new_window(size, size)
            self._permits = size
            super().half_open()

    def close(self) -> None:
        """Close the circuit with an empty window."""
        with self._lock:
            self._generation += 1
            self._new_window(self.config.window_size, self.config.effective_minimum_calls)
            self._permits = 0
            super().close()

    # ----------------------------------------------------------------- permits and outcomes
    def _acquire(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> int:
        """Take a permit or raise ``CallNotPermittedError``; return the state's generation."""
        with self._lock:
            state = self.current_state
            if state == pybreaker.STATE_OPEN:
                if self._clock() - self._opened_at < self.reset_timeout:
                    self._reject(state)
                self.half_open()
                state = pybreaker.STATE_HALF_OPEN
            if state == pybreaker.STATE_HALF_OPEN and self._permits <= 0:
                self._reject(state)
            for listener in self.listeners:
                listener.before_call(self, func, *args, **kwargs)
            if state == pybreaker.STATE_HALF_OPEN:
                self._permits -= 1  # taken last: a raising listener leaks no permit
            return self._generation

    def _reject(self, state: str) -> None:
        self._not_permitted += 1
        self._total_not_permitted += 1
        raise CallNotPermittedError(STATE_NAMES[state])

    def _record(self, generation: int, failed: bool) -> None:
        """Record one outcome and take the decision it may trigger (lock held by caller)."""
        if failed:
            self._total_failed += 1
        else:
            self._total_successful += 1
        if generation != self._generation:
            return  # admitted before the last transition: not part of this window
        if len(self._window) == self._window.maxlen and self._window[0]:
            self._window_failed -= 1
        self._window.append(failed)
        self._window_failed += failed
        buffered = len(self._window)
        if buffered < self._minimum:
            return
        rate = self._window_failed * 100.0 / buffered
        if rate >= self.config.failure_rate_threshold:
            self.open()
        elif self.current_state == pybreaker.STATE_HALF_OPEN:
            self.close()

    def _finish(self, generation: int, exc: BaseException | None) -> None:
        """Record how an admitted call ended: success, failure, or neither (cancelled)."""
        with self._lock:
            if exc is not None and not isinstance(exc, Exception):
                # Cancelled (or interrupted): neither outcome; a half-open permit goes back.
                self._total_cancelled += 1
                if (
                    generation == self._generation
                    and self.current_state == pybreaker.STATE_HALF_OPEN
                ):
                    self._permits += 1
                return
            # pybreaker's rule: an excluded exception (``exclude=``) counts as a success.
            failed = exc is not None and self.is_system_error(exc)
            self._record(generation, failed=failed)
            listener: pybreaker.CircuitBreakerListener
            for listener in self.listeners:
                if failed and exc is not None:
                    listener.failure(self, exc)
                else:
                    listener.success(self)

    @contextlib.contextmanager
    def _permit(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Iterator[None]:
        """Take a permit, run the block, record its outcome. The lock is taken only inside
        ``_acquire`` and ``_finish``, never for the duration of the block."""
        generation = self._acquire(func, args, kwargs)
        try:
            yield
        except BaseException as exc:
            self._finish(generation, exc)
            raise
        self._finish(generation, None)

    # ----------------------------------------------------------------- call paths
    async def call_async(self, func: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Await ``func(*args, **kwargs)`` under the breaker (no lock held while awaiting)."""
        with self._permit(func, args, kwargs):
            return await func(*args, **kwargs)

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a plain callable under the breaker, with the same window semantics."""
        with self._permit(func, args, kwargs):
            return func(*args, **kwargs)

    @contextlib.contextmanager
    def calling(self) -> Iterator[None]:
        """``with breaker.calling(): ...`` guards a synchronous block."""
        with self._permit(self.calling, (), {}):
            yield

    def __call__(self, *call_args: Any, **call_kwargs: Any) -> Callable[..., Any]:
        """``@breaker`` guards plain functions and ``async def`` functions alike."""

        def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
            if inspect.iscoroutinefunction(func):

                @wraps(func)
                async def guarded_async(*args: Any, **kwargs: Any) -> Any:
                    return await self.call_async(func, *args, **kwargs)

                return guarded_async

            @wraps(func)
            def guarded(*args: Any, **kwargs: Any) -> Any:
                return self.call(func, *args, **kwargs)

            return guarded

        if call_args:
            return decorate(call_args[0])
        return decorate

    # ----------------------------------------------------------------- observation
    @property
    def fail_counter(self) -> int:
        """Failed calls in the current window (pybreaker's counter of consecutive failures
        has no meaning under sliding-window semantics)."""
        return self._window_failed

    @property
    def state_name(self) -> str:
        """``closed``, ``open`` or ``half_open``."""
        return STATE_NAMES[self.current_state]

    def snapshot(self) -> BreakerSnapshot:
        with self._lock:
            buffered = len(self._window)
            rate = self._window_failed * 100.0 / buffered if buffered >= self._minimum else -1.0
            return BreakerSnapshot(
                state=STATE_NAMES[self.current_state],
                failure_rate=rate,
                buffered_calls=buffered,
                failed_calls=self._window_failed,
                not_permitted_calls=self._not_permitted,
                total_successful_calls=self._total_successful,
                total_failed_calls=self._total_failed,
                total_not_permitted_calls=self._total_not_permitted,
                total_cancelled_calls=self._total_cancelled,
            )


class StateChangeLogger(pybreaker.CircuitBreakerListener):
    """Log every state change at WARNING with the old and the new state."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or log

    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        old = STATE_NAMES.get(old_state.name, old_state.name) if old_state else "none"
        new = STATE_NAMES.get(new_state.name, new_state.name)
        self._log.warning("Circuit breaker %s changed state: %s -> %s", cb.name, old, new)
