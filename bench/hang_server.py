"""A backend that hangs: accepts every connection on 127.0.0.1 and never answers.

    python bench/hang_server.py PORT

Reads and discards what clients send and keeps their connections open until they close them,
so a caller waits for its own timeout. Runs until killed.
"""

from __future__ import annotations

import asyncio
import sys


async def _hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while await reader.read(65536):
            pass
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(_hold, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
