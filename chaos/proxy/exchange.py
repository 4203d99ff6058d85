"""One request through the proxy: its head and body to the upstream, the answer back, both
bodies streamed piece by piece (never held whole) and in both directions at once, so an
upstream that answers while it still reads (an echo) cannot deadlock the proxy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from chaos.proxy import headers
from chaos.proxy.options import Upstream
from chaos.proxy.pool import UpstreamPool
from chaos.proxy.wire import Data, End, Head, ProtocolError, Wire

#: Seconds the proxy waits, once the answer is complete, for the rest of a request body.
BODY_GRACE = 1.0
_UPSTREAM_ERRORS = (OSError, EOFError, ProtocolError)
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class UpstreamFailed(Exception):
    """The upstream could not be reached or broke off before its answer began."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _target(request: Head, upstream: Upstream) -> bytes:
    target = request.target
    if target.startswith((b"http://", b"https://")):  # absolute form, as sent to a proxy
        rest = target.split(b"://", 1)[1]
        slash = rest.find(b"/")
        target = rest[slash:] if slash >= 0 else b"/"
    return upstream.prefix.encode() + target


def _send_request(up: Wire, request: Head, upstream: Upstream) -> None:
    fields = headers.forwarded(request.headers)
    if headers.host_of(fields) is None:  # HTTP/1.0 clients may send none
        fields.insert(0, (b"host", upstream.authority.encode()))
    if request.chunked:
        fields = [f for f in fields if f[0] != b"content-length"]
        fields.append((b"transfer-encoding", b"chunked"))
    up.chunked_out = request.chunked
    up.write_head(request.method + b" " + _target(request, upstream) + b" HTTP/1.1", fields)
    up.flush()


async def _read(wire: Wire, before_wait: Wire | None = None) -> Head | Data | End:
    event = await wire.next_event(before_wait)
    if not isinstance(event, Head | Data | End):
        raise EOFError("the connection closed in the middle of a message")
    return event


async def _pump_body(client: Wire, up: Wire) -> None:
    """The request body, client to upstream; on failure both connections are closed, which
    ends the answer's relay too."""
    try:
        while True:
            event = await _read(client)
            if isinstance(event, Data):
                await up.send_body(event.data)
            elif isinstance(event, End):
                up.write_end()
                up.flush()
                await up.writer.drain()
                return
    except BaseException:
        up.close()
        client.close()
        raise


async def _answer_head(up: Wire, timeout: float) -> Head:
    async with asyncio.timeout(timeout):
        while True:
            event = await _read(up)
            if isinstance(event, Head) and event.status >= 200:
                return event
            # 1xx answers (and their ends) are the upstream's to the proxy: skipped.


def _relay_head(client: Wire, request: Head, answer: Head, close: bool) -> bool:
    """Write the answer's head for ``client``; whether a body follows."""
    fields = headers.forwarded(answer.headers)
    bodyless = request.method == b"HEAD" or answer.status in (204, 304)
    client.chunked_out = False
    if not bodyless and answer.length is None:  # chunked, or until the upstream closes
        fields = [f for f in fields if f[0] != b"content-length"]
        if request.version == b"1.1":
            fields.append((b"transfer-encoding", b"chunked"))
            client.chunked_out = True
        else:
            client.must_close = True
    if close or not request.keep_alive or client.must_close:
        client.must_close = True
        fields.append((b"connection", b"close"))
    elif request.version != b"1.1":
        fields.append((b"connection", b"keep-alive"))
    client.write_head(b"HTTP/1.1 %d %s" % (answer.status, answer.reason), fields)
    return not bodyless


async def _relay(client: Wire, up: Wire, request: Head, answer: Head, close: bool) -> None:
    if not _relay_head(client, request, answer, close):
        client.flush()
        if request.method == b"HEAD":  # the parser cannot tell a HEAD answer has no body
            up.must_close = True
        else:
            await _read(up)  # the end of a 204 or 304
        return
    while True:
        event = await _read(up, before_wait=client)
        if isinstance(event, Data):
            client.write_body(event.data)
        elif isinstance(event, End):
            client.write_end()
            client.flush()
            return


async def _start(request: Head, pool: UpstreamPool, fresh: bool) -> Wire:
    """A connection with the request head sent."""
    up = await (pool.connect() if fresh else pool.acquire())
    _send_request(up, request, pool.upstream)
    return up


async def forward(
    client: Wire, request: Head, pool: UpstreamPool, closing: Callable[[], bool]
) -> None:
    """Forward ``request`` (its head just read from ``client``) and relay the answer, saying
    ``Connection: close`` when ``closing()`` is true by the time the answer begins.

    Raises ``UpstreamFailed`` when nothing of the answer was sent yet (the caller answers
    502/504); any later failure closes the client's connection.
    """
    body = request.has_body
    if not body:
        await _read(client)  # the request's end, already parsed
    elif headers.expects_continue(request.headers):
        client.writer.write(_CONTINUE)
    pump: asyncio.Task[None] | None = None
    up: Wire | None = None
    timeout = pool.read_timeout
    done = False
    try:
        try:
            up = await _start(request, pool, fresh=False)
            if body:
                pump = asyncio.create_task(_pump_body(client, up))
            try:
                answer = await _answer_head(up, timeout)
            except _UPSTREAM_ERRORS:
                if not up.reused or body:
                    raise
                # A kept-alive connection the upstream had closed meanwhile: once more, new.
                up.close()
                up = await _start(request, pool, fresh=True)
                answer = await _answer_head(up, timeout)
        except TimeoutError:
            raise UpstreamFailed(504, "the upstream did not answer in time") from None
        except _UPSTREAM_ERRORS as exc:
            raise UpstreamFailed(502, f"the upstream failed: {exc or type(exc).__name__}") from None
        up.must_close = up.must_close or not answer.keep_alive
        await _relay(client, up, request, answer, closing())
        if pump is not None:
            await _settle(pump, client, up)
            pump = None
        done = True
    finally:
        if pump is not None:
            await _settle(pump, client, up)
        if up is not None:
            pool.release(up, reusable=done)


async def _settle(pump: asyncio.Task[None], client: Wire, up: Wire | None) -> None:
    """Let the request body finish after the answer; a body still coming closes both sides."""
    if not pump.done():
        await asyncio.wait({pump}, timeout=BODY_GRACE)
    if not pump.done():
        pump.cancel()
        client.must_close = True
        if up is not None:
            up.must_close = True
    elif pump.cancelled() or pump.exception() is not None:
        client.must_close = True
        if up is not None:
            up.must_close = True
