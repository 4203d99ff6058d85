"""``chaosrun serve``'s web app: the stored runs (filtered), a run's HTML report, two runs
compared, an experiment's trend. Every page is rendered on the server with Jinja2's
autoescape; the pages carry no script at all, and the policy says so."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from chaos.history import HistoryOptions, HistoryStore, RunRow, open_store
from chaos.history.compare import HEADER, compare, rows_of
from chaos.history.lookup import journal_of
from chaos.history.query import RunQuery
from chaos.serve.filters import RunFilter

HERE = Path(__file__).parent
# No script anywhere; the reports' own inline styles and the app's stylesheet.
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
TREND_LIMIT = 50


class NotFound(Exception):
    """A run id the store does not hold."""


def make_app(store_url: str | None = None) -> FastAPI:
    """The app over the history ``store_url`` names (default: as ``chaosrun history``)."""
    url = HistoryOptions(store_url).resolved_url()
    app = FastAPI(title="chaosrun history", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # autoescape on every template (Starlette's default leaves ``.j2`` files unescaped)
    loader = jinja2.FileSystemLoader(HERE / "templates")
    pages = Jinja2Templates(env=jinja2.Environment(loader=loader, autoescape=True))

    @contextmanager
    def store() -> Iterator[HistoryStore]:
        opened = open_store(url, create=False)
        try:
            yield opened
        finally:
            opened.close()

    def find(held: HistoryStore, run_id: str) -> RunRow:
        row = held.get(run_id)
        if row is None:
            raise NotFound(run_id)
        return row

    @app.middleware("http")
    async def policy(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        context = {"message": f"No stored run has the id {exc}."}
        return pages.TemplateResponse(request, "error.html.j2", context, status_code=404)

    @app.get("/", response_class=HTMLResponse)
    def runs(request: Request) -> Response:
        wanted = RunFilter.of(request.query_params)
        with store() as held:
            rows = [row for row in held.runs(wanted.query()) if wanted.keeps(row)]
        context = {"rows": rows, "wanted": wanted, "where": url}
        return pages.TemplateResponse(request, "runs.html.j2", context)

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def report(run_id: str) -> Response:
        from chaos.report.pages import html_of
        from chaos.report.runs import view_of

        with store() as held:
            row = find(held, run_id)
        view = view_of(journal_of(row), f"{row.id}.json")  # type: ignore[arg-type]
        return HTMLResponse(html_of([view], history_url=url))

    @app.get("/runs/{run_id}/journal")
    def journal(run_id: str) -> Response:
        with store() as held:
            return JSONResponse(journal_of(find(held, run_id)))

    @app.get("/compare", response_class=HTMLResponse)
    def comparison(request: Request, base: str = "", candidate: str = "") -> Response:
        if not base or not candidate:
            asked = {"message": "Name two runs to compare: ?base=ID&candidate=ID."}
            return pages.TemplateResponse(request, "error.html.j2", asked, status_code=400)
        with store() as held:
            found = compare(find(held, base), find(held, candidate), {})
        context: dict[str, Any] = {"c": found, "header": HEADER, "rows": rows_of(found)}
        return pages.TemplateResponse(request, "compare.html.j2", context)

    @app.get("/trend", response_class=HTMLResponse)
    def trend(request: Request, title: str = "") -> Response:
        from chaos.report.trend import trend_svg

        with store() as held:
            found = held.runs(RunQuery(limit=TREND_LIMIT * 5, title=title))
        rows = [row for row in found if row.title == title][:TREND_LIMIT][::-1]
        # trend_svg escapes what it draws: its markup is the app's own
        context = {"title": title, "rows": rows, "svg": trend_svg(rows)}
        return pages.TemplateResponse(request, "trend.html.j2", context)

    return app
