"""A response read as httpx reads one: its headers as h11 accepts and normalises them, its
body without its content codings (gzip, deflate), as JSON or as text in the charset its
``Content-Type`` names (``http_charset``)."""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from chaos.providers.http_charset import content_charset

# h11's header line: a token, a colon, the value between optional blanks.
_FIELD = re.compile(
    rb"(?P<name>[-!#$%&'*+.^_`|~0-9a-zA-Z]+):[ \t]*"
    rb"(?P<value>(?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?)[ \t]*"
)
_FOLDED = re.compile(rb"[ \t]+")
_DIGITS = re.compile(rb"[0-9]{1,20}")


class Malformed(Exception):
    """A response httpx would refuse, in its words (h11's and httpcore's)."""


def _unfolded(lines: Iterable[bytearray]) -> list[bytearray]:
    """Folded continuation lines joined to their header line by one space, as h11 joins them."""
    out: list[bytearray] = []
    for line in lines:
        fold = _FOLDED.match(line)
        if fold is None:
            out.append(line)
        elif out:
            out[-1] += b" " + line[fold.end() :]
        else:
            raise Malformed("continuation line at start of headers")
    return out


def response_headers(lines: Iterable[bytearray]) -> list[tuple[str, str]]:
    """The header lines of a head as h11 hands them to httpx: names as written, values without
    surrounding blanks, folded lines joined, one ``Content-Length``, ``Transfer-Encoding``
    lowercased; ``Malformed`` where h11 refuses them."""
    headers: list[tuple[str, str]] = []
    length: bytes | None = None
    chunked = False
    for line in _unfolded(lines):
        match = _FIELD.fullmatch(line)
        if match is None:
            raise Malformed(f"illegal header line: {line!r}")
        name, value = match["name"], match["value"]
        lowered = name.lower()
        if lowered == b"content-length":
            lengths = {part.strip() for part in value.split(b",")}
            if len(lengths) != 1:
                raise Malformed("conflicting Content-Length headers")
            value = lengths.pop()
            if not _DIGITS.fullmatch(value):
                raise Malformed("bad Content-Length")
            if length is not None:
                if length != value:
                    raise Malformed("conflicting Content-Length headers")
                continue
            length = value
        elif lowered == b"transfer-encoding":
            if chunked:
                raise Malformed("multiple Transfer-Encoding headers")
            value = value.lower()
            if value != b"chunked":
                raise Malformed("Only Transfer-Encoding: chunked is supported")
            chunked = True
        headers.append((name.decode("latin-1"), value.decode("latin-1")))
    return headers


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
