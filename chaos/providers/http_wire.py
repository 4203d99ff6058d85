"""One plain-http exchange over ``http.client``, failing as httpx fails.

A fresh connection per request, closed afterwards (a killed server is never hidden by a
pooled one): the connect timeout bounds connecting, the read timeout every later socket
operation, as httpcore applies them. The response is read as httpx reads it
(``http_reply``); failures are worded as httpx words them where ``http.client`` words them
differently.
"""

from __future__ import annotations

import http.client
import zlib
from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.providers.http_reply import Malformed, output, response_headers
from chaos.providers.http_request import PlainRequest


class _FinalResponse(http.client.HTTPResponse):
    """The final response: informational ones (103 Early Hints...) are skipped as httpcore
    skips them, where ``http.client`` skips only 100 Continue."""

    def _read_status(self) -> tuple[str, int, str]:
        while True:
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not 100 < status < 200 or status == 101:
                return version, status, reason
            http.client.parse_headers(self.fp)


def _exchange(request: PlainRequest, connect: float, read: float) -> dict[str, Any]:
    conn = http.client.HTTPConnection(request.host, request.port, timeout=connect)
    conn.response_class = _FinalResponse
    try:
        conn.connect()
        if conn.sock is not None:
            conn.sock.settimeout(read)
        # The headers are httpx's, complete: http.client adds none of its own.
        conn.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
        for name, value in request.headers:
            conn.putheader(name, value)
        conn.endheaders(request.body or None)
        response = conn.getresponse()
        headers = response_headers(response.msg)  # before the body, as h11 checks them
        return output(response.status, headers, response.read())
    finally:
        conn.close()


def _reason(exc: Exception) -> str:
    """httpx's words for what ``http.client`` words its own way."""
    if isinstance(exc, http.client.RemoteDisconnected):
        return "Server disconnected without sending a response."
    if isinstance(exc, http.client.BadStatusLine):
        return f"illegal status line: {bytearray(str(exc).rstrip().encode('latin-1'))!r}"
    if isinstance(exc, http.client.IncompleteRead):
        detail = (
            "incomplete chunked read"
            if exc.expected is None
            else f"received {len(exc.partial)} bytes, expected {len(exc.partial) + exc.expected}"
        )
        return f"peer closed connection without sending complete message body ({detail})"
    return str(exc) or type(exc).__name__


def send(request: PlainRequest, url: str, connect: float, read: float) -> dict[str, Any]:
    """The activity's output ``{status, headers, body}``, or ``ActivityFailed``."""
    try:
        return _exchange(request, connect, read)
    except TimeoutError:
        raise ActivityFailed(f"{request.method} {url} timed out") from None
    except (OSError, http.client.HTTPException, Malformed, zlib.error) as exc:
        raise ActivityFailed(f"{request.method} {url} failed: {_reason(exc)}") from None
