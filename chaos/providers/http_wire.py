"""One plain-http exchange over ``http.client``, its response read as httpx reads one.

A fresh connection per request, closed afterwards (a killed server is never hidden by a
pooled one): the connect timeout bounds connecting, the read timeout every later socket
operation, as httpcore applies them. The body is decoded as httpx's ``Response`` decodes it
(``Content-Encoding`` gzip and deflate, the charset of the ``Content-Type``, errors
replaced), and failures read as httpx's would (its texts where ``http.client`` words them
differently).
"""

from __future__ import annotations

import codecs
import http.client
import json
import re
import zlib
from collections.abc import Callable, Iterable
from email.message import Message
from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.providers.http_request import PlainRequest

_FOLD = re.compile(r"\r?\n[ \t]+")


def headers_as_sent(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Response headers with their names as the server wrote them; repeats joined."""
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, text in pairs:
        first = seen.setdefault(name.lower(), name)
        out[first] = f"{out[first]}, {text}" if first in out else text
    return out


Reply = tuple[int, list[tuple[str, str]], bytes]


class _FinalResponse(http.client.HTTPResponse):
    """The final response: informational ones (103 Early Hints...) are skipped as httpcore
    skips them, where ``http.client`` skips only 100 Continue."""

    def _read_status(self) -> tuple[str, int, str]:
        while True:
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not 100 < status < 200 or status == 101:
                return version, status, reason
            http.client.parse_headers(self.fp)


def _exchange(request: PlainRequest, connect: float, read: float) -> Reply:
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
        content = response.read()
        return response.status, response.getheaders(), content
    finally:
        conn.close()


def _gunzip(data: bytes) -> bytes:
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    return decompressor.decompress(data) + decompressor.flush()


def _inflate(data: bytes) -> bytes:
    # zlib-wrapped deflate as the standard says, else the raw deflate some servers send.
    decompressor = zlib.decompressobj()
    try:
        out = decompressor.decompress(data)
    except zlib.error:
        decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
        out = decompressor.decompress(data)
    return out + decompressor.flush()


_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "identity": lambda data: data,
    "gzip": _gunzip,
    "deflate": _inflate,
}


def _values(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name]


def _decoded(headers: list[tuple[str, str]], content: bytes) -> bytes:
    """The body without its content codings, last applied first; unknown ones are left
    as they are, as httpx leaves them."""
    codings = [
        part.strip().lower()
        for value in _values(headers, "content-encoding")
        for part in value.split(",")
    ]
    for coding in reversed([c for c in codings if c in _DECODERS]):
        content = _DECODERS[coding](content)
    return content


def _text(content: bytes, content_type: str | None) -> str:
    if not content:
        return ""
    encoding = None
    if content_type is not None:
        message = Message()
        message["content-type"] = content_type
        encoding = message.get_content_charset(failobj=None)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            encoding = None
    decoder = codecs.getincrementaldecoder(encoding or "utf-8")(errors="replace")
    return "".join([decoder.decode(content), decoder.decode(b"", True)])


def _output(reply: Reply) -> dict[str, Any]:
    status, raw, content = reply
    # email's parser keeps a value's trailing blanks and folded lines; h11 does not.
    headers = [(k, _FOLD.sub(" ", v).rstrip(" \t")) for k, v in raw]
    content = _decoded(headers, content)
    types = _values(headers, "content-type")
    content_type = ", ".join(types) if types else None
    body: Any
    if "json" in (content_type or ""):
        try:
            body = json.loads(content)
        except ValueError:
            body = _text(content, content_type)
    else:
        body = _text(content, content_type)
    return {"status": status, "headers": headers_as_sent(headers), "body": body}


def _reason(exc: Exception) -> str:
    """httpx's words for what ``http.client`` words its own way."""
    if isinstance(exc, http.client.RemoteDisconnected):
        return "Server disconnected without sending a response."
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
        return _output(_exchange(request, connect, read))
    except TimeoutError:
        raise ActivityFailed(f"{request.method} {url} timed out") from None
    except (OSError, http.client.HTTPException, zlib.error) as exc:
        raise ActivityFailed(f"{request.method} {url} failed: {_reason(exc)}") from None
