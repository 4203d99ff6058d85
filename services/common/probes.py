"""The operational routes every service has: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

from services.contract import LIVENESS_PATH, METRICS_PATH, READINESS_PATH


def new_registry() -> CollectorRegistry:
    """A registry per app (not prometheus-client's global one), with the process metrics."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


def add_probes(app: FastAPI, registry: CollectorRegistry) -> None:
    """``/healthz`` (the process serves), ``/readyz`` (startup done) and ``/metrics``.

    Readiness is set by the app's lifespan through ``app.state.ready``; it never depends on
    another service.
    """
    app.state.ready = False

    @app.get(LIVENESS_PATH, include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(READINESS_PATH, include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        if request.app.state.ready:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "starting"}, status_code=503)

    @app.get(METRICS_PATH, include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
