"""A response read as httpx reads one: its headers as h11 accepts and normalises them, its
body without its content codings (gzip, deflate), as JSON or as text in its charset."""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Callable, Iterable
from email.message import Message
from typing import Any

_FOLD = re.compile(r"\r?\n[ \t]+")
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
_VCHAR = r"[^\x00 \t\n\r\x0b\x0c]"  # visible ASCII and obs-text, as h11's field-vchar
_FIELD_VALUE = re.compile(rf"(?:{_VCHAR}+(?:[ \t]+{_VCHAR}+)*)?")
_DIGITS = re.compile(r"[0-9]{1,20}")
_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() strips


class Malformed(Exception):
    """A response head h11 would refuse, in h11's words."""


def _line(text: str) -> str:
    return f"illegal header line: {bytearray(text.encode('latin-1'))!r}"


def response_headers(head: Message) -> list[tuple[str, str]]:
    """The response's headers as h11 hands them to httpx: names as written, values without
    surrounding blanks, folded lines joined, one ``Content-Length``, ``Transfer-Encoding``
    lowercased; ``Malformed`` where h11 refuses them."""
    rest = head.get_payload()
    if isinstance(rest, str) and rest:
        # email's parser ends the headers at a line it cannot read as one; h11 refuses it.
        raise Malformed(_line(rest.splitlines()[0]))
    headers: list[tuple[str, str]] = []
    length: str | None = None
    chunked = False
    for name, raw in head.items():
        value = _FOLD.sub(" ", raw).strip(" \t")
        if not _TOKEN.fullmatch(name) or not _FIELD_VALUE.fullmatch(value):
            raise Malformed(_line(f"{name}: {value}"))
        lowered = name.lower()
        if lowered == "content-length":
            lengths = {part.strip(_SPACE) for part in value.split(",")}
            if len(lengths) != 1 or length not in (None, *lengths):
                raise Malformed("conflicting Content-Length headers")
            value = lengths.pop()
            if not _DIGITS.fullmatch(value):
                raise Malformed("bad Content-Length")
            if length is not None:
                continue
            length = value
        elif lowered == "transfer-encoding":
            if chunked:
                raise Malformed("multiple Transfer-Encoding headers")
            value = value.lower()
            if value != "chunked":
                raise Malformed("Only Transfer-Encoding: chunked is supported")
            chunked = True
        headers.append((name, value))
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
