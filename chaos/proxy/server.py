"""The proxy's server: client connections kept alive, the faults, the readiness path, a clean
stop on SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from chaos.defaults import PROXY_READY_PATH
from chaos.errors import BadInput
from chaos.proxy.exchange import UpstreamFailed, forward
from chaos.proxy.faults import ERROR_BODY, Dice
from chaos.proxy.options import ProxyOptions
from chaos.proxy.pool import UpstreamPool
from chaos.proxy.wire import Head, ProtocolError, Wire

#: Answered by the proxy itself, never forwarded: 200 once the upstream accepts a connection,
#: 503 while it does not, so a Deployment's readiness probe holds traffic back until the proxy
#: can forward it.
READY_PATH = PROXY_READY_PATH.encode()
_REASONS = {
    200: b"OK",
    400: b"Bad Request",
    431: b"Request Header Fields Too Large",
    502: b"Bad Gateway",
    503: b"Service Unavailable",
    504: b"Gateway Timeout",
}
_log = logging.getLogger("chaosrun")


class FaultProxy:
    """Serves client connections: each request waits the delay, then fails or is forwarded."""

    def __init__(self, options: ProxyOptions) -> None:
        self.options = options
        self.pool = UpstreamPool(options)
        self._dice = Dice(options)
        self._idle: set[Wire] = set()
        self._busy: set[Wire] = set()
        self._stopping = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = Wire(reader, writer, server=True)
        try:
            while not self._stopping:
                self._idle.add(client)
                try:
                    event = await client.next_event()
                finally:
                    self._idle.discard(client)
                if not isinstance(event, Head):
                    break
                self._busy.add(client)
                try:
                    await self._exchange(client, event)
                finally:
                    self._busy.discard(client)
                client.flush()
                if client.must_close or self._stopping:
                    break
        except ProtocolError as exc:  # a malformed or oversized request
            self._answer(client, exc.status, f"{exc}\n".encode(), close=True)
        except (OSError, EOFError):
            pass
        finally:
            with contextlib.suppress(OSError):
                client.flush()
                await writer.drain()
            client.close()

    async def _exchange(self, client: Wire, request: Head) -> None:
        client.head_sent = False
        own = request.target == READY_PATH and request.method in (b"GET", b"HEAD")
        if self.options.delay and not own:
            await asyncio.sleep(self.options.delay)
        if not own and not self._dice.fails():
            try:
                await forward(client, request, self.pool, lambda: self._stopping)
            except UpstreamFailed as exc:
                self._answer(client, exc.status, f"chaosrun proxy: {exc}\n".encode(), close=True)
            return
        # Answered here: a body the request may carry is not read, so the connection closes.
        body = request.has_body
        if not body:
            await client.next_event()  # the request's end, already parsed
        close = body or not request.keep_alive
        head = request.method == b"HEAD"
        if not own:
            self._answer(client, 503, ERROR_BODY, close=close, head=head)
        elif await self._upstream_accepts():
            self._answer(client, 200, b"ready\n", close=close, head=head)
        else:
            self._answer(client, 503, b"not ready\n", close=close, head=head)

    def _answer(
        self, client: Wire, status: int, body: bytes, close: bool = False, head: bool = False
    ) -> None:
        """A small text answer of the proxy's own, when the client still awaits one (its
        head alone for a HEAD request)."""
        if client.head_sent or client.writer.is_closing():
            return
        fields = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", b"%d" % len(body)),
        ]
        if close or self._stopping:
            client.must_close = True
            fields.append((b"connection", b"close"))
        client.chunked_out = False
        client.write_head(b"HTTP/1.1 %d %s" % (status, _REASONS.get(status, b"")), fields)
        if not head:
            client.write_body(body)
        client.flush()

    async def _upstream_accepts(self) -> bool:
        try:
            wire = await self.pool.connect()
        except (OSError, TimeoutError):
            return False
        wire.close()
        return True

    async def stop(self, grace: float) -> None:
        """Close idle client connections; let busy ones finish their request for ``grace`` s."""
        self._stopping = True
        for client in list(self._idle):
            client.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self._busy and loop.time() < deadline:
            await asyncio.sleep(0.01)
        for client in list(self._busy):
            client.close()
        self.pool.close()


async def run(options: ProxyOptions) -> None:
    """Serve until SIGTERM or SIGINT, then stop cleanly."""
    proxy = FaultProxy(options)
    try:
        server = await asyncio.start_server(
            proxy.handle, options.host, options.port, limit=2**20, backlog=1024
        )
    except OSError as exc:
        raise BadInput(
            f"Cannot listen on {options.host}:{options.port}: {exc.strerror or exc}."
        ) from None
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    port = server.sockets[0].getsockname()[1]
    _log.info(
        "chaosrun proxy listening on http://%s:%s, forwarding to %s (delay %g s, error share %g)",
        options.host,
        port,
        options.upstream.url,
        options.delay,
        options.error_share,
    )
    await stop.wait()
    _log.info("chaosrun proxy stopping: finishing the requests in flight")
    server.close()
    await proxy.stop(options.grace)
    await server.wait_closed()


def serve(options: ProxyOptions) -> None:
    """Run the proxy in this thread until it is told to stop (on uvloop when installed)."""
    try:
        import uvloop

        factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(run(options))
