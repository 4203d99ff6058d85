"""Rendering the page: the JST clock and the Jinja2 templates."""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

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


def render(request: Request, outcome: PageOutcome) -> HTMLResponse:
    now = jst_now()
    return templates.TemplateResponse(
        request,
        outcome.template,
        {
            "title": PAGE_TITLE,
            "clock": now.strftime(CLOCK_FORMAT),
            "clock_iso": now.isoformat(timespec="minutes"),
            "message": outcome.message,
            "stylesheet": request.scope.get("root_path", "") + STYLESHEET,
        },
        status_code=outcome.status_code,
        headers=SECURITY_HEADERS,
    )
