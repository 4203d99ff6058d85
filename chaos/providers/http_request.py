"""An ``http://`` request as httpx's ``Client`` would put it on the wire, built without httpx.

Importing httpx and httpcore costs a run more than the request itself, so a plain-http
activity is sent with the standard library (``http_wire``); this module decides the bytes:
the target (httpx's path rules, ``params`` merged into the query), the body (its ``json=``,
``data=`` and ``content=`` encodings), the headers (its defaults, the activity's, then the
body's, in httpx's order). Whatever httpx would normalise, reject or treat specially (a
``user:password@``, a non-ASCII or dot-segment path, an odd header, a user ``Content-Length``)
is not built here: ``plain_request`` returns None and the activity goes through httpx itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlencode

# Plain http and an authority httpx would keep as it is (lowercased host, the port's digits),
# then a path and a query made only of visible ASCII characters httpx does not percent-encode.
_VISIBLE = re.compile(r"[\x21-\x7e]*")
_URL = re.compile(
    r"http://(?P<host>\[[0-9A-Fa-f:]+\]|[A-Za-z0-9._~-]+)(?::(?P<port>[0-9]{0,5}))?"
    r"(?P<path>/[^?#\"<>`{}]*)?(?:\?(?P<query>[^#\"<>]*))?(?:#.*)?"
)
_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_OCTET = re.compile(r"0|[1-9][0-9]{0,2}")
# What h11 accepts as a header's name and value; anything else is left to httpx's own error.
_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
_VALUE = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")
# Headers httpx (h11) frames the body by or checks specially (an Upgrade proposes to switch
# protocols, after which h11 accepts a 101 answer).
_HTTPX_OWNS = frozenset({"content-length", "transfer-encoding", "upgrade"})


@dataclass(frozen=True)
class PlainRequest:
    method: str
    host: str  # as sockets take it: no brackets around an IPv6 literal
    port: int
    target: str  # path and query
    headers: list[tuple[str, str]]
    body: bytes


@cache
def default_headers() -> tuple[tuple[str, str], ...]:
    """httpx's ``Client`` defaults, User-Agent included although this path does not run
    httpx: what users expect is one identity for every probe chaosrun sends, over http:// or
    https://, and the one it has always sent, so their servers' logs, rate limits and rules
    keep matching. The Chaos Toolkit sends ``python-requests/...``; claiming that would name
    a library chaosrun never runs. ``Accept-Encoding`` names what ``http_reply`` decodes,
    gzip and deflate: httpx adds br and zstd only when brotli or zstandard is installed,
    which chaosrun does not require (then, and only then, the two paths differ)."""
    return (
        ("Accept", "*/*"),
        ("Accept-Encoding", "gzip, deflate"),
        ("Connection", "keep-alive"),
        ("User-Agent", f"python-httpx/{_httpx_version()}"),
    )


def _httpx_version() -> str:
    """The installed httpx's version, read from its ``__version__.py`` without importing
    the package (which would cost the ~30 ms this path exists to save)."""
    from importlib.util import find_spec

    spec = find_spec("httpx")
    if spec is not None and spec.origin:
        path = spec.origin.removesuffix("__init__.py") + "__version__.py"
        try:
            with open(path, encoding="utf-8") as file:
                found = re.search(r"""__version__ = ["']([^"']+)["']""", file.read())
        except OSError:
            found = None
        if found:
            return found.group(1)
    import httpx

    return httpx.__version__


def _primitive(value: Any) -> str:
    """httpx's text of a query or form value: JSON's true/false, None as empty."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def _query_items(params: Any) -> dict[str, list[str]] | None:
    """httpx's ``QueryParams`` of the activity's GET arguments; None for a shape it would
    reject or read oddly."""
    if isinstance(params, str):
        return parse_qs(params, keep_blank_values=True)
    grouped: dict[Any, list[Any]] = {}
    if isinstance(params, list | tuple):
        for item in params:
            if not isinstance(item, list | tuple) or len(item) < 2:
                return None
            grouped.setdefault(item[0], []).append(item[1])
    elif isinstance(params, dict):
        grouped = {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in params.items()}
    else:
        return None
    return {str(k): [_primitive(v) for v in values] for k, values in grouped.items()}


def _target(path: str | None, query: str | None, params: Any) -> str | None:
    if path and any(part in (".", "..") for part in path.split("/")):
        return None  # httpx removes dot segments
    if params is not None:
        # httpx (since 0.28) replaces the URL's own query with the arguments.
        items = _query_items(params)
        if items is None:
            return None
        query = urlencode([(k, v) for k, values in items.items() for v in values]) or None
    return (path or "/") + ("" if query is None else f"?{query}")


def _authority(host: str, port_text: str | None) -> tuple[str, int, str] | None:
    """The socket's host and port and the ``Host`` header, as httpx normalises them."""
    if host.startswith("["):
        host = host[1:-1]
        if not _is_ipv6(host):
            return None
        netloc_host = f"[{host}]"
    else:
        host = netloc_host = host.lower()
        if _IPV4.fullmatch(host) and not all(
            _OCTET.fullmatch(o) and int(o) < 256 for o in host.split(".")
        ):
            return None
    port = int(port_text) if port_text else 80
    if port > 65535:
        return None
    return host, port, netloc_host if port == 80 else f"{netloc_host}:{port}"


def _is_ipv6(host: str) -> bool:
    import socket

    try:
        socket.inet_pton(socket.AF_INET6, host)
    except OSError:
        return False
    return True


def _body(kwargs: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes]:
    """httpx's ``encode_request``: the body and the headers that describe it."""
    if "json" in kwargs:
        body = json.dumps(
            kwargs["json"], ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode()
        return [("Content-Length", str(len(body))), ("Content-Type", "application/json")], body
    if kwargs.get("data"):
        pairs: list[tuple[Any, str]] = []
        for key, value in kwargs["data"].items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((key, _primitive(v)) for v in values)
        body = urlencode(pairs, doseq=True).encode()
        form = "application/x-www-form-urlencoded"
        return [("Content-Length", str(len(body))), ("Content-Type", form)], body
    if "content" in kwargs:
        body = str(kwargs["content"]).encode()
        return ([("Content-Length", str(len(body)))] if body else []), body
    return [], b""


def _headers(
    method: str, netloc: str, given: dict[str, str], describing: list[tuple[str, str]]
) -> list[tuple[str, str]] | None:
    """httpx's merge (its defaults unless given, the given ones, the body's unless given,
    ``Host`` and a POST's empty ``Content-Length`` in front), in h11's order (Host first)."""
    given_names = {k.lower() for k in given}
    if given_names & _HTTPX_OWNS or sum(k.lower() == "host" for k in given) > 1:
        return None
    if not all(_TOKEN.fullmatch(k) and _VALUE.fullmatch(v) for k, v in given.items()):
        return None
    merged = [(k, v) for k, v in default_headers() if k.lower() not in given_names]
    merged += given.items()
    names = {k.lower() for k, _ in merged}
    merged += [(k, v) for k, v in describing if k.lower() not in names]
    names |= {k.lower() for k, _ in describing}
    front = [] if "host" in names else [("Host", netloc)]
    if not names & _HTTPX_OWNS and method in ("POST", "PUT", "PATCH"):
        front.append(("Content-Length", "0"))
    merged = front + merged
    return [h for h in merged if h[0].lower() == "host"] + [
        h for h in merged if h[0].lower() != "host"
    ]


def plain_request(
    method: str, url: str, headers: dict[str, str], kwargs: dict[str, Any]
) -> PlainRequest | None:
    """The request httpx would send for ``client.request(method, url, headers=headers,
    **kwargs)``; None when only httpx should send it (https, or anything unusual)."""
    match = _URL.fullmatch(url) if _VISIBLE.fullmatch(url) else None
    if match is None:
        return None
    authority = _authority(match["host"], match["port"])
    target = _target(match["path"], match["query"], kwargs.get("params"))
    if authority is None or target is None:
        return None
    host, port, netloc = authority
    describing, body = _body(kwargs)
    merged = _headers(method, netloc, headers, describing)
    if merged is None:
        return None
    return PlainRequest(method, host, port, target, merged, body)
