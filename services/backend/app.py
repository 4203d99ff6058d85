"""The backend app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from prometheus_client import Counter

from services.backend.faults import (
    ERROR_STATUS,
    ERROR_TEXT,
    Faults,
    FaultSettings,
    add_fault_routes,
)
from services.backend.settings import BackendServerSettings
from services.common.probes import add_probes, new_registry
from services.common.settings import load_settings
from services.contract import BACKEND_MESSAGE, MESSAGE_PATH

logger = logging.getLogger(__name__)


def create_app(faults: Faults | None = None, token: str = "") -> FastAPI:
    """The backend; with ``faults`` (only when enabled) its fault route, guarded by
    ``token``, and injected faults."""
    registry = new_registry()
    served = Counter("backend_messages", "Messages served on GET /message.", registry=registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ready = True
        yield
        app.state.ready = False

    app = FastAPI(title="backend", lifespan=lifespan, docs_url=None, redoc_url=None)
    add_probes(app, registry)

    if faults is None:

        @app.get(MESSAGE_PATH, response_class=PlainTextResponse)
        async def message() -> str:
            served.inc()
            return BACKEND_MESSAGE

        return app

    injected = Counter(
        "backend_injected_errors", "Calls failed on purpose by a fault.", registry=registry
    )
    add_fault_routes(app, faults, token)
    logger.warning("Fault injection is enabled: a chaos action may slow this backend down")

    @app.get(MESSAGE_PATH, response_class=PlainTextResponse)
    async def faulty_message() -> PlainTextResponse:
        if await faults.apply():
            injected.inc()
            return PlainTextResponse(ERROR_TEXT, status_code=ERROR_STATUS)
        served.inc()
        return PlainTextResponse(BACKEND_MESSAGE)

    return app


def load() -> tuple[BackendServerSettings, FastAPI]:
    server = load_settings(BackendServerSettings)
    faults = load_settings(FaultSettings)
    token = faults.token.get_secret_value()
    return server, create_app(Faults() if faults.enabled else None, token)
