"""Shedding a request as soon as it is read: no task, no ASGI cycle, the answer written whole.

Under a burst, what a shed request costs the server is what bounds the latency of the last
one: uvicorn's path (an ``asyncio`` task, a request-response cycle, h11 serialising the
answer) costs several times what parsing the head with httptools and writing prepared bytes
does. Only a whole, valid request that arrived in one read takes this path; anything else
goes through uvicorn as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import httptools
from starlette.types import Scope

#: A whole answer as ASGI sends it: status, raw headers and body.
RawAnswer = tuple[int, list[tuple[bytes, bytes]], bytes]


@dataclass(frozen=True)
class Admission:
    """Beyond ``limit`` requests in progress, ``shed(scope)`` says what a new request gets
    at once; None lets it through (a probe, say). The scope has ``type``, ``method``,
    ``path`` and ``root_path`` only."""

    limit: int
    shed: Callable[[Scope], RawAnswer | None]


class _Head:
    """httptools' callbacks: the target and how many whole requests were read."""

    def __init__(self) -> None:
        self.url = b""
        self.complete = 0

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_message_complete(self) -> None:
        self.complete += 1


def sole_request(data: bytes) -> tuple[str, str] | None:
    """``(method, path)`` if ``data`` is exactly one whole, valid request; else None."""
    head = _Head()
    parser = httptools.HttpRequestParser(head)
    try:
        parser.feed_data(data)
        path = httptools.parse_url(head.url).path
    except (httptools.HttpParserError, httptools.HttpParserUpgrade):
        return None
    if head.complete != 1:
        return None
    return parser.get_method().decode("ascii"), path.decode("latin-1")


def serialised(answer: RawAnswer, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The answer as HTTP/1.1 bytes, closing the connection."""
    status, headers, body = answer
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode("ascii")]
    lines += [name + b": " + value for name, value in default_headers + headers]
    lines += [b"connection: close", b"", body]
    return b"\r\n".join(lines)
