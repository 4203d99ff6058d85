"""One HTTP/1.1 connection: an asyncio stream pair and the h11 state machine that reads and
writes it."""

from __future__ import annotations

import asyncio
from typing import Any

import h11

from chaos.proxy.options import MAX_HEAD_BYTES

READ_SIZE = 64 * 1024


class Wire:
    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        role: type[h11.CLIENT] | type[h11.SERVER],
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.conn = h11.Connection(role, max_incomplete_event_size=MAX_HEAD_BYTES)
        self._out: list[bytes] = []
        #: Kept alive from an earlier exchange (the peer may have closed it meanwhile).
        self.reused = False

    async def next_event(self, before_wait: Wire | None = None) -> Any:
        """The next h11 event, reading from the socket as needed (``ConnectionClosed`` at EOF).

        What this wire and ``before_wait`` queued is written before the socket is waited on,
        so the events of one read go out in one write instead of one each.
        """
        while True:
            event = self.conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            self.flush()
            if before_wait is not None:
                before_wait.flush()
                await before_wait.writer.drain()
            self.conn.receive_data(await self.reader.read(READ_SIZE))

    def send(self, event: Any) -> None:
        """Queue ``event``'s bytes; ``flush`` writes them."""
        data = self.conn.send(event)
        if data:
            self._out.append(data)

    def flush(self) -> None:
        if self._out:
            out = self._out
            self._out = []
            self.writer.write(out[0] if len(out) == 1 else b"".join(out))

    async def send_data(self, data: bytes) -> None:
        """A piece of a body, written at once, waiting while the peer is slower."""
        self.send(h11.Data(data=data))
        self.flush()
        await self.writer.drain()

    @property
    def reusable(self) -> bool:
        """Both sides finished their message and nobody asked to close."""
        return self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE

    def close(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()
