"""``chaosrun proxy`` forwarding at zero fault, a real uvicorn upstream behind it: kept-alive
connections on both sides, 10 MB bodies streamed both ways intact, headers, readiness, 502."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import h11
import httpx
import pytest

from testbed.polling import wait_until
from testbed.procs import free_port
from tests.support.cli import spawn_chaosrun
from tests.support.proxy import READY_PATH, RunningProxy, running_proxy
from tests.support.upstream_app import pattern

TEN_MB = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def proxy(proxy_upstream: str) -> Iterator[RunningProxy]:
    with running_proxy(proxy_upstream) as running:
        yield running


class RawClient:
    """One client connection, spoken with h11, that fails instead of reconnecting."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.conn = h11.Connection(h11.CLIENT)

    def get(self, path: str, headers: list[tuple[str, str]] | None = None) -> tuple[int, bytes]:
        fields = [("host", "example.test"), *(headers or [])]
        self.sock.sendall(self.conn.send(h11.Request(method="GET", target=path, headers=fields)))
        self.sock.sendall(self.conn.send(h11.EndOfMessage()))
        status, body = 0, b""
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("the proxy closed the connection")
                self.conn.receive_data(data)
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                if self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE:
                    self.conn.start_next_cycle()
                return status, body

    def close(self) -> None:
        self.sock.close()


def test_one_client_connection_and_one_upstream_connection(proxy: RunningProxy) -> None:
    client = RawClient(proxy.url)
    try:
        answers = [client.get("/peer") for _ in range(50)]
    finally:
        client.close()
    assert {status for status, _ in answers} == {200}
    # The upstream saw every request come from the same port: one connection, reused.
    assert len({body for _, body in answers}) == 1


def test_ten_mb_streamed_up_and_back_chunked(proxy: RunningProxy) -> None:
    sent = hashlib.sha256()

    def body() -> Iterator[bytes]:
        for piece in pattern(TEN_MB):
            sent.update(piece)
            yield piece

    received, size = hashlib.sha256(), 0
    with (
        httpx.Client(trust_env=False, timeout=30) as client,
        client.stream("POST", f"{proxy.url}/echo", content=body()) as response,
    ):
        assert response.status_code == 200
        assert response.headers["transfer-encoding"] == "chunked"
        for piece in response.iter_raw():
            received.update(piece)
            size += len(piece)
    assert size == TEN_MB
    assert received.hexdigest() == sent.hexdigest()


def test_ten_mb_with_content_length_both_ways(proxy: RunningProxy) -> None:
    data = b"".join(pattern(TEN_MB))
    with httpx.Client(trust_env=False, timeout=30) as client:
        up = client.post(f"{proxy.url}/echo", content=data)
        down = client.get(f"{proxy.url}/bytes", params={"n": TEN_MB})
    assert hashlib.sha256(up.content).digest() == hashlib.sha256(data).digest()
    assert down.headers["content-length"] == str(TEN_MB)
    assert hashlib.sha256(down.content).digest() == hashlib.sha256(data).digest()


def _peak_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(ln for ln in status.splitlines() if ln.startswith("VmHWM:")).split()[1])


def test_bodies_are_not_held_whole(proxy_upstream: str) -> None:
    """A 40 MB answer passes through a proxy whose peak memory grows by far less."""
    with running_proxy(proxy_upstream) as running:
        httpx.get(f"{running.url}/bytes", params={"n": 1024}, trust_env=False)
        before = _peak_rss_kib(running.proc.pid)
        with (
            httpx.Client(trust_env=False, timeout=30) as client,
            client.stream("GET", f"{running.url}/bytes", params={"n": 4 * TEN_MB}) as response,
        ):
            size = sum(len(piece) for piece in response.iter_raw())
        grown = _peak_rss_kib(running.proc.pid) - before
    assert size == 4 * TEN_MB
    assert grown < 8 * 1024, f"the proxy's peak memory grew by {grown} KiB"


def test_headers(proxy: RunningProxy) -> None:
    client = RawClient(proxy.url)
    try:
        status, body = client.get(
            "/request",
            [
                ("connection", "x-hop"),
                ("x-hop", "1"),
                ("keep-alive", "timeout=5"),
                ("x-end-to-end", "kept"),
            ],
        )
    finally:
        client.close()
    seen = json.loads(body)["headers"]
    assert status == 200
    assert seen["host"] == ["example.test"]  # the client's Host is kept
    assert seen["x-end-to-end"] == ["kept"]
    assert seen["via"] == ["1.1 chaosrun"]
    assert not {"x-hop", "keep-alive", "connection"} & set(seen)
    response = httpx.get(f"{proxy.url}/peer", trust_env=False)
    assert response.headers["via"] == "1.1 chaosrun"


def test_absolute_target_and_prefix(proxy_upstream: str) -> None:
    with running_proxy(proxy_upstream + "/api/") as running:
        client = RawClient(running.url)
        try:
            _, relative = client.get("/v1/request?x=1")
            _, absolute = client.get("http://example.test/v2/request")
        finally:
            client.close()
    assert json.loads(relative)["path"] == "/api/v1/request"
    assert json.loads(absolute)["path"] == "/api/v2/request"


def test_ready(proxy: RunningProxy) -> None:
    response = httpx.get(proxy.url + READY_PATH, trust_env=False)
    assert (response.status_code, response.text) == (200, "ready\n")
    assert "via" not in response.headers  # answered by the proxy, not forwarded


def test_unreachable_upstream() -> None:
    """Not ready (503) while the upstream refuses connections; a request gets 502."""
    port = free_port()
    proc = spawn_chaosrun(
        "proxy", "--listen", f"127.0.0.1:{port}", "--upstream", f"http://127.0.0.1:{free_port()}"
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def ready_status() -> int | None:
            try:
                return httpx.get(url + READY_PATH, trust_env=False).status_code
            except httpx.TransportError:
                return None

        assert wait_until(ready_status, 30, "the proxy") == 503
        response = httpx.get(f"{url}/message", trust_env=False)
        assert response.status_code == 502
        assert "chaosrun proxy" in response.text
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def test_an_oversized_head_is_refused(proxy: RunningProxy) -> None:
    client = RawClient(proxy.url)
    try:
        status, _ = client.get("/peer", [("x-big", "a" * 70_000)])
    finally:
        client.close()
    assert status == 431
