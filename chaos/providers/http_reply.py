"""A response as httpx hands it on: h11's headers (``http_wire``), the body without its
content codings (gzip, deflate), as JSON or as text in the charset its ``Content-Type``
names (``http_charset``)."""

from __future__ import annotations

import codecs
import json
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from chaos.providers.http_charset import content_charset


def headers_as_sent(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Response headers with their names as the server wrote them; repeats joined."""
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, text in pairs:
        first = seen.setdefault(name.lower(), name)
        out[first] = f"{out[first]}, {text}" if first in out else text
    return out


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
    as they are, as httpx leaves them. Raises ``zlib.error``."""
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
    encoding = None if content_type is None else content_charset(content_type)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            encoding = None
    decoder = codecs.getincrementaldecoder(encoding or "utf-8")(errors="replace")
    return "".join([decoder.decode(content), decoder.decode(b"", True)])


def output(status: int, headers: list[tuple[str, str]], content: bytes) -> dict[str, Any]:
    """The activity's output ``{status, headers, body}``: the body JSON when the
    ``Content-Type`` says so and it parses, else text."""
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
