"""One HTTP/1.1 connection: an asyncio stream pair, httptools (llhttp, the parser uvicorn
uses) reading it as events, and the framing of what is written to it."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Any

import httptools

from chaos.proxy.options import MAX_HEAD_BYTES

READ_SIZE = 64 * 1024
Fields = list[tuple[bytes, bytes]]


class ProtocolError(Exception):
    """A message the proxy will not read; ``status`` is the answer to give a client."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class Head:
    """A request's or a response's first line and headers (names in lower case)."""

    method: bytes
    target: bytes
    status: int
    reason: bytes
    version: bytes
    headers: Fields
    keep_alive: bool
    chunked: bool
    length: int | None

    @property
    def has_body(self) -> bool:
        """For a request: whether a body follows (RFC 9112 6.3)."""
        return self.chunked or bool(self.length)


@dataclass(slots=True)
class Data:
    data: bytes


class End:
    """The end of a message."""


class Closed:
    """The peer closed the connection between messages."""


END, CLOSED = End(), Closed()
Event = Head | Data | End | Closed


class Wire:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: bool
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.server = server
        self.parser: Any = (
            httptools.HttpRequestParser(self) if server else httptools.HttpResponseParser(self)
        )
        self._events: deque[Event] = deque()
        self._url = b""
        self._reason = b""
        self._fields: Fields = []
        self._size = 0
        self._in_body = False
        self._until_close = False
        self._out: list[bytes] = []
        #: What is written as a body is chunk-encoded.
        self.chunked_out = False
        #: The connection ends after the current exchange.
        self.must_close = False
        #: Kept alive from an earlier exchange (the peer may have closed it meanwhile).
        self.reused = False
        #: An answer's head went out on this (client) connection for the current request.
        self.head_sent = False

    # --- httptools callbacks -------------------------------------------------------------
    def on_message_begin(self) -> None:
        self._url, self._reason, self._fields, self._size = b"", b"", [], 0

    def _grow(self, n: int) -> None:
        self._size += n
        if self._size > MAX_HEAD_BYTES:
            raise ProtocolError("the message head is too large", 431)

    def on_url(self, url: bytes) -> None:
        self._grow(len(url))
        self._url += url

    def on_status(self, reason: bytes) -> None:
        self._reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self._grow(len(name) + len(value) + 4)
        self._fields.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        chunked, length = False, None
        for name, value in self._fields:
            if name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"content-length":
                length = int(value)
        parser = self.parser
        self._in_body = True
        self._until_close = not self.server and not chunked and length is None
        self._events.append(
            Head(
                method=parser.get_method() if self.server else b"",
                target=self._url,
                status=0 if self.server else parser.get_status_code(),
                reason=self._reason,
                version=parser.get_http_version().encode(),
                headers=self._fields,
                keep_alive=parser.should_keep_alive(),
                chunked=chunked,
                length=length,
            )
        )

    def on_body(self, body: bytes) -> None:
        self._events.append(Data(body))

    def on_message_complete(self) -> None:
        self._in_body = False
        self._events.append(END)

    # --- reading -------------------------------------------------------------------------
    async def next_event(self, before_wait: Wire | None = None) -> Event:
        """The next event, reading from the socket as needed.

        What this wire and ``before_wait`` queued is written before the socket is waited on,
        so the events of one read go out in one write instead of one each.
        """
        while not self._events:
            self.flush()
            if before_wait is not None:
                before_wait.flush()
                await before_wait.writer.drain()
            data = await self.reader.read(READ_SIZE)
            if not data:
                # A response without a length ends when the connection does.
                self._events.append(END if self._in_body and self._until_close else CLOSED)
                self._in_body = False
                self.must_close = True
                break
            self._feed(data)
        return self._events.popleft()

    def _feed(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # Upgrades are not proxied: the request goes on as a plain one, then the
            # connection closes (the parser reads nothing after an upgrade).
            self.must_close = True
        except httptools.HttpParserCallbackError as exc:
            if isinstance(exc.__context__, ProtocolError):
                raise exc.__context__ from None
            raise ProtocolError(str(exc)) from None
        except httptools.HttpParserError as exc:
            raise ProtocolError(f"malformed message: {exc}") from None

    # --- writing -------------------------------------------------------------------------
    def write_head(self, first_line: bytes, fields: Fields) -> None:
        lines = [first_line]
        lines += [name + b": " + value for name, value in fields]
        lines.append(b"\r\n")
        self._out.append(b"\r\n".join(lines))
        self.head_sent = True

    def write_body(self, data: bytes) -> None:
        if not data:
            return
        if self.chunked_out:
            self._out += (b"%x\r\n" % len(data), data, b"\r\n")
        else:
            self._out.append(data)

    def write_end(self) -> None:
        if self.chunked_out:
            self._out.append(b"0\r\n\r\n")

    def flush(self) -> None:
        if self._out and not self.writer.is_closing():
            out = self._out
            self._out = []
            self.writer.write(out[0] if len(out) == 1 else b"".join(out))

    async def send_body(self, data: bytes) -> None:
        """A piece of a body, written at once, waiting while the peer is slower."""
        self.write_body(data)
        self.flush()
        await self.writer.drain()

    def close(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()
