"""The frontend app factory, shared by v1 and v2."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import Counter, Histogram

from services.common.probes import add_probes, new_registry
from services.frontend.client import BackendClient, BackendUnavailable, new_http_client
from services.frontend.guard import BackendGuard, PageOutcome
from services.frontend.page import STATIC_DIR, STATIC_PATH, render
from services.frontend.settings import BackendClientSettings


def create_app(title: str, settings: BackendClientSettings, guard: BackendGuard) -> FastAPI:
    """A frontend whose backend call on ``GET /`` goes through ``guard``."""
    registry = new_registry()
    pages = Counter(
        "frontend_pages",
        "Pages served on GET /, by outcome (ok, fallback, error).",
        ["outcome"],
        registry=registry,
    )
    latency = Histogram(
        "frontend_page_duration_seconds",
        "Time to serve GET /, backend call included.",
        registry=registry,
    )
    for kind in ("ok", "fallback", "error"):
        pages.labels(kind)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with new_http_client(settings) as http:
            app.state.backend = BackendClient(http, settings)
            app.state.ready = True
            yield
            app.state.ready = False

    app = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
    add_probes(app, registry)
    guard.install(app, registry)

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> HTMLResponse:
        backend: BackendClient = request.app.state.backend
        with latency.time():
            try:
                outcome = PageOutcome(200, await guard.call(backend.fetch_message), "ok")
            except BackendUnavailable as exc:
                outcome = guard.on_failure(exc)
        pages.labels(outcome.kind).inc()
        return render(request, outcome)

    return app
