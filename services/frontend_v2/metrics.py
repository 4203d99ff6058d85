"""The breaker on ``/metrics``: the project's own ``frontend_breaker_*`` series and the series
resilience4j-micrometer's ``TaggedCircuitBreakerMetrics`` gives a Spring Boot app under
Micrometer's Prometheus naming, so a dashboard built for the Java original works unchanged.
Help texts are Micrometer's (the description of the first meter registered under a name)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector

from services.frontend.bulkhead import BulkheadEventType, SemaphoreBulkhead
from services.frontend_v2.breaker import SlidingWindowCircuitBreaker
from services.frontend_v2.events import BreakerEvent, EventType
from services.frontend_v2.states import STATE_NAMES

#: Micrometer's ``DistributionStatisticConfig`` defaults for a timer's max: the largest
#: sample of the last 2 minutes, kept in 3 buckets rotated every 40 s.
MAX_EXPIRY = 120.0
MAX_BUFFERS = 3


class TimeWindowMax:
    """Micrometer's ``TimeWindowMax``: a max that forgets samples older than ``expiry``."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._step = MAX_EXPIRY / MAX_BUFFERS
        self._buckets = [0.0] * MAX_BUFFERS
        self._current = 0
        self._rotated_at = clock()

    def _rotate(self) -> None:
        since = self._clock() - self._rotated_at
        if since < self._step:
            return
        if since >= self._step * MAX_BUFFERS:
            self._buckets = [0.0] * MAX_BUFFERS
            self._current = 0
            self._rotated_at += since - since % self._step
            return
        while since >= self._step:
            self._buckets[self._current] = 0.0
            self._current = (self._current + 1) % MAX_BUFFERS
            since -= self._step
            self._rotated_at += self._step

    def record(self, sample: float) -> None:
        self._rotate()
        buckets = self._buckets
        for i in range(MAX_BUFFERS):
            if sample > buckets[i]:
                buckets[i] = sample

    def poll(self) -> float:
        self._rotate()
        return self._buckets[self._current]


class CallTimer:
    """Micrometer's ``Timer``: count, total time and the recent max of one kind of call."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.count = 0
        self.total = 0.0
        self.max = TimeWindowMax(clock)

    def record(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        self.max.record(seconds)


#: The ``kind`` tag of each timed event (``successful``, ``failed``, ``ignored``).
TIMED_KINDS = {
    EventType.SUCCESS: "successful",
    EventType.ERROR: "failed",
    EventType.IGNORED_ERROR: "ignored",
}


class CallMeters:
    """The meters resilience4j-micrometer feeds from the breaker's events: a timer per kind of
    finished call and a counter of not permitted calls. Only published events count, so calls
    in DISABLED and FORCED_OPEN do not, as in Resilience4j."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.timers = {kind: CallTimer(clock) for kind in TIMED_KINDS.values()}
        self.not_permitted = 0

    def consume(self, event: BreakerEvent) -> None:
        kind = TIMED_KINDS.get(event.type)
        if kind is not None and event.duration is not None:
            self.timers[kind].record(event.duration)
        elif event.type is EventType.NOT_PERMITTED:
            self.not_permitted += 1


class Resilience4jCollector(Collector):
    """``resilience4j_circuitbreaker_*`` with Micrometer's names, labels and help texts."""

    def __init__(self, breaker: SlidingWindowCircuitBreaker, meters: CallMeters) -> None:
        self.breaker = breaker
        self.meters = meters

    def collect(self) -> Iterator[Metric]:
        snap = self.breaker.snapshot()
        name = self.breaker.name or ""
        state = GaugeMetricFamily(
            "resilience4j_circuitbreaker_state",
            "The states of the circuit breaker",
            labels=["name", "state"],
        )
        for each in STATE_NAMES.values():
            state.add_metric([name, each], 1.0 if each == snap.state else 0.0)
        yield state
        calls = SummaryMetricFamily(
            "resilience4j_circuitbreaker_calls_seconds",
            "Total number of successful calls",
            labels=["kind", "name"],
        )
        calls_max = GaugeMetricFamily(
            "resilience4j_circuitbreaker_calls_seconds_max",
            "Total number of successful calls",
            labels=["kind", "name"],
        )
        for kind, timer in self.meters.timers.items():
            calls.add_metric([kind, name], count_value=timer.count, sum_value=timer.total)
            calls_max.add_metric([kind, name], timer.max.poll())
        yield calls
        yield calls_max
        not_permitted = CounterMetricFamily(
            "resilience4j_circuitbreaker_not_permitted_calls",
            "Total number of not permitted calls",
            labels=["kind", "name"],
        )
        not_permitted.add_metric(["not_permitted", name], self.meters.not_permitted)
        yield not_permitted
        for metric, help_text, value in (
            ("failure_rate", "The failure rate of the circuit breaker", snap.failure_rate),
            ("slow_call_rate", "The slow call of the circuit breaker", snap.slow_call_rate),
        ):
            gauge = GaugeMetricFamily(
                f"resilience4j_circuitbreaker_{metric}", help_text, labels=["name"]
            )
            gauge.add_metric([name], value)
            yield gauge
        buffered = GaugeMetricFamily(
            "resilience4j_circuitbreaker_buffered_calls",
            "The number of buffered failed calls stored in the ring buffer",
            labels=["kind", "name"],
        )
        buffered.add_metric(["failed", name], snap.failed_calls)
        buffered.add_metric(["successful", name], snap.buffered_calls - snap.failed_calls)
        yield buffered
        slow = GaugeMetricFamily(
            "resilience4j_circuitbreaker_slow_calls",
            "The number of slow successful which were slower than a certain threshold",
            labels=["kind", "name"],
        )
        slow.add_metric(["successful", name], snap.slow_calls - snap.slow_failed_calls)
        slow.add_metric(["failed", name], snap.slow_failed_calls)
        yield slow


class BreakerCollector(Collector):
    """The project's own breaker series, read from one snapshot at scrape time."""

    def __init__(self, breaker: SlidingWindowCircuitBreaker) -> None:
        self.breaker = breaker

    def collect(self) -> Iterator[Metric]:
        snap = self.breaker.snapshot()
        state = GaugeMetricFamily(
            "frontend_breaker_state", "1 for the breaker's current state.", labels=["state"]
        )
        for name in STATE_NAMES.values():
            state.add_metric([name], 1.0 if name == snap.state else 0.0)
        yield state
        calls = CounterMetricFamily(
            "frontend_breaker_calls",
            "Calls through the breaker by outcome "
            "(successful, failed, ignored, not_permitted, cancelled).",
            labels=["outcome"],
        )
        calls.add_metric(["successful"], snap.total_successful_calls)
        calls.add_metric(["failed"], snap.total_failed_calls)
        calls.add_metric(["ignored"], snap.total_ignored_calls)
        calls.add_metric(["not_permitted"], snap.total_not_permitted_calls)
        calls.add_metric(["cancelled"], snap.total_cancelled_calls)
        yield calls
        yield GaugeMetricFamily(
            "frontend_breaker_failure_rate",
            "Failure rate of the window in percent, -1 until enough calls are buffered.",
            value=snap.failure_rate,
        )
        yield GaugeMetricFamily(
            "frontend_breaker_buffered_calls",
            "Outcomes in the current window.",
            value=snap.buffered_calls,
        )


class BulkheadCollector(Collector):
    """The bulkhead's two gauges under resilience4j-micrometer's names and help texts (it
    publishes no counter of rejected calls), and the project's own count of each event."""

    def __init__(self, bulkhead: SemaphoreBulkhead) -> None:
        self.bulkhead = bulkhead

    def collect(self) -> Iterator[Metric]:
        bulkhead = self.bulkhead
        for metric, help_text, value in (
            (
                "available_concurrent_calls",
                "The number of available permissions",
                bulkhead.available_concurrent_calls,
            ),
            (
                "max_allowed_concurrent_calls",
                "The maximum number of available permissions",
                bulkhead.max_allowed_concurrent_calls,
            ),
        ):
            gauge = GaugeMetricFamily(f"resilience4j_bulkhead_{metric}", help_text, labels=["name"])
            gauge.add_metric([bulkhead.name], value)
            yield gauge
        calls = CounterMetricFamily(
            "frontend_bulkhead_calls",
            "Calls at the bulkhead by event (permitted, rejected, finished).",
            labels=["name", "kind"],
        )
        for event_type, count in bulkhead.counts.items():
            calls.add_metric([bulkhead.name, KIND_OF_EVENT[event_type]], count)
        yield calls


KIND_OF_EVENT = {
    BulkheadEventType.CALL_PERMITTED: "permitted",
    BulkheadEventType.CALL_REJECTED: "rejected",
    BulkheadEventType.CALL_FINISHED: "finished",
}
