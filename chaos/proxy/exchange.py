"""One request through the proxy: its head and body to the upstream, the answer back, both
bodies streamed piece by piece (never held whole) and in both directions at once, so an
upstream that answers while it still reads (an echo) cannot deadlock the proxy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import h11

from chaos.proxy import headers
from chaos.proxy.options import Upstream
from chaos.proxy.pool import UpstreamPool
from chaos.proxy.wire import Wire

#: Seconds the proxy waits, once the answer is complete, for the rest of a request body.
BODY_GRACE = 1.0
_UPSTREAM_ERRORS = (OSError, EOFError, h11.RemoteProtocolError, h11.LocalProtocolError)


class UpstreamFailed(Exception):
    """The upstream could not be reached or broke off before its answer began."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _target(request: h11.Request, upstream: Upstream) -> bytes:
    target = bytes(request.target)
    if target.startswith((b"http://", b"https://")):  # absolute form, as sent to a proxy
        rest = target.split(b"://", 1)[1]
        slash = rest.find(b"/")
        target = rest[slash:] if slash >= 0 else b"/"
    return upstream.prefix.encode() + target


def _upstream_request(request: h11.Request, upstream: Upstream) -> h11.Request:
    fields = headers.forwarded(list(request.headers), chunked=headers.is_chunked(request.headers))
    if headers.host_of(fields) is None:  # HTTP/1.0 clients may send none
        fields.insert(0, (b"host", upstream.authority.encode()))
    # h11 validated every name and value as it parsed them; the proxy adds only constants.
    return h11.Request(
        method=request.method, target=_target(request, upstream), headers=fields, _parsed=True
    )


async def _read(wire: Wire, before_wait: Wire | None = None) -> Any:
    event = await wire.next_event(before_wait)
    if isinstance(event, h11.ConnectionClosed):
        raise EOFError("the connection closed in the middle of a message")
    return event


async def _pump_body(client: Wire, up: Wire) -> None:
    """The request body, client to upstream; on failure both connections are closed, which
    ends the answer's relay too."""
    try:
        while True:
            event = await _read(client)
            if isinstance(event, h11.Data):
                await up.send_data(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                up.send(h11.EndOfMessage())
                up.flush()
                await up.writer.drain()
                return
    except BaseException:
        up.close()
        client.close()
        raise


async def _answer_head(up: Wire, timeout: float) -> h11.Response:
    async with asyncio.timeout(timeout):
        while True:
            event = await _read(up)
            if isinstance(event, h11.Response):
                return event


async def _start(request: h11.Request, pool: UpstreamPool, body: bool, fresh: bool) -> Wire:
    """A connection with the request head sent (and its end, when it has no body)."""
    outgoing = _upstream_request(request, pool.upstream)
    up = await (pool.connect() if fresh else pool.acquire())
    up.send(outgoing)
    if not body:
        up.send(h11.EndOfMessage())
    up.flush()
    return up


async def _relay(client: Wire, up: Wire, first: h11.Response, close: bool) -> None:
    fields = headers.forwarded(list(first.headers), chunked=headers.is_chunked(first.headers))
    if close:
        fields.append((b"connection", b"close"))
    head = h11.Response(
        status_code=first.status_code, headers=fields, reason=first.reason, _parsed=True
    )
    client.send(head)
    while True:
        event = await _read(up, before_wait=client)
        if isinstance(event, h11.Data):
            client.send(h11.Data(data=event.data))
        elif isinstance(event, h11.EndOfMessage):
            client.send(h11.EndOfMessage())
            client.flush()
            return


async def forward(
    client: Wire, request: h11.Request, pool: UpstreamPool, closing: Callable[[], bool]
) -> None:
    """Forward ``request`` (its head just read from ``client``) and relay the answer, saying
    ``Connection: close`` when ``closing()`` is true by the time the answer begins.

    Raises ``UpstreamFailed`` when nothing of the answer was sent yet (the caller answers
    502/504); any later failure closes the client's connection.
    """
    body = headers.has_body(request.headers)
    if not body:
        await _read(client)  # the request's EndOfMessage, already parsed
    elif client.conn.they_are_waiting_for_100_continue:
        client.send(h11.InformationalResponse(status_code=100, headers=[]))
        client.flush()
    pump: asyncio.Task[None] | None = None
    up: Wire | None = None
    timeout = pool.read_timeout
    try:
        try:
            up = await _start(request, pool, body, fresh=False)
            reused = up.reused
            if body:
                pump = asyncio.create_task(_pump_body(client, up))
            try:
                first = await _answer_head(up, timeout)
            except _UPSTREAM_ERRORS:
                if not reused or body:
                    raise
                # A kept-alive connection the upstream had closed meanwhile: once more, new.
                up.close()
                up = await _start(request, pool, body, fresh=True)
                first = await _answer_head(up, timeout)
        except TimeoutError:
            raise UpstreamFailed(504, "the upstream did not answer in time") from None
        except _UPSTREAM_ERRORS as exc:
            raise UpstreamFailed(502, f"the upstream failed: {exc or type(exc).__name__}") from None
        await _relay(client, up, first, closing())
    finally:
        if pump is not None:
            await _settle(pump, client, up)
        if up is not None:
            pool.release(up)


async def _settle(pump: asyncio.Task[None], client: Wire, up: Wire | None) -> None:
    """Let the request body finish after the answer; a body still coming closes both sides."""
    if not pump.done():
        await asyncio.wait({pump}, timeout=BODY_GRACE)
    if not pump.done():
        pump.cancel()
        client.close()
        if up is not None:
            up.close()
    elif not pump.cancelled() and pump.exception() is not None:
        client.close()
