"""One HTTP/1.1 response read off a socket as httpx reads it (httpcore over h11): the same
buffering, the same framing of the body, the same refusals in the same words.

h11's rules, kept here: a head ends at the first blank line (``\\r\\n`` or a bare ``\\n``);
informational responses before the final one are skipped, but a 101 is refused, as h11
refuses one the request did not ask for (this path sends no ``Upgrade``); no body after a
HEAD, a 204 or a 304; ``Transfer-Encoding: chunked`` (extensions ignored, trailers read and
checked) before ``Content-Length``, else everything until the server closes. An incomplete
head or chunk line longer than 100 KiB is refused, as httpcore bounds it; there is no
per-line or header-count limit (``http.client`` has them, h11 has not).
"""

from __future__ import annotations

import re
import socket

from chaos.providers.http_reply import Malformed, response_headers

_READ_SIZE = 64 * 1024  # httpcore's
_MAX_INCOMPLETE = 100 * 1024  # httpcore's bound on an event still being received
_BLANK_LINE = re.compile(rb"\n\r?\n")
_STATUS_LINE = re.compile(rb"HTTP/[0-9]\.[0-9] (?P<status>[0-9]{3})(?: (?:[ \t]|[^\x00\s])*)?")
_CHUNK_HEADER = re.compile(rb"(?P<size>[0-9A-Fa-f]{1,20})(?:;.*)?[ \t]*\r\n")
_NO_RESPONSE = "Server disconnected without sending a response."
_INCOMPLETE = "peer closed connection without sending complete message body"
_CUT_SHORT = "peer unexpectedly closed connection"


class _Received:
    """What the server sent and the reader has not consumed yet."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.data = bytearray()

    def more(self, at_end: str, cut_short: str = _CUT_SHORT) -> None:
        """Receive more, as h11 asks for more: ``at_end`` (or ``cut_short`` with bytes still
        unread) when the server has closed."""
        if len(self.data) > _MAX_INCOMPLETE:
            raise Malformed("Receive buffer too long")
        chunk = self.sock.recv(_READ_SIZE)
        if not chunk:
            raise Malformed(cut_short if self.data else at_end)
        self.data += chunk

    def take(self, count: int) -> bytearray:
        out = self.data[:count]
        del self.data[:count]
        return out

    def lines(self) -> list[bytearray] | None:
        """The lines before the next blank one; None until it has arrived."""
        if self.data[:1] == b"\n":
            self.take(1)
            return []
        if self.data[:2] == b"\r\n":
            self.take(2)
            return []
        match = _BLANK_LINE.search(self.data)
        if match is None:
            return None
        lines = self.take(match.end()).split(b"\n")[:-2]
        return [line[:-1] if line.endswith(b"\r") else line for line in lines]

    def chunk_line(self) -> bytearray | None:
        end = self.data.find(b"\r\n")
        return None if end < 0 else self.take(end + 2)


def _head(received: _Received) -> tuple[int, list[tuple[str, str]]]:
    """The final response's status and headers."""
    while True:
        lines = received.lines()
        if lines is None:
            if received.data and received.data[0] < 0x21:
                raise Malformed("illegal request line")
            received.more(_NO_RESPONSE, _NO_RESPONSE)
            continue
        if not lines:
            raise Malformed("no response line received")
        match = _STATUS_LINE.fullmatch(lines[0])
        if match is None:
            raise Malformed(f"illegal status line: {lines[0]!r}")
        headers = response_headers(lines[1:])
        status = int(match["status"])
        if status < 100:
            raise Malformed(
                f"InformationalResponse status_code should be in range [100, 200), not {status}"
            )
        if status == 101:
            raise Malformed("Received server _SWITCH_UPGRADE event without a pending proposal")
        if status >= 200:
            return status, headers


def _sized(received: _Received, length: int) -> bytes:
    # Not ``more``: h11 hands on a body's bytes as they come, so neither the 100 KiB bound
    # nor "unexpectedly closed" applies to them.
    while len(received.data) < length:
        chunk = received.sock.recv(_READ_SIZE)
        if not chunk:
            got = len(received.data)
            raise Malformed(f"{_INCOMPLETE} (received {got} bytes, expected {length})")
        received.data += chunk
    return bytes(received.take(length))


def _until_closed(received: _Received) -> bytes:
    while chunk := received.sock.recv(_READ_SIZE):
        received.data += chunk
    return bytes(received.take(len(received.data)))


def _chunked(received: _Received) -> bytes:
    incomplete = f"{_INCOMPLETE} (incomplete chunked read)"
    body = bytearray()
    while True:
        line = received.chunk_line()
        if line is None:
            received.more(incomplete)
            continue
        match = _CHUNK_HEADER.fullmatch(line)
        if match is None:
            raise Malformed(f"illegal chunk header: {line!r}")
        left = int(match["size"], 16)
        if left == 0:
            break
        while left:
            if not received.data:
                received.more(incomplete)
            data = received.take(left)
            body += data
            left -= len(data)
        footer = b"\r\n"
        while footer:
            if not received.data:
                received.more(incomplete)
            data = received.take(len(footer))
            if data != footer[: len(data)]:
                raise Malformed(f"malformed chunk footer: {data!r} (expected {footer!r})")
            footer = footer[len(data) :]
    while (trailers := received.lines()) is None:
        received.more(incomplete)
    response_headers(trailers)
    return bytes(body)


def _body(received: _Received, method: str, status: int, headers: list[tuple[str, str]]) -> bytes:
    if method == "HEAD" or status in (204, 304):
        return b""
    framing = {name.lower(): value for name, value in reversed(headers)}
    if "transfer-encoding" in framing:
        return _chunked(received)
    if "content-length" in framing:
        return _sized(received, int(framing["content-length"]))
    return _until_closed(received)


def read_response(sock: socket.socket, method: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, the headers (as ``response_headers`` gives them) and the raw body of
    the response to ``method``; ``Malformed`` where httpx would fail, in its words."""
    received = _Received(sock)
    status, headers = _head(received)
    return status, headers, _body(received, method, status, headers)
