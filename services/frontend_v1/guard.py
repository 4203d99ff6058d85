"""v1's guard: no guard at all, the way the original sample's v1 called its backend."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.frontend.client import BackendBusy, BackendUnavailable
from services.frontend.guard import Fetch, PageOutcome

log = logging.getLogger(__name__)

UNAVAILABLE = "The backend is unavailable."
BUSY = "The frontend is busy."


class DirectCall:
    async def call(self, fetch: Fetch) -> str:
        return await fetch()

    def on_failure(self, error: BackendUnavailable) -> PageOutcome:
        if isinstance(error, BackendBusy):
            # Overload sheds at once rather than queueing until the backend budget is spent.
            log.warning("Busy: %s", error)
            return PageOutcome(503, BUSY, "error", template="busy.html")
        log.error("Backend unavailable: %s", error)
        return PageOutcome(502, UNAVAILABLE, "error", template="error.html")

    def install(self, app: FastAPI, registry: CollectorRegistry) -> None:
        """v1 has no routes or metrics of its own."""
