"""Misbehaving backends on loopback: one that hangs, one that answers a canned status and body
(an error status, a huge body, a gzip bomb), one that answers slowly."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import zlib
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from services.contract import BACKEND_MESSAGE, MESSAGE_PATH
from testbed.serving import serving_thread


class _Background:
    """Serves on ``_thread`` from ``with`` until the block ends, then ``close()``."""

    _thread: threading.Thread

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class HangingServer(_Background):
    """``with HangingServer() as hang:`` listens on ``hang.url`` until the block ends.

    Every connection is accepted, read from and left without an answer; ``accepted`` counts
    them, so a test can tell whether a client even tried to call, and ``closed_by_client``
    those the client has closed since, so a test can tell that it gave up.
    """

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self._sock.settimeout(0.05)
        self.port = int(self._sock.getsockname()[1])
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="hanging-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{MESSAGE_PATH}"

    @property
    def accepted(self) -> int:
        with self._lock:
            return len(self._conns)

    @property
    def closed_by_client(self) -> int:
        closed = 0
        with self._lock:
            for conn in self._conns:
                try:
                    while chunk := conn.recv(65536):
                        del chunk  # the request, read and ignored
                    closed += 1
                except BlockingIOError:
                    pass  # still open, nothing more to read
                except OSError:
                    closed += 1  # reset
        return closed

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.setblocking(False)
            with self._lock:
                self._conns.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
        with self._lock:
            for conn in self._conns:
                conn.close()


class CannedServer(_Background):
    """``with CannedServer(200, body, headers) as srv:`` answers every request on ``srv.url``
    with ``status``, ``headers`` and ``body``, sent whole (``Content-Length`` set)."""

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(status)
                for name, value in {"Content-Type": "text/plain", **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # A client that stops reading closes the connection: that is its right.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{MESSAGE_PATH}"
        self._thread = serving_thread(self._server)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class ErrorServer(CannedServer):
    """``with ErrorServer(503) as err:`` answers every request on ``err.url`` with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status, b"error")


def gzip_bomb(decoded_size: int) -> bytes:
    """A gzip body of ``decoded_size`` zero bytes, about a thousandth of that on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(decoded_size // len(block))]
    return b"".join([*parts, packer.flush()])


class SlowServer(_Background):
    """``with SlowServer(0.2) as slow:`` answers every request on ``slow.url`` with ``body``
    (200), each after ``delay`` seconds; ``served`` counts the requests it answered."""

    def __init__(self, delay: float, body: str = BACKEND_MESSAGE) -> None:
        payload = body.encode()
        lock = threading.Lock()
        self._served = 0

        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                with lock:
                    outer._served += 1

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._lock = lock
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{MESSAGE_PATH}"
        self._thread = serving_thread(self._server)

    @property
    def served(self) -> int:
        with self._lock:
            return self._served

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
