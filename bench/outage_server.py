"""A target for the prober bench: ``GET /`` answers 200, or 503 during a controlled outage.

    python bench/outage_server.py PORT

``GET /outage?seconds=S`` starts an outage of exactly S seconds (the server's clock) and
answers when it is scheduled; ``GET /`` is then 503 until it ends. HTTP/1.1 keep-alive, as a
real frontend. Its own process, so that its CPU is not counted as the prober's.
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_lock = threading.Lock()
_down_until = 0.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        global _down_until
        parts = urlsplit(self.path)
        if parts.path == "/outage":
            seconds = float(parse_qs(parts.query)["seconds"][0])
            with _lock:
                _down_until = time.monotonic() + seconds
            self._answer(200, b"scheduled\n")
            return
        with _lock:
            down = time.monotonic() < _down_until
        self._answer(503 if down else 200, b"down\n" if down else b"ok\n")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
