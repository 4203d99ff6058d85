"""A tiny controllable HTTP server on loopback for the http provider's tests.

``GET /`` answers with the current status; ``POST /set?status=N`` changes it (so an http
*action* in an experiment can break or fix the target); ``GET /slow?s=X`` sleeps first;
with ``breaker`` set, ``GET /breaker`` answers JSON as v2 does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from services.contract import BACKEND_MESSAGE, BREAKER_PATH
from testbed.serving import serving


@dataclass
class Target:
    server: ThreadingHTTPServer
    status: int = 200
    hits: list[str] = field(default_factory=list)
    breaker: bool = False  # serve GET /breaker as v2 does

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/"


def _handler(target: Target) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, status: int, body: str, ctype: str = "text/plain") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            target.hits.append(f"GET {parsed.path}")
            if parsed.path == "/slow":
                time.sleep(float(parse_qs(parsed.query).get("s", ["1"])[0]))
            if parsed.path == "/json" or (parsed.path == BREAKER_PATH and target.breaker):
                self._answer(200, '{"state": "closed", "n": 3}', "application/json")
                return
            self._answer(target.status, f"status {target.status}: {BACKEND_MESSAGE}")

        def do_POST(self) -> None:
            parsed = urlparse(self.path)
            target.hits.append(f"POST {parsed.path}")
            if parsed.path == "/set":
                target.status = int(parse_qs(parsed.query)["status"][0])
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            self._answer(200, body or "ok")

    return Handler


@contextmanager
def http_target() -> Iterator[Target]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    target = Target(server=server)
    server.RequestHandlerClass = _handler(target)
    server.daemon_threads = True
    with serving(server):
        yield target
