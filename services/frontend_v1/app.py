"""Frontend v1's app: the shared core with the direct call."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.settings import load_settings
from services.frontend.app import create_app
from services.frontend.settings import BackendClientSettings, FrontendServerSettings
from services.frontend_v1.guard import DirectCall


def load() -> tuple[FrontendServerSettings, FastAPI]:
    server = load_settings(FrontendServerSettings)
    return server, create_app(
        "frontend-v1",
        load_settings(BackendClientSettings),
        DirectCall(),
        server.max_requests_in_progress,
    )
