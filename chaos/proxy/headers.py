"""Which headers cross the proxy (RFC 9110 section 7.6): hop-by-hop ones stop here, the rest
pass unchanged, ``Via`` is added. The client's ``Host`` is kept, so the upstream sees the
request as if it had been sent to it directly (virtual hosts, absolute links, redirects)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Headers = list[tuple[bytes, bytes]]
#: (lower-case name, value) pairs, as the parser gives them.
Fields = Sequence[tuple[bytes, bytes]]

#: Headers that describe one connection, never the message (RFC 9110 7.6.1, RFC 9112 9.6).
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        # The proxy answers 100-continue itself, before it reads the body.
        b"expect",
    }
)
VIA = b"1.1 chaosrun"


def _connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    return frozenset(
        token.strip()
        for name, value in headers
        if name == b"connection"
        for token in value.lower().split(b",")
    )


def forwarded(headers: Fields) -> Headers:
    """``headers`` (lower-case names) for the next hop, ``Via`` added; the framing headers
    (``Transfer-Encoding``, and ``Content-Length`` where the framing changes) are the
    caller's to add."""
    drop = HOP_BY_HOP | _connection_tokens(headers)
    out = [(name, value) for name, value in headers if name not in drop]
    via = next((i for i, (name, _) in enumerate(out) if name == b"via"), None)
    if via is None:
        out.append((b"via", VIA))
    else:
        out[via] = (b"via", out[via][1] + b", " + VIA)
    return out


def host_of(headers: Fields) -> bytes | None:
    return next((value for name, value in headers if name == b"host"), None)


def expects_continue(headers: Fields) -> bool:
    return any(name == b"expect" and value.lower() == b"100-continue" for name, value in headers)
