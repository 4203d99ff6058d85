"""A stand-in frontend on loopback whose breaker the test drives: ``/breaker`` always, and
with ``actuator`` the Resilience4j endpoints the prober reads, stamped by a clock ``skew``
seconds off the test's."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from services.contract import BREAKER_EVENTS_PATH, BREAKER_PATH, CIRCUIT_BREAKERS_PATH
from testbed.serving import serving

NAME = "backend"


class FakeFrontend:
    def __init__(self, actuator: bool, skew: float) -> None:
        self.state = "closed"
        self.served: list[str] = []  # the states /breaker answered, in order
        self.events: list[dict[str, Any]] = []
        self.skew = skew
        outer = self
        routes = {BREAKER_PATH: self._breaker, "/": lambda: b"page"}
        if actuator:
            routes[CIRCUIT_BREAKERS_PATH] = lambda: _json({"circuitBreakers": {NAME: {}}})
            routes[f"{BREAKER_EVENTS_PATH}/{NAME}/STATE_TRANSITION"] = lambda: _json(
                {"circuitBreakerEvents": list(outer.events)}
            )

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = routes.get(self.path)
                body = route() if route else b"{}"
                self.send_response(200 if route else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _breaker(self) -> bytes:
        state = self.state
        self.served.append(state)
        return _json({"state": state})

    def transition(self, to: str) -> float:
        """Move the breaker to ``to`` with its event; the test's wall clock when it did."""
        now = time.time()
        change = f"{self.state.upper()}_TO_{to.upper()}"
        stamp = datetime.fromtimestamp(now + self.skew, UTC).isoformat()
        self.events.append(
            {
                "circuitBreakerName": NAME,
                "type": "STATE_TRANSITION",
                "creationTime": stamp,
                "stateTransition": change,
            }
        )
        self.state = to
        return now


def _json(body: Any) -> bytes:
    return json.dumps(body).encode()


@contextmanager
def fake_frontend(actuator: bool = False, skew: float = 0.0) -> Iterator[FakeFrontend]:
    fake = FakeFrontend(actuator, skew)
    with serving(fake.server):
        yield fake
