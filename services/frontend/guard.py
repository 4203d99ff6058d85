"""The strategy a frontend plugs into the core: how the backend call is guarded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.frontend.client import BackendUnavailable

Fetch = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class PageOutcome:
    """What the page shows: the status code, the ``<h2>`` message and the template."""

    status_code: int
    message: str
    kind: str  # "ok", "fallback" or "error": the label of the page counter
    template: str = "page.html"


class BackendGuard(Protocol):
    """v1 calls the backend directly, v2 through its circuit breaker."""

    async def call(self, fetch: Fetch) -> str:
        """Run ``fetch``; raise ``BackendUnavailable`` when no message can be had."""
        ...

    def on_failure(self, error: BackendUnavailable) -> PageOutcome:
        """The page to show (and the log line to write) when ``call`` raised."""
        ...

    def shed(self) -> PageOutcome:
        """The page (and the log line) for a page shed by admission control."""
        ...

    def install(self, app: FastAPI, registry: CollectorRegistry) -> None:
        """Add the guard's own routes and metrics."""
        ...
