"""The overload benchmark's load generator, run as its own process: N page requests at once.

    python bench/burst.py URL N TIMEOUT [MARKER]

Opens N connections together, each sending one ``GET`` (``Connection: close``) and reading
the answer to its end, and prints one JSON object: for each request its status (0 when the
connection failed or no answer came within TIMEOUT seconds), its latency in seconds, from
its own start to the answer's last byte, and whether the answer holds MARKER; plus when
the last answer arrived. A bare asyncio protocol per connection: the generator's own cost
per request stays far below the server's.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from urllib.parse import urlsplit


class _Page(asyncio.Protocol):
    """One request: written as soon as connected, the answer read until the server closes."""

    def __init__(self, request: bytes, done: asyncio.Future[bytes]) -> None:
        self.request = request
        self.done = done
        self.answer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.answer += data

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(bytes(self.answer))


async def _one(
    host: str, port: int, request: bytes, timeout: float, marker: bytes
) -> tuple[int, float, bool]:
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    status, marked = 0, False
    transport = None
    try:
        async with asyncio.timeout(timeout):
            done: asyncio.Future[bytes] = loop.create_future()
            transport, _ = await loop.create_connection(lambda: _Page(request, done), host, port)
            answer = await done
        if answer.startswith(b"HTTP/1.1 "):
            status = int(answer[9:12])
            marked = bool(marker) and marker in answer
    except (OSError, TimeoutError, ValueError):
        status = 0
    finally:
        if transport is not None:
            transport.close()
    return status, time.perf_counter() - started, marked


async def burst(url: str, count: int, timeout: float, marker: str = "") -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (
        f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    wanted = marker.encode()
    answers = await asyncio.gather(
        *(_one(host, port, request, timeout, wanted) for _ in range(count))
    )
    return {
        "statuses": [status for status, _, _ in answers],
        "latencies": [latency for _, latency, _ in answers],
        "marked": sum(marked for _, _, marked in answers),
        "seconds": time.perf_counter() - started,
        "ended": time.time(),
    }


def main() -> int:
    url, count, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    marker = sys.argv[4] if len(sys.argv) > 4 else ""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(json.dumps(asyncio.run(burst(url, count, timeout, marker))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
