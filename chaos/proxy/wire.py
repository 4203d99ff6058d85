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
        read_timeout: float | None = None,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.conn = h11.Connection(role, max_incomplete_event_size=MAX_HEAD_BYTES)
        self.read_timeout = read_timeout

    async def next_event(self) -> Any:
        """The next h11 event, reading from the socket as needed (``ConnectionClosed`` at EOF)."""
        while True:
            event = self.conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            if self.read_timeout is None:
                data = await self.reader.read(READ_SIZE)
            else:
                async with asyncio.timeout(self.read_timeout):
                    data = await self.reader.read(READ_SIZE)
            self.conn.receive_data(data)

    def send(self, event: Any) -> None:
        data = self.conn.send(event)
        if data:
            self.writer.write(data)

    async def send_data(self, data: bytes) -> None:
        """A piece of a body, waiting while the peer is slower than the sender."""
        self.send(h11.Data(data=data))
        await self.writer.drain()

    @property
    def reusable(self) -> bool:
        """Both sides finished their message and nobody asked to close."""
        return self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE

    def close(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()
