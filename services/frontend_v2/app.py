"""Frontend v2's app: the shared core with the breaker-guarded call."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.settings import load_settings
from services.frontend.app import create_app
from services.frontend.settings import BackendClientSettings, FrontendServerSettings
from services.frontend_v2.breaker import SlidingWindowCircuitBreaker, StateChangeLogger
from services.frontend_v2.guard import BreakerCall
from services.frontend_v2.settings import BreakerSettings


def load() -> tuple[FrontendServerSettings, FastAPI]:
    server = load_settings(FrontendServerSettings)
    breaker = SlidingWindowCircuitBreaker(
        load_settings(BreakerSettings).to_config(), name="backend", listeners=[StateChangeLogger()]
    )
    return server, create_app(
        "frontend-v2", load_settings(BackendClientSettings), BreakerCall(breaker)
    )
