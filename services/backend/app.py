"""The backend app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from prometheus_client import Counter

from services.backend.settings import BackendServerSettings
from services.common.probes import add_probes, new_registry
from services.common.settings import load_settings
from services.contract import BACKEND_MESSAGE, MESSAGE_PATH


def create_app() -> FastAPI:
    registry = new_registry()
    served = Counter("backend_messages", "Messages served on GET /message.", registry=registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ready = True
        yield
        app.state.ready = False

    app = FastAPI(title="backend", lifespan=lifespan, docs_url=None, redoc_url=None)
    add_probes(app, registry)

    @app.get(MESSAGE_PATH, response_class=PlainTextResponse)
    async def message() -> str:
        served.inc()
        return BACKEND_MESSAGE

    return app


def load() -> tuple[BackendServerSettings, FastAPI]:
    return load_settings(BackendServerSettings), create_app()
