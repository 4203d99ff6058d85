"""The frontend app factory, shared by v1 and v2."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import Counter, Histogram

from services.common.probes import add_probes, new_registry
from services.frontend.client import BackendClient, BackendUnavailable, new_http_client
from services.frontend.guard import BackendGuard, PageOutcome
from services.frontend.page import STATIC_DIR, STATIC_PATH, render
from services.frontend.settings import BackendClientSettings

T = TypeVar("T")
#: nginx's status for a request whose client closed the connection; never sent.
CLIENT_CLOSED = 499


class ClientGone(BaseException):
    """The client closed its connection before its page was ready. Like a cancellation it is
    no ``Exception``: v2's breaker counts the abandoned call as neither success nor failure."""


async def _disconnected(request: Request) -> None:
    """Return once the client has closed the connection (the page's GET has no body, so the
    first message is its end and the next one can only be the disconnect)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_disconnected(request: Request, work: Awaitable[T]) -> T:
    """Await ``work``, cancelling it (and raising ``ClientGone``) if the client leaves first:
    nobody would read the page, so the backend call it waits for is not worth finishing.

    ``work`` runs in the page's own task; a watcher task cancels that task on disconnect."""
    page = asyncio.current_task()
    assert page is not None
    gone = finished = False

    def on_watch_done(watch: asyncio.Task[None]) -> None:
        # Done callbacks run on a later turn of the loop: one may come after ``finally``.
        nonlocal gone
        if not finished and not watch.cancelled():
            gone = True
            page.cancel()

    watch = asyncio.ensure_future(_disconnected(request))
    watch.add_done_callback(on_watch_done)
    try:
        return await work
    except asyncio.CancelledError:
        if gone and page.uncancel() == 0:
            raise ClientGone from None
        raise
    finally:
        finished = True
        watch.cancel()


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

    # The page first: under overload it is the route matched most often.
    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> Response:
        backend: BackendClient = request.app.state.backend

        async def fetch() -> str:
            return await unless_disconnected(request, backend.fetch_message())

        with latency.time():
            try:
                outcome = PageOutcome(200, await guard.call(fetch), "ok")
            except BackendUnavailable as exc:
                outcome = guard.on_failure(exc)
            except ClientGone:
                return Response(status_code=CLIENT_CLOSED)
        pages.labels(outcome.kind).inc()
        return render(request, outcome)

    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
    add_probes(app, registry)
    guard.install(app, registry)
    return app
