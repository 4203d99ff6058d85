"""Rendering the page: the JST clock and the Jinja2 templates."""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from services.common.shedding import RawAnswer
from services.contract import PAGE_TITLE
from services.frontend.guard import PageOutcome

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
STATIC_PATH = "/static"  # where the app mounts STATIC_DIR
# A constant, not url_for() per page: url_for resolves the route on every page, and v2's
# open-breaker answer is the page served most often under chaos.
STYLESHEET = f"{STATIC_PATH}/style.css"

#: Sent with every page: only the app's own resources load, no framing, no sniffing, and no
#: Referer leaves for anyone. The pages have no inline script or style, so none is allowed.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

#: Japan has no daylight saving time: a fixed offset needs no tz database in the image.
JST = timezone(timedelta(hours=9), "JST")
CLOCK_FORMAT = "%Y/%m/%d %H:%M"  # yyyy/MM/dd HH:mm


def jst_now() -> datetime:
    return datetime.now(JST)


def text(value: object) -> Markup:
    """Escape for element text: ``<``, ``>`` and ``&`` only, so ``I'm`` stays readable."""
    return Markup(html.escape(str(value), quote=False))


templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["text"] = text
# The templates ship with the image and never change at run time: no mtime check per page.
templates.env.auto_reload = False


_rendered: dict[tuple[PageOutcome, str], tuple[str, RawAnswer]] = {}


def rendered(outcome: PageOutcome, root_path: str = "") -> RawAnswer:
    """The page for ``outcome``, as ``render`` would answer it, rendered at most once a
    minute (the clock shows minutes): the answer admission control sheds with."""
    now = jst_now()
    clock = now.strftime(CLOCK_FORMAT)
    cached = _rendered.get((outcome, root_path))
    if cached is not None and cached[0] == clock:
        return cached[1]
    body = (
        templates.get_template(outcome.template).render(_context(outcome, now, root_path)).encode()
    )
    headers = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
    headers += [
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"text/html; charset=utf-8"),
    ]
    page = (outcome.status_code, headers, body)
    _rendered[(outcome, root_path)] = (clock, page)
    return page


def _context(outcome: PageOutcome, now: datetime, root_path: str) -> dict[str, object]:
    return {
        "title": PAGE_TITLE,
        "clock": now.strftime(CLOCK_FORMAT),
        "clock_iso": now.isoformat(timespec="minutes"),
        "message": outcome.message,
        "stylesheet": root_path + STYLESHEET,
    }


def render(request: Request, outcome: PageOutcome) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        outcome.template,
        _context(outcome, jst_now(), request.scope.get("root_path", "")),
        status_code=outcome.status_code,
        headers=SECURITY_HEADERS,
    )
