"""uvicorn's h11 protocol with the limits a service facing hostile clients needs.

uvicorn's default parser (httptools) buffers a request head of any size, and neither parser
has a deadline for receiving a request: a client that drips an endless header keeps its
connection, and its buffer, for ever. Here h11 caps the head (``h11_max_incomplete_event_size``)
and a timer closes a connection whose request is not complete in time.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

#: The states in which the client still owes us (part of) a request.
_RECEIVING = (h11.IDLE, h11.SEND_BODY)


class ServiceConfig(uvicorn.Config):
    """uvicorn's configuration plus the deadline the protocol below reads."""

    def __init__(self, app: Any, *, request_timeout: float, **kwargs: Any) -> None:
        super().__init__(app, http=BoundedH11Protocol, **kwargs)
        self.request_timeout = request_timeout


class BoundedH11Protocol(H11Protocol):
    """Each request (line, headers and body) must arrive within ``request_timeout`` seconds,
    counted from the connection or from the end of the previous answer's keep-alive wait;
    dripping bytes does not move the deadline."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._request_timeout: float = getattr(config, "request_timeout", 10.0)
        self._request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_request_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in _RECEIVING and not self.transport.is_closing():
            self._arm_request_timer()
        else:
            self._cancel_request_timer()

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
