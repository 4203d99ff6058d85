"""An upstream for the fault proxy's tests, run by uvicorn (``python -m
tests.support.upstream_app``, ``HOST`` and ``PORT`` from the environment), plain ASGI.

- ``GET /peer``: the caller's port, so a test sees which connection a request came on;
- ``GET /count``: how many other requests it has answered;
- ``GET .../request`` (any path ending so): its path and headers as JSON (``path``,
  ``headers``: name -> list of values);
- ``POST /echo``: the request body streamed back as it arrives (chunked);
- ``GET /bytes?n=N``: ``N`` bytes of ``pattern()`` with a Content-Length, in 64 KiB pieces;
- ``GET /empty``: 204, no body;
- ``GET /healthz``: 200.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
PIECE = 64 * 1024
_served = 0


def pattern(size: int) -> Iterator[bytes]:
    """``size`` reproducible bytes in pieces (not all equal, so a reordering would show)."""
    sent, i = 0, 0
    while sent < size:
        piece = bytes((i + k) % 251 for k in range(256)) * (PIECE // 256)
        piece = piece[: size - sent]
        sent += len(piece)
        i += 1
        yield piece


async def _plain(send: Send, body: bytes, ctype: bytes = b"text/plain") -> None:
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _echo(receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    while True:
        message = await receive()
        body = message.get("body", b"")
        more = message.get("more_body", False)
        await send({"type": "http.response.body", "body": body, "more_body": more})
        if not more:
            return


async def _bytes(scope: Scope, send: Send) -> None:
    size = int(parse_qs(scope["query_string"].decode())["n"][0])
    headers = [(b"content-length", str(size).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    for piece in pattern(size):
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    global _served
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path not in ("/count", "/healthz"):
        _served += 1
    if path == "/echo":
        await _echo(receive, send)
    elif path == "/bytes":
        await _bytes(scope, send)
    elif path == "/empty":
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/peer":
        await _plain(send, str(scope["client"][1]).encode())
    elif path == "/count":
        await _plain(send, str(_served).encode())
    elif path.endswith("/request"):
        seen: dict[str, list[str]] = {}
        for name, value in scope["headers"]:
            seen.setdefault(name.decode(), []).append(value.decode())
        body = json.dumps({"path": path, "headers": seen}).encode()
        await _plain(send, body, b"application/json")
    else:
        await _plain(send, b"ok")


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ["PORT"]),
        log_level="warning",
        timeout_keep_alive=60,
    )
