"""The upstream's kept-alive connections, reused request after request."""

from __future__ import annotations

import asyncio
from collections import deque

from chaos.proxy.options import POOL_SIZE, ProxyOptions
from chaos.proxy.wire import Wire


class UpstreamPool:
    def __init__(self, options: ProxyOptions) -> None:
        self._options = options
        self.upstream = options.upstream
        self.read_timeout = options.read_timeout
        self._idle: deque[Wire] = deque()

    async def acquire(self) -> Wire:
        """A connection to the upstream, kept alive from before when one is idle."""
        while self._idle:
            wire = self._idle.pop()
            if not wire.reader.at_eof() and not wire.writer.is_closing():
                wire.reused = True
                return wire
            wire.close()
        return await self.connect()

    async def connect(self) -> Wire:
        upstream = self._options.upstream
        async with asyncio.timeout(self._options.connect_timeout):
            reader, writer = await asyncio.open_connection(
                upstream.host, upstream.port, limit=2**20
            )
        return Wire(reader, writer, server=False)

    def release(self, wire: Wire, reusable: bool) -> None:
        """Keep ``wire`` for the next request when its exchange ended cleanly; else close it."""
        keep = reusable and not wire.must_close and not wire.writer.is_closing()
        if keep and len(self._idle) < POOL_SIZE:
            self._idle.append(wire)
        else:
            wire.close()

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
