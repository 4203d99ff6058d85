"""Frontend v2's app: the shared core with the breaker-guarded call."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.settings import load_settings
from services.frontend.app import create_app
from services.frontend.bulkhead import SemaphoreBulkhead
from services.frontend.settings import BackendClientSettings, FrontendServerSettings
from services.frontend_v2.breaker import SlidingWindowCircuitBreaker
from services.frontend_v2.events import CircularEventConsumer
from services.frontend_v2.guard import BreakerCall
from services.frontend_v2.listeners import StateChangeLogger
from services.frontend_v2.settings import BREAKER_NAME, BreakerSettings, BulkheadSettings


def load() -> tuple[FrontendServerSettings, FastAPI]:
    server = load_settings(FrontendServerSettings)
    settings = load_settings(BreakerSettings)
    breaker = SlidingWindowCircuitBreaker(
        settings.to_config(), name=BREAKER_NAME, listeners=[StateChangeLogger()]
    )
    bulkhead = SemaphoreBulkhead(
        BREAKER_NAME,
        load_settings(BulkheadSettings).to_config(),
        settings.event_consumer_buffer_size,
    )
    guard = BreakerCall(
        breaker,
        CircularEventConsumer(settings.event_consumer_buffer_size),
        settings.admin_enabled,
        bulkhead,
    )
    return server, create_app("frontend-v2", load_settings(BackendClientSettings), guard)
