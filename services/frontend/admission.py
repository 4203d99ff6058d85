"""Admission control for the page: beyond so many requests in progress, a page is shed at once.

Under a burst of thousands of pages the frontend's CPU, not the backend, sets how late the
last one is answered: every page goes through FastAPI's routing, the guard and a Jinja
rendering, and waits on the event loop behind all those that came before it. A page that
arrives while ``limit`` requests are in progress would only be turned away further in (v1's
pool gate, v2's bulkhead) after that wait, so the server answers it as soon as it is read,
with the page the guard sheds with, rendered at most once a minute. Probes, metrics and
static files are never shed.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import Counter
from starlette.types import Scope

from services.common.shedding import Admission, RawAnswer
from services.frontend.guard import PageOutcome
from services.frontend.page import rendered

PAGE_PATH = "/"


def page_admission(
    limit: int, shed: Callable[[], PageOutcome], pages: Counter, shed_pages: Counter
) -> Admission:
    """Beyond ``limit`` requests in progress, ``GET /`` gets ``shed()``'s page at once,
    counted in ``pages`` (by outcome) and ``shed_pages``."""

    def answer(scope: Scope) -> RawAnswer | None:
        if scope["path"] != PAGE_PATH or scope["method"] != "GET":
            return None
        outcome = shed()
        pages.labels(outcome.kind).inc()
        shed_pages.inc()
        return rendered(outcome, scope.get("root_path", ""))

    return Admission(limit, answer)
