"""A fault-injecting HTTP proxy in front of the fake API server, on loopback.

The runner under test talks to the proxy exactly as to an API server (the kubeconfig points
at it). Each ``Fault`` names a request (method, a regular expression on the path, which
occurrence) and what happens to it:

``429`` / ``503``      answered at once, never forwarded (``Retry-After`` on 429)
``timeout``           never forwarded, never answered: the client's read timeout fires
``reset``             never forwarded; the connection is reset
``applied-504``       forwarded (the change is made), then answered 504
``applied-timeout``   forwarded, then never answered
``applied-reset``     forwarded, then the connection is reset
``hold``              parked until ``release()``; every later request waits behind it, as a
                      server would see them in the order they were sent; then forwarded
``late``              parked until ``release()`` while later requests pass it (overtaken on
                      the way, as a request its client abandoned can be); then forwarded

Every request is recorded (``seen``) with the fault, if any, that it met.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from testbed.polling import wait_until

KINDS = (
    "429",
    "503",
    "timeout",
    "reset",
    "applied-504",
    "applied-timeout",
    "applied-reset",
    "hold",
    "late",
)
_REASONS = {429: "Too Many Requests", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class Fault:
    kind: str
    method: str
    path: str  # a regular expression searched in the request path (query excluded)
    occurrence: int = 1  # the n-th matching request meets the fault
    retry_after: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        self._pattern = re.compile(self.path)
        self._matched = 0

    def claims(self, method: str, path: str) -> bool:
        if method != self.method or not self._pattern.search(path):
            return False
        self._matched += 1
        return self._matched == self.occurrence


@dataclass
class Seen:
    method: str
    path: str
    fault: str | None


@dataclass
class _Request:
    method: str
    path: str
    raw: bytes  # the whole request as sent, with ``Connection: close`` for the upstream


@dataclass
class FaultProxy:
    upstream_port: int
    faults: list[Fault] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        # Every request parked behind a hold keeps a thread: enough of them that a queue of
        # abandoned requests (a killed client's, retried ones) never starves the one released.
        self._loop.set_default_executor(ThreadPoolExecutor(max_workers=64))
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._ready = threading.Event()
        self.port = 0
        self._order = threading.Lock()  # held while a "hold" fault parks a request
        self._released = threading.Event()
        self.held = threading.Event()  # set once a request is parked
        self._forwarded = 0
        self._lock = threading.Lock()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, kind: str, method: str, path: str, occurrence: int = 1) -> Fault:
        fault = Fault(kind, method, path, occurrence)
        with self._lock:
            self.faults.append(fault)
        return fault

    def start(self) -> FaultProxy:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        self.port = future.result(timeout=10)
        return self

    def stop(self) -> None:
        self.release()
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def release(self) -> None:
        """Let a held request through (and every request queued behind it)."""
        self._released.set()

    def forwarded(self) -> int:
        with self._lock:
            return self._forwarded

    def requests(self, method: str, path: str = "") -> list[Seen]:
        pattern = re.compile(path)
        with self._lock:
            return [s for s in self.seen if s.method == method and pattern.search(s.path)]

    def wait_for(self, method: str, path: str = "", count: int = 1, timeout: float = 20) -> None:
        wait_until(
            lambda: len(self.requests(method, path)) >= count,
            timeout,
            f"{count} {method} request(s) on {path!r}",
            interval=0.01,
        )

    # -- serving -----------------------------------------------------------------------

    async def _serve(self) -> int:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is None:
                return
            fault = self._claim(request)
            await self._answer(request, fault, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            if not writer.is_closing():
                writer.close()

    def _claim(self, request: _Request) -> Fault | None:
        with self._lock:
            fault = next((f for f in self.faults if f.claims(request.method, request.path)), None)
            self.seen.append(Seen(request.method, request.path, fault.kind if fault else None))
        return fault

    async def _answer(
        self,
        request: _Request,
        fault: Fault | None,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        kind = fault.kind if fault else None
        if kind in ("429", "503"):
            assert fault is not None
            writer.write(_status(int(kind), fault.retry_after))
            await writer.drain()
            return
        if kind == "timeout":
            await reader.read()  # until the client gives up and closes
            return
        if kind == "reset":
            _reset(writer)
            return
        if kind == "hold":
            await asyncio.to_thread(self._hold)
            try:
                answer = await self._forward(request)
            finally:  # never left locked: every later request waits behind it
                self._order.release()
        else:
            await asyncio.to_thread(self._park if kind == "late" else self._wait_behind_hold)
            answer = await self._forward(request)
        if kind == "applied-504":
            writer.write(_status(504))
        elif kind == "applied-timeout":
            await reader.read()
            return
        elif kind == "applied-reset":
            _reset(writer)
            return
        else:
            writer.write(answer)
        await writer.drain()

    def _hold(self) -> None:
        self._order.acquire()
        self.held.set()
        self._released.wait()

    def _park(self) -> None:
        self.held.set()
        self._released.wait()

    def _wait_behind_hold(self) -> None:
        with self._order:
            pass

    async def _forward(self, request: _Request) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            writer.write(request.raw)
            await writer.drain()
            answer = await reader.read()
        finally:
            writer.close()
        with self._lock:
            self._forwarded += 1
        return answer


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = [line for line in lines[1:] if line]
    length = 0
    kept = []
    for line in headers:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() not in ("connection", "keep-alive"):
            kept.append(line)
    body = await reader.readexactly(length) if length else b""
    raw = "\r\n".join([lines[0], *kept, "Connection: close", "", ""]).encode("latin-1") + body
    return _Request(method, target.split("?", 1)[0], raw)


def _status(code: int, retry_after: int | None = None) -> bytes:
    body = json.dumps(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "message": f"injected fault: {code}",
            "reason": _REASONS[code].replace(" ", ""),
            "code": code,
        }
    ).encode()
    extra = f"Retry-After: {retry_after}\r\n" if code == 429 and retry_after is not None else ""
    head = (
        f"HTTP/1.1 {code} {_REASONS[code]}\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset, as a crashed peer or a middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
