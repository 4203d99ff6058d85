"""One plain-http exchange: h11 over a socket, as httpcore drives it under httpx.

A fresh connection per request, closed afterwards (a killed server is never hidden by a
pooled one): the connect timeout bounds connecting, the read timeout every later socket
operation, as httpcore applies them. h11 writes the request ``http_request`` built and reads
the response, so framing, refusals and their words are httpx's own (httpx reads through the
same h11). Only ``socket`` and h11 are imported: ``http.client`` would import ``ssl`` and
``email``, and httpx with httpcore cost a short run more than its request.
"""

from __future__ import annotations

import socket
import zlib
from collections.abc import Iterator
from typing import Any

import h11

from chaos.actions.errors import ActivityFailed
from chaos.providers.http_reply import output
from chaos.providers.http_request import PlainRequest

# httpcore's: bytes asked of the socket per read, and h11's bound on an unfinished head.
_READ_SIZE = 64 * 1024
_MAX_INCOMPLETE = 100 * 1024


class _NoResponse(Exception):
    def __str__(self) -> str:
        return "Server disconnected without sending a response."  # httpcore's words


def _next_event(conn: h11.Connection, sock: socket.socket) -> Any:
    while (event := conn.next_event()) is h11.NEED_DATA:
        data = sock.recv(_READ_SIZE)
        if not data and conn.their_state is h11.SEND_RESPONSE:
            raise _NoResponse
        conn.receive_data(data)
    return event


def _response(conn: h11.Connection, sock: socket.socket) -> h11.Response:
    # Informational responses are skipped; a 101 reaches h11's own refusal (no Upgrade asked).
    while not isinstance(event := _next_event(conn, sock), h11.Response):
        pass
    return event


def _body(conn: h11.Connection, sock: socket.socket) -> Iterator[bytes]:
    while not isinstance(event := _next_event(conn, sock), h11.EndOfMessage):
        if isinstance(event, h11.Data):
            yield bytes(event.data)


def _exchange(request: PlainRequest, connect: float, read: float) -> dict[str, Any]:
    conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_INCOMPLETE)
    head = h11.Request(method=request.method, target=request.target, headers=request.headers)
    wire = conn.send(head) or b""
    if request.body:
        wire += conn.send(h11.Data(data=request.body)) or b""
    wire += conn.send(h11.EndOfMessage()) or b""
    # The host as bytes: socket.getaddrinfo would encode a str one with the idna codec,
    # whose import costs more than the lookup; http_request lets only ASCII hosts here.
    # (create_connection passes it to getaddrinfo, which takes bytes; typeshed says str.)
    address = (request.host.encode("ascii"), request.port)
    with socket.create_connection(address, timeout=connect) as sock:  # type: ignore[arg-type]
        sock.settimeout(read)
        sock.sendall(wire)
        response = _response(conn, sock)
        content = b"".join(_body(conn, sock))
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw_items()]
    return output(response.status_code, headers, content)


def send(request: PlainRequest, url: str, connect: float, read: float) -> dict[str, Any]:
    """The activity's output ``{status, headers, body}``, or ``ActivityFailed``."""
    try:
        return _exchange(request, connect, read)
    except TimeoutError:
        raise ActivityFailed(f"{request.method} {url} timed out") from None
    except (OSError, h11.ProtocolError, _NoResponse, zlib.error) as exc:
        reason = str(exc) or type(exc).__name__
        raise ActivityFailed(f"{request.method} {url} failed: {reason}") from None
