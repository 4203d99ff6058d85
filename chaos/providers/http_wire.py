"""One plain-http exchange over a socket, failing as httpx fails.

A fresh connection per request, closed afterwards (a killed server is never hidden by a
pooled one): the connect timeout bounds connecting, the read timeout every later socket
operation, as httpcore applies them. The request's bytes are ``http_request``'s, sent at
once; the response is read as httpx reads it (``http_read``, ``http_reply``). Only the
``socket`` module is needed: ``http.client`` would import ``ssl`` and ``email``, which
cost a short run more than its request.
"""

from __future__ import annotations

import socket
import zlib
from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.providers.http_read import read_response
from chaos.providers.http_reply import Malformed, output
from chaos.providers.http_request import PlainRequest


def _wire(request: PlainRequest) -> bytes:
    lines = [f"{request.method} {request.target} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in request.headers]
    return "\r\n".join([*lines, "", ""]).encode("ascii") + request.body


def _exchange(request: PlainRequest, connect: float, read: float) -> dict[str, Any]:
    # The host as bytes: socket.getaddrinfo would encode a str one with the idna codec,
    # whose import costs more than the lookup; http_request lets only ASCII hosts here.
    # (create_connection passes it to getaddrinfo, which typeshed lets take bytes.)
    address = (request.host.encode("ascii"), request.port)
    with socket.create_connection(address, timeout=connect) as sock:  # type: ignore[arg-type]
        sock.settimeout(read)
        sock.sendall(_wire(request))
        status, headers, content = read_response(sock, request.method)
    return output(status, headers, content)


def send(request: PlainRequest, url: str, connect: float, read: float) -> dict[str, Any]:
    """The activity's output ``{status, headers, body}``, or ``ActivityFailed``."""
    try:
        return _exchange(request, connect, read)
    except TimeoutError:
        raise ActivityFailed(f"{request.method} {url} timed out") from None
    except (OSError, Malformed, zlib.error) as exc:
        reason = str(exc) or type(exc).__name__
        raise ActivityFailed(f"{request.method} {url} failed: {reason}") from None
