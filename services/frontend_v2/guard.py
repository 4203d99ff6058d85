"""v2's guard: the backend call goes through the circuit breaker, failures get the fallback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.contract import BREAKER_PATH, FALLBACK_MESSAGE
from services.frontend.bulkhead import BulkheadFullError, SemaphoreBulkhead
from services.frontend.client import BackendUnavailable
from services.frontend.guard import Fetch, PageOutcome
from services.frontend_v2.actuator import add_actuator_routes, add_bulkhead_routes
from services.frontend_v2.breaker import CallNotPermittedError, SlidingWindowCircuitBreaker
from services.frontend_v2.events import CircularEventConsumer
from services.frontend_v2.metrics import (
    BreakerCollector,
    BulkheadCollector,
    CallMeters,
    Resilience4jCollector,
)

log = logging.getLogger(__name__)


class BreakerCall:
    def __init__(
        self,
        breaker: SlidingWindowCircuitBreaker,
        events: CircularEventConsumer,
        admin_enabled: bool = False,
        bulkhead: SemaphoreBulkhead | None = None,
    ) -> None:
        self.breaker = breaker
        self.bulkhead = bulkhead or SemaphoreBulkhead(breaker.name or "")
        self.events = events
        self.meters = CallMeters(breaker.clock)
        self.admin_enabled = admin_enabled
        breaker.events.add_consumer(events)
        breaker.events.add_consumer(self.meters)

    async def call(self, fetch: Fetch) -> str:
        # The bulkhead goes round the breaker: a call turned away because v2 is busy says
        # nothing about the backend, so it must not count towards opening the breaker.
        try:
            async with self.bulkhead.permit():
                return await self.breaker.call_async(fetch)
        except (CallNotPermittedError, BulkheadFullError) as exc:
            raise BackendUnavailable(str(exc)) from None

    def on_failure(self, error: BackendUnavailable) -> PageOutcome:
        log.error("Fallback : %s", error)
        return PageOutcome(200, FALLBACK_MESSAGE, "fallback")

    def describe(self) -> dict[str, Any]:
        """The body of ``GET /breaker``."""
        snap = self.breaker.snapshot()
        config = self.breaker.config
        return {
            "name": self.breaker.name,
            "state": snap.state,
            "failure_rate": snap.failure_rate,
            "slow_call_rate": snap.slow_call_rate,
            "buffered_calls": snap.buffered_calls,
            "failed_calls": snap.failed_calls,
            "slow_calls": snap.slow_calls,
            "slow_failed_calls": snap.slow_failed_calls,
            "not_permitted_calls": snap.not_permitted_calls,
            "totals": {
                "successful": snap.total_successful_calls,
                "failed": snap.total_failed_calls,
                "ignored": snap.total_ignored_calls,
                "not_permitted": snap.total_not_permitted_calls,
                "cancelled": snap.total_cancelled_calls,
            },
            "config": {
                "window_size": config.window_size,
                "sliding_window_type": config.sliding_window_type.value,
                "failure_rate_threshold": config.failure_rate_threshold,
                "minimum_calls": config.minimum_calls,
                "minimum_calls_effective": config.effective_minimum_calls,
                "wait_duration_open": config.wait_duration_open,
                "permitted_calls_half_open": config.permitted_calls_half_open,
                "slow_call_duration_threshold": config.slow_call_duration_threshold,
                "slow_call_rate_threshold": config.slow_call_rate_threshold,
                "automatic_transition_open_to_half_open": (
                    config.automatic_transition_open_to_half_open
                ),
                "max_wait_duration_half_open": config.max_wait_duration_half_open,
                "record_exceptions": (
                    None if config.record_exceptions is None else sorted(config.record_exceptions)
                ),
                "ignore_exceptions": sorted(config.ignore_exceptions),
            },
        }

    def install(self, app: FastAPI, registry: CollectorRegistry) -> None:
        registry.register(BreakerCollector(self.breaker))
        registry.register(Resilience4jCollector(self.breaker, self.meters))
        registry.register(BulkheadCollector(self.bulkhead))
        add_actuator_routes(app, self.breaker, self.events, self.admin_enabled)
        add_bulkhead_routes(app, self.bulkhead)

        @app.get(BREAKER_PATH)
        async def breaker() -> dict[str, Any]:
            return self.describe()
