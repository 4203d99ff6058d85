"""The live view's HTTP server: the stdlib's, in a thread of its own, one thread per browser.

Why not uvicorn: its event loop would share the run's process for a handful of readers that
mostly wait; ``bench/live_prober.py`` measures what either costs the prober's schedule.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from chaos.errors import BadInput
from chaos.live.address import LiveAddress
from chaos.live.hub import LiveHub

# Nothing but the page's own script, style and stream: no inline code, no other origin.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/live.js": ("live.js", "text/javascript; charset=utf-8"),
    "/live.css": ("live.css", "text/css; charset=utf-8"),
}
KEEPALIVE = 10.0  # seconds between two comments on an idle stream (proxies drop silent ones)
MAX_STREAMS = 64  # browsers following at once; more are told to come back later


def _static(name: str) -> bytes:
    return resources.files("chaos.live").joinpath("static", name).read_bytes()


class _Handler(BaseHTTPRequestHandler):
    hub: ClassVar[LiveHub]
    streams: ClassVar[threading.BoundedSemaphore]
    server_version = "chaosrun-live"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the run's console is busy
        return

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in STATIC:
            name, kind = STATIC[url.path]
            self._send(HTTPStatus.OK, _static(name), kind)
        elif url.path == "/events":
            self._stream(self._resume_from(url.query))
        elif url.path == "/journal":
            self._journal()
        elif url.path == "/favicon.ico":  # browsers ask; nothing to show
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()
        else:
            self._send(HTTPStatus.NOT_FOUND, b"Not found.\n", "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self._headers(kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _headers(self, kind: str) -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")

    def _journal(self) -> None:
        journals = self.hub.journals
        if not journals:
            body = b'{"error": "The run has not ended yet."}\n'
            self._send(HTTPStatus.NOT_FOUND, body, "application/json")
            return
        shown: Any = journals[0] if len(journals) == 1 else journals
        body = json.dumps(shown, ensure_ascii=False, indent=2, default=str).encode()
        self._send(HTTPStatus.OK, body, "application/json")

    def _resume_from(self, query: str) -> int:
        """The last event the browser has: ``Last-Event-ID`` (a reconnect), else ``?last=``."""
        given = self.headers.get("Last-Event-ID") or parse_qs(query).get("last", ["0"])[0]
        try:
            return max(0, int(given))
        except ValueError:
            return 0

    def _stream(self, last: int) -> None:
        if not self.streams.acquire(blocking=False):
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"Too many viewers.\n", "text/plain")
            return
        try:
            self.send_response(HTTPStatus.OK)
            self._headers("text/event-stream; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                events, over = self.hub.after(last, KEEPALIVE)
                if over:
                    self.wfile.write(b"event: closed\ndata: {}\n\n")
                    self.wfile.flush()
                    return
                chunk = "".join(f"id: {i}\ndata: {line}\n\n" for i, line in events)
                self.wfile.write(chunk.encode() if chunk else b": waiting\n\n")
                self.wfile.flush()
                if events:
                    last = events[-1][0]
        except (BrokenPipeError, ConnectionResetError):
            return  # the browser went away
        finally:
            self.streams.release()


class LiveServer:
    """Serves ``hub`` on ``address`` from a daemon thread between ``start()`` and ``stop()``."""

    def __init__(self, hub: LiveHub, address: LiveAddress) -> None:
        handler = type(
            "LiveHandler",
            (_Handler,),
            {"hub": hub, "streams": threading.BoundedSemaphore(MAX_STREAMS)},
        )
        try:
            self._server = ThreadingHTTPServer((address.host, address.port), handler)
        except OSError as exc:
            raise BadInput(
                f"--live {address.host}:{address.port} cannot listen ({exc.strerror or exc})."
            ) from None
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="chaosrun-live", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
