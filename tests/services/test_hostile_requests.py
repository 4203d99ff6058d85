"""Hostile clients against real service processes: a flood of endless request heads, an
oversized head, slow senders, and the security headers every page carries."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.common.protocol import BoundedH11Protocol
from services.common.server import server_config
from services.common.settings import ServerSettings
from services.contract import LIVENESS_PATH, MESSAGE_PATH
from services.frontend.page import SECURITY_HEADERS
from testbed.polling import wait_until
from testbed.procs import REPO_ROOT, Service, free_port, running_service
from tests.services.fake_backends import HangingServer
from tests.services.frontend_support import frontend_env, get

MiB = 1024 * 1024
FLOOD_CONNECTIONS = 200
SERVICES = ("services.backend", "services.frontend_v1", "services.frontend_v2")


def rss_bytes(pid: int) -> int:
    """The process's resident memory, as the kernel counts it (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


def _env(module: str) -> dict[str, str]:
    if module == "services.backend":
        return {}
    return frontend_env(f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}")


@pytest.fixture(params=SERVICES, ids=lambda module: module.rsplit(".", 1)[-1])
def service(request: pytest.FixtureRequest, log_dir: Path) -> Iterator[Service]:
    with running_service(request.param, log_dir, env=_env(request.param)) as svc:
        yield svc


def flood(port: int) -> list[socket.socket]:
    """``FLOOD_CONNECTIONS`` connections, each sending a request head with a 1 MiB header
    that never ends, as fast as the server reads; returns them still open (or closed by
    the server)."""
    conns = []
    for _ in range(FLOOD_CONNECTIONS):
        conn = socket.create_connection(("127.0.0.1", port))
        conn.setblocking(False)
        conn.send(b"GET / HTTP/1.1\r\nHost: flood\r\nX-Flood: ")
        conns.append(conn)
    chunk = b"a" * 65536
    sent = dict.fromkeys(conns, 0)
    while sent:
        for conn in list(sent):
            try:
                sent[conn] += conn.send(chunk[: MiB - sent[conn]])
            except BlockingIOError:
                continue
            except OSError:  # the server answered 400 and closed: this one is done
                sent[conn] = MiB
            if sent[conn] >= MiB:
                del sent[conn]
    return conns


def test_a_flood_of_endless_headers_costs_little_memory(service: Service) -> None:
    for _ in range(5):  # warm up: imports and first-request allocations
        assert get(service.url + LIVENESS_PATH).status_code == 200
    before = rss_bytes(service.proc.pid)
    conns = flood(service.port)
    try:
        grown = rss_bytes(service.proc.pid) - before
        assert grown < 32 * MiB, f"{FLOOD_CONNECTIONS} endless headers grew it by {grown} bytes"
        assert get(service.url + LIVENESS_PATH).status_code == 200
    finally:
        for conn in conns:
            conn.close()


def test_an_oversized_request_head_is_refused(log_dir: Path) -> None:
    """A head still unfinished past MAX_REQUEST_HEAD_BYTES is answered 400 and closed."""
    with running_service("services.backend", log_dir, env={"MAX_REQUEST_HEAD_BYTES": "4096"}) as b:
        with socket.create_connection(("127.0.0.1", b.port), timeout=10) as conn:
            conn.sendall(b"GET /message HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8192)
            answer = conn.recv(65536)
        assert answer.startswith(b"HTTP/1.1 400 "), answer
        assert get(b.url + MESSAGE_PATH).status_code == 200  # a normal head still passes


def _closed_by_server(conn: socket.socket) -> bool:
    try:
        return conn.recv(65536) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_slow_senders_are_disconnected(log_dir: Path) -> None:
    """A client that never finishes its request, dripping a byte now and then, and one that
    sends nothing at all are both cut off once REQUEST_TIMEOUT has passed."""
    env = {"REQUEST_TIMEOUT": "0.5"}
    with running_service("services.backend", log_dir, env=env) as backend:
        dripping = socket.create_connection(("127.0.0.1", backend.port))
        silent = socket.create_connection(("127.0.0.1", backend.port))
        try:
            dripping.sendall(b"GET /message HTTP/1.1\r\nHost: x\r\n")
            for conn in (dripping, silent):
                conn.setblocking(False)

            def both_closed() -> bool:
                with contextlib.suppress(OSError):
                    dripping.send(b"X")  # keeps the request alive, never completes it
                time.sleep(0.05)
                return _closed_by_server(dripping) and _closed_by_server(silent)

            wait_until(both_closed, 20, "the server closing both slow connections", 0.01)
            assert get(backend.url + MESSAGE_PATH).status_code == 200
        finally:
            dripping.close()
            silent.close()


def test_a_prompt_client_is_not_cut_off_between_requests(log_dir: Path) -> None:
    """The deadline is per request: a keep-alive connection used again and again lives on."""
    env = {"REQUEST_TIMEOUT": "0.5", "KEEP_ALIVE_TIMEOUT": "30"}
    with running_service("services.backend", log_dir, env=env) as backend:
        with httpx.Client(timeout=5) as client:
            first = client.get(backend.url + MESSAGE_PATH)
            time.sleep(0.6)  # idle for longer than the request deadline, on purpose
            second = client.get(backend.url + MESSAGE_PATH)
            peers = {first.extensions["network_stream"], second.extensions["network_stream"]}
        assert (first.status_code, second.status_code) == (200, 200)
        assert len(peers) == 1, "the second request needed a new connection"


@pytest.mark.parametrize("module", ["services.frontend_v1", "services.frontend_v2"])
def test_pages_carry_the_security_headers(module: str, log_dir: Path) -> None:
    # v1's error page and v2's fallback page
    with HangingServer() as hang, running_service(module, log_dir, env=frontend_env(hang.url)) as f:
        page = get(f.url)
    assert page.status_code in (200, 502)
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_every_service_starts_through_the_one_uvicorn_configuration() -> None:
    """Dockerfiles, manifests, the local stack and the tests all run ``python -m
    services.<name>``; each of those goes through ``serve``, which builds the one config."""
    for module in SERVICES:
        main = Path(REPO_ROOT, *module.split("."), "__main__.py").read_text()
        assert "from services.common.server import serve" in main and "serve(load)" in main
    settings = ServerSettings(port=8081, max_request_head_bytes=4096, request_timeout=3)
    config = server_config(FastAPI(), settings)
    assert config.http is BoundedH11Protocol
    assert (config.h11_max_incomplete_event_size, config.request_timeout) == (4096, 3)
