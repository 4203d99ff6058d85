"""A pybreaker circuit breaker with Resilience4j's semantics (``CircuitBreakerStateMachine``).

pybreaker opens after ``fail_max`` *consecutive* failures and closes after one successful
trial call. The original Java sample used Resilience4j, whose rules this subclass follows:

* closed: outcomes go to a sliding window, the last ``window_size`` calls (COUNT_BASED) or
  the calls of the last ``window_size`` seconds (TIME_BASED). A call slower than
  ``slow_call_duration_threshold`` is also a slow call. Once ``minimum_calls`` outcomes are
  buffered (clamped to the window size when COUNT_BASED) both rates are evaluated after every
  outcome; either at or over its threshold opens the breaker;
* open: every call is rejected for ``wait_duration_open`` seconds; then the next call, or a
  timer when ``automatic_transition_open_to_half_open`` is set, moves it to half-open;
* half-open: exactly ``permitted_calls_half_open`` trial calls are admitted into a fresh
  count window; the decision comes once ``min(minimum_calls, permitted)`` are recorded:
  a rate at or over its threshold opens it again, else it closes with an empty window. With
  ``max_wait_duration_half_open`` a timer opens it if no decision came by then;
* a failure is recorded, ignored (no outcome, the half-open permit goes back) or, when not a
  recorded kind, counted as a success (``record_exceptions``/``ignore_exceptions``);
* a cancelled call (any ``BaseException`` that is not an ``Exception``) counts as neither and
  gives its half-open permit back;
* DISABLED admits everything and records nothing, FORCED_OPEN rejects everything, and
  METRICS_ONLY admits everything and records, announcing a rate over its threshold without
  ever opening. They are left only by another explicit transition.

Outcomes of calls admitted before the latest transition count in the totals, not in the
current window, so a half-open decision is taken on its own trial calls only.

State changes go through pybreaker's ``open()``/``half_open()``/``close()`` (and its state
storage for the three special states), so pybreaker's listeners keep working. Every piece of
bookkeeping runs under pybreaker's lock and no lock is held across an ``await``: a call takes
the lock to get a permit, releases it, runs, then takes it again to record its outcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NoReturn

import pybreaker

from services.frontend_v2.calls import GuardedCalls
from services.frontend_v2.config import BreakerConfig
from services.frontend_v2.events import EventPublisher, EventType
from services.frontend_v2.scheduling import Cancellable, Scheduler, ThreadScheduler
from services.frontend_v2.snapshot import BreakerSnapshot
from services.frontend_v2.states import (
    PUBLISHING_STATES,
    SPECIAL_STATES,
    STATE_DISABLED,
    STATE_FORCED_OPEN,
    STATE_METRICS_ONLY,
    STATE_NAMES,
    UNMETERED_STATES,
    transition_name,
)
from services.frontend_v2.window import FAILED, SLOW, StateMetrics

CLOSED, OPEN, HALF_OPEN = pybreaker.STATE_CLOSED, pybreaker.STATE_OPEN, pybreaker.STATE_HALF_OPEN
SUCCEEDED, IGNORED = 0, -1  # how an admitted call ended, besides FAILED


class CallNotPermittedError(pybreaker.CircuitBreakerError):
    """The breaker rejected the call without running it (open, or half-open with no permit)."""

    def __init__(self, state: str) -> None:
        super().__init__(f"circuit breaker is {state}: call not permitted")
        self.state = state


class SlidingWindowCircuitBreaker(GuardedCalls, pybreaker.CircuitBreaker):
    """``pybreaker.CircuitBreaker`` extended to Resilience4j's state machine.

    Use ``await breaker.call_async(coro_fn, *args)`` for coroutines (pybreaker's own
    ``call_async`` needs tornado), ``breaker.call(fn, *args)`` for plain callables, or
    ``@breaker`` on either kind of function. ``clock`` returns seconds (monotonic) and
    ``scheduler`` runs the timed transitions; tests inject fakes of both so they never sleep.
    """

    def __init__(
        self,
        config: BreakerConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        scheduler: Scheduler | None = None,
        name: str | None = None,
        listeners: list[pybreaker.CircuitBreakerListener] | None = None,
        exclude: list[type[Exception]] | None = None,
    ) -> None:
        self.config = config or BreakerConfig()
        self._clock = clock
        self._scheduler = scheduler or ThreadScheduler()
        self.events = EventPublisher(name or "")
        self._timer: Cancellable | None = None
        self._generation = 0
        self._opened_at = 0.0
        self._permits = 0
        self._metrics = StateMetrics.closed(self.config, clock())  # replaced by transitions
        self._total_successful = 0
        self._total_failed = 0
        self._total_ignored = 0
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
    def _create_new_state(
        self,
        new_state: str,
        prev_state: pybreaker.CircuitBreakerState | None = None,
        notify: bool = False,
    ) -> Any:
        special = SPECIAL_STATES.get(new_state)
        if special is None:
            return super()._create_new_state(new_state, prev_state, notify)
        return special(self, prev_state=prev_state, notify=notify)

    def _leave(self, metrics: StateMetrics, permits: int = 0) -> str:
        """What every transition starts with; returns the state being left (lock held)."""
        self._generation += 1
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._metrics = metrics
        self._permits = permits
        return self.current_state

    def _entered(self, old: str) -> None:
        new = self.current_state
        if old != new:
            self.events.publish(
                EventType.STATE_TRANSITION, state_transition=transition_name(old, new)
            )

    def _after(self, delay: float, transition: Callable[[], object]) -> None:
        """Take ``transition`` in ``delay`` seconds unless the state has changed by then."""
        generation = self._generation

        def fire() -> None:
            with self._lock:
                if self._generation == generation:
                    transition()

        self._timer = self._scheduler.schedule(delay, fire)

    def open(self) -> bool:
        """Reject every call for ``wait_duration_open`` seconds. Like Resilience4j, the open
        state keeps showing the window that opened it."""
        with self._lock:
            old = self._leave(self._metrics)
            self._opened_at = self._clock()
            tripped = super().open()
            self._entered(old)
            if self.config.automatic_transition_open_to_half_open:
                self._after(self.reset_timeout, self.half_open)
            return tripped

    def half_open(self) -> None:
        """Admit ``permitted_calls_half_open`` trial calls, recorded in a fresh window."""
        with self._lock:
            permits = self.config.permitted_calls_half_open
            old = self._leave(StateMetrics.half_open(self.config), permits)
            super().half_open()
            self._entered(old)
            if self.config.max_wait_duration_half_open:
                self._after(self.config.max_wait_duration_half_open, self.open)

    def close(self) -> None:
        """Close the circuit with an empty window."""
        with self._lock:
            old = self._leave(StateMetrics.closed(self.config, self._clock()))
            super().close()
            self._entered(old)

    def _enter_special(self, state: str) -> None:
        with self._lock:
            if self.current_state == state:
                return
            if state == STATE_METRICS_ONLY:
                old = self._leave(StateMetrics.closed(self.config, self._clock()))
            else:
                old = self._leave(StateMetrics.empty())
            self.state = self._state_storage.state = state
            self._entered(old)

    def transition_to_closed_state(self) -> None:
        """Close from any state; nothing happens when already closed."""
        with self._lock:
            if self.current_state != CLOSED:
                self.close()

    def transition_to_disabled_state(self) -> None:
        self._enter_special(STATE_DISABLED)

    def transition_to_forced_open_state(self) -> None:
        self._enter_special(STATE_FORCED_OPEN)

    def transition_to_metrics_only_state(self) -> None:
        self._enter_special(STATE_METRICS_ONLY)

    # ----------------------------------------------------------------- permits and outcomes
    def _acquire(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> int:
        """Take a permit or raise ``CallNotPermittedError``; return the state's generation."""
        with self._lock:
            state = self.current_state
            if state == OPEN:
                if self._clock() - self._opened_at < self.reset_timeout:
                    self._reject(state)
                self.half_open()
                state = HALF_OPEN
            if (state == HALF_OPEN and self._permits <= 0) or state == STATE_FORCED_OPEN:
                self._reject(state)
            for listener in self.listeners:
                listener.before_call(self, func, *args, **kwargs)
            if state == HALF_OPEN:
                self._permits -= 1  # taken last: a raising listener leaks no permit
            return self._generation

    def _reject(self, state: str) -> NoReturn:
        self._metrics.not_permitted += 1
        self._total_not_permitted += 1
        if state in PUBLISHING_STATES:
            self.events.publish(EventType.NOT_PERMITTED)
        raise CallNotPermittedError(STATE_NAMES[state])

    def _classify(self, exc: BaseException | None) -> int:
        if exc is None:
            return SUCCEEDED
        kind = getattr(exc, "kind", "other")
        if kind in self.config.ignore_exceptions:
            return IGNORED
        record = self.config.record_exceptions
        # pybreaker's ``exclude=`` still applies: an excluded exception counts as a success.
        if (record is None or kind in record) and self.is_system_error(exc):
            return FAILED
        return SUCCEEDED

    def _finish(self, generation: int, started: float, exc: BaseException | None) -> None:
        """Record how an admitted call ended: success, failure, ignored, or cancelled."""
        now = self._clock()
        duration = now - started
        with self._lock:
            state = self.current_state
            current = generation == self._generation
            if exc is not None and not isinstance(exc, Exception):
                self._total_cancelled += 1
                if current and state == HALF_OPEN:
                    self._permits += 1
                return
            outcome = self._classify(exc)
            publish = state in PUBLISHING_STATES
            if outcome == IGNORED:
                self._total_ignored += 1
                if current and state == HALF_OPEN:
                    self._permits += 1
                if publish:
                    self.events.publish(EventType.IGNORED_ERROR, duration=duration, error=exc)
                return
            if outcome == FAILED:
                self._total_failed += 1
                if publish:
                    self.events.publish(EventType.ERROR, duration=duration, error=exc)
            else:
                self._total_successful += 1
                if publish:
                    self.events.publish(EventType.SUCCESS, duration=duration)
            if current and state not in UNMETERED_STATES:
                slow = SLOW if duration > self.config.slow_call_duration_threshold else 0
                self._record(outcome | slow, state, now)
            for listener in self.listeners:
                if outcome == FAILED and exc is not None:
                    listener.failure(self, exc)
                else:
                    listener.success(self)

    def _record(self, outcome: int, state: str, now: float) -> None:
        """Put one outcome in the window and take the decision it may trigger."""
        metrics = self._metrics
        metrics.window.record(outcome, now)
        failure_rate, slow_rate = metrics.rates()
        if failure_rate < 0:
            return  # fewer outcomes than the minimum: no decision
        failure_over = failure_rate >= self.config.failure_rate_threshold
        slow_over = slow_rate >= self.config.slow_call_rate_threshold
        if not (failure_over or slow_over):
            if state == HALF_OPEN:
                self.close()
            return
        if state != HALF_OPEN:  # closed and metrics-only announce the crossing; metrics-only once
            for over, event_type, rate in (
                (failure_over, EventType.FAILURE_RATE_EXCEEDED, failure_rate),
                (slow_over, EventType.SLOW_CALL_RATE_EXCEEDED, slow_rate),
            ):
                if over and event_type not in metrics.announced:
                    self.events.publish(event_type, rate=rate)
                    if state == STATE_METRICS_ONLY:
                        metrics.announced.add(event_type)
        if state != STATE_METRICS_ONLY:
            self.open()

    # ----------------------------------------------------------------- observation
    @property
    def fail_counter(self) -> int:
        """Failed calls in the current window (pybreaker's counter of consecutive failures
        has no meaning under sliding-window semantics)."""
        return self._metrics.window.failed

    @property
    def clock(self) -> Callable[[], float]:
        """The breaker's monotonic clock (seconds), for whoever times things alongside it."""
        return self._clock

    @property
    def state_name(self) -> str:
        """``closed``, ``open``, ``half_open``, ``disabled``, ``forced_open``, ``metrics_only``."""
        return STATE_NAMES[self.current_state]

    def snapshot(self) -> BreakerSnapshot:
        with self._lock:
            window = self._metrics.window
            window.advance(self._clock())
            failure_rate, slow_call_rate = self._metrics.rates()
            return BreakerSnapshot(
                state=STATE_NAMES[self.current_state],
                failure_rate=failure_rate,
                slow_call_rate=slow_call_rate,
                buffered_calls=window.buffered,
                failed_calls=window.failed,
                slow_calls=window.slow,
                slow_failed_calls=window.slow_failed,
                not_permitted_calls=self._metrics.not_permitted,
                total_successful_calls=self._total_successful,
                total_failed_calls=self._total_failed,
                total_ignored_calls=self._total_ignored,
                total_not_permitted_calls=self._total_not_permitted,
                total_cancelled_calls=self._total_cancelled,
            )
