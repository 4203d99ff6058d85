"""uvicorn's h11 protocol with the limits a service facing hostile clients and bursts needs.

uvicorn's default parser (httptools) buffers a request head of any size, and neither parser
has a deadline for receiving a request: a client that drips an endless header keeps its
connection, and its buffer, for ever. Here h11 caps the head (``h11_max_incomplete_event_size``)
and a timer closes a connection whose request is not complete in time.

Admission control: a request that arrives while ``Admission.limit`` requests are in progress
(started or still queued on the event loop) goes to ``Admission.app`` instead of the service's
app. uvicorn's own ``limit_concurrency`` also counts open connections, so under a burst of
thousands of connections it would turn away every request, the first ones included.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from services.common.shedding import Admission, serialised, sole_request

log = logging.getLogger(__name__)
MAX_HEAD_DEFAULT = 16 * 1024  # h11's own default maximum incomplete event size

#: The states in which the client still owes us (part of) a request.
_RECEIVING = (h11.IDLE, h11.SEND_BODY)


class _Shedding:
    """The ASGI app requests go to while the service is over its admission limit."""

    def __init__(self, admission: Admission, app: ASGIApp) -> None:
        self.shed = admission.shed
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self.shed(scope) if scope["type"] == "http" else None
        if answer is None:
            await self.app(scope, receive, send)
            return
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class ServiceConfig(uvicorn.Config):
    """uvicorn's configuration plus the deadline and admission the protocol below reads."""

    def __init__(
        self,
        app: Any,
        *,
        request_timeout: float,
        admission: Admission | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(app, http=BoundedH11Protocol, **kwargs)
        self.request_timeout = request_timeout
        self.admission = admission


class BoundedH11Protocol(H11Protocol):
    """Each request (line, headers and body) must arrive within ``request_timeout`` seconds,
    counted from the connection or from the end of the previous answer's keep-alive wait;
    dripping bytes does not move the deadline."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._request_timeout: float = getattr(config, "request_timeout", 10.0)
        self._request_timer: asyncio.TimerHandle | None = None
        admission: Admission | None = getattr(config, "admission", None)
        self._admission_limit = admission.limit if admission else None
        self._shed = admission.shed if admission else None
        self._max_head: int = config.h11_max_incomplete_event_size or MAX_HEAD_DEFAULT
        self._admitted_app: ASGIApp = self.app
        self._shedding_app = _Shedding(admission, self.app) if admission else self.app

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_request_timer()

    def data_received(self, data: bytes) -> None:
        # uvicorn hands each request parsed from ``data`` to ``self.app``: the choice is made
        # here, when the request arrives, not when its task gets its turn on the loop.
        if self._admission_limit is not None:
            over = len(self.tasks) >= self._admission_limit
            if over and self._shed_at_once(data):
                return
            self.app = self._shedding_app if over else self._admitted_app
        super().data_received(data)
        if self.conn.their_state in _RECEIVING and not self.transport.is_closing():
            self._arm_request_timer()
        else:
            self._cancel_request_timer()

    def _shed_at_once(self, data: bytes) -> bool:
        """Answer and close a connection's first request, read whole, if it is to be shed."""
        if self._shed is None or self.conn.their_state != h11.IDLE or self.cycle is not None:
            return False
        if self.conn.trailing_data[0] or len(data) > self._max_head:
            return False
        request = sole_request(data)
        if request is None:
            return False
        method, path = request
        scope = {"type": "http", "method": method, "path": path, "root_path": self.root_path}
        answer = self._shed(scope)
        if answer is None:
            return False
        self._cancel_request_timer()
        self.transport.write(serialised(answer, self.server_state.default_headers))
        self.transport.close()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_request_timer()
        super().connection_lost(exc)

    def _arm_request_timer(self) -> None:
        if self._request_timer is None:
            self._request_timer = self.loop.call_later(
                self._request_timeout, self._request_timed_out
            )

    def _cancel_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if self.conn.their_state in _RECEIVING and not self.transport.is_closing():
            log.warning("Closed a connection whose request was late: %s", self.client)
            self.transport.close()
