"""v2's guard: the backend call goes through the circuit breaker, failures get the fallback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.frontend.client import BackendUnavailable
from services.frontend.guard import Fetch, PageOutcome
from services.frontend_v2.breaker import (
    STATE_NAMES,
    CallNotPermittedError,
    SlidingWindowCircuitBreaker,
)

log = logging.getLogger(__name__)

FALLBACK = "Sorry...I'm frontend."


class BreakerCall:
    def __init__(self, breaker: SlidingWindowCircuitBreaker) -> None:
        self.breaker = breaker

    async def call(self, fetch: Fetch) -> str:
        try:
            return await self.breaker.call_async(fetch)
        except CallNotPermittedError as exc:
            raise BackendUnavailable(str(exc)) from None

    def on_failure(self, error: BackendUnavailable) -> PageOutcome:
        log.error("Fallback : %s", error)
        return PageOutcome(200, FALLBACK, "fallback")

    def describe(self) -> dict[str, Any]:
        """The body of ``GET /breaker``."""
        snap = self.breaker.snapshot()
        config = self.breaker.config
        return {
            "name": self.breaker.name,
            "state": snap.state,
            "failure_rate": snap.failure_rate,
            "buffered_calls": snap.buffered_calls,
            "failed_calls": snap.failed_calls,
            "not_permitted_calls": snap.not_permitted_calls,
            "totals": {
                "successful": snap.total_successful_calls,
                "failed": snap.total_failed_calls,
                "not_permitted": snap.total_not_permitted_calls,
                "cancelled": snap.total_cancelled_calls,
            },
            "config": {**asdict(config), "minimum_calls_effective": config.effective_minimum_calls},
        }

    def install(self, app: FastAPI, registry: CollectorRegistry) -> None:
        registry.register(BreakerCollector(self.breaker))

        @app.get("/breaker")
        async def breaker() -> dict[str, Any]:
            return self.describe()


class BreakerCollector(Collector):
    """Breaker metrics read from one snapshot at scrape time."""

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
            "Calls through the breaker by outcome (successful, failed, not_permitted, cancelled).",
            labels=["outcome"],
        )
        calls.add_metric(["successful"], snap.total_successful_calls)
        calls.add_metric(["failed"], snap.total_failed_calls)
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
