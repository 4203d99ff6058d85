"""Which headers cross the proxy (RFC 9110 section 7.6): hop-by-hop ones stop here, the rest
pass unchanged, ``Via`` is added. The client's ``Host`` is kept, so the upstream sees the
request as if it had been sent to it directly (virtual hosts, absolute links, redirects)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Headers = list[tuple[bytes, bytes]]
#: What h11 gives: a sequence of (lower-case name, value).
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
        # The proxy answers 100-continue itself (h11 reads the body when it is asked for).
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


def forwarded(headers: Headers, *, chunked: bool) -> Headers:
    """``headers`` (lower-case names, as h11 gives them) for the next hop.

    The message's framing is h11's to write: a body of known length keeps its
    ``Content-Length``; one that came chunked goes on chunked (h11 falls back to closing the
    connection for an HTTP/1.0 client).
    """
    drop = HOP_BY_HOP | _connection_tokens(headers)
    out = [(name, value) for name, value in headers if name not in drop]
    if chunked:
        out = [(name, value) for name, value in out if name != b"content-length"]
        out.append((b"transfer-encoding", b"chunked"))
    via = next((i for i, (name, _) in enumerate(out) if name == b"via"), None)
    if via is None:
        out.append((b"via", VIA))
    else:
        out[via] = (b"via", out[via][1] + b", " + VIA)
    return out


def is_chunked(headers: Fields) -> bool:
    return any(name == b"transfer-encoding" for name, _ in headers)


def has_body(headers: Fields) -> bool:
    """Whether a request with these headers carries a body (RFC 9112 6.3)."""
    for name, value in headers:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


def host_of(headers: Fields) -> bytes | None:
    return next((value for name, value in headers if name == b"host"), None)
