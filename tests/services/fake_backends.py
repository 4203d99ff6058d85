"""Misbehaving backends on loopback: one that hangs, one that answers with an error status,
one that answers slowly."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


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
    them, so a test can tell whether a client even tried to call.
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
        return f"http://127.0.0.1:{self.port}/message"

    @property
    def accepted(self) -> int:
        with self._lock:
            return len(self._conns)

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


class ErrorServer(_Background):
    """``with ErrorServer(503) as err:`` answers every request on ``err.url`` with ``status``."""

    def __init__(self, status: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"error")

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/message"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SlowServer(_Background):
    """``with SlowServer(0.2) as slow:`` answers every request on ``slow.url`` with ``body``
    (200), each after ``delay`` seconds; ``served`` counts the requests it answered."""

    def __init__(self, delay: float, body: str = "Hello, I'm backend!") -> None:
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
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/message"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def served(self) -> int:
        with self._lock:
            return self._served

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
