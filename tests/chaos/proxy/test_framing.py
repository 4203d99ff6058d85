"""The framing the proxy writes itself, byte for byte on a socket: HTTP/1.0 clients, HEAD,
204, pipelined requests, Expect: 100-continue, a malformed request, a truncated body."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.support.proxy import RunningProxy, running_proxy


@pytest.fixture(scope="module")
def proxy(proxy_upstream: str) -> Iterator[RunningProxy]:
    with running_proxy(proxy_upstream) as running:
        yield running


def _connect(proxy: RunningProxy) -> socket.socket:
    host, port = proxy.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _talk(proxy: RunningProxy, data: bytes) -> bytes:
    """Send ``data``, then read until the proxy closes the connection."""
    with _connect(proxy) as sock:
        sock.sendall(data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def _head(answer: bytes) -> list[bytes]:
    return answer.split(b"\r\n\r\n", 1)[0].lower().split(b"\r\n")


def _read_answer(sock: socket.socket) -> bytes:
    """One answer with a Content-Length, whole, however the bytes arrive (a busy machine splits
    them over several reads)."""
    out = b""
    while b"\r\n\r\n" not in out:
        chunk = sock.recv(65536)
        assert chunk, out
        out += chunk
    (length,) = [int(h.split(b":")[1]) for h in _head(out) if h.startswith(b"content-length:")]
    while len(out.split(b"\r\n\r\n", 1)[1]) < length:
        chunk = sock.recv(65536)
        assert chunk, out
        out += chunk
    return out


def test_http_1_0_gets_a_streamed_answer_until_close(proxy: RunningProxy) -> None:
    answer = _talk(proxy, b"POST /echo HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello")
    head, body = _head(answer), answer.split(b"\r\n\r\n", 1)[1]
    assert head[0].startswith(b"http/1.1 200")
    assert not any(line.startswith(b"transfer-encoding") for line in head)
    assert b"connection: close" in head
    assert body == b"hello"


def test_http_1_0_keep_alive_is_kept(proxy: RunningProxy) -> None:
    with _connect(proxy) as sock:
        for _ in range(2):
            sock.sendall(b"GET /peer HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            answer = _read_answer(sock)
            assert b"connection: keep-alive" in _head(answer)


def test_head_and_204_carry_no_body_and_keep_the_connection(proxy: RunningProxy) -> None:
    answer = _talk(
        proxy,
        b"HEAD /bytes?n=100 HTTP/1.1\r\nHost: t\r\n\r\n"
        b"GET /empty HTTP/1.1\r\nHost: t\r\n\r\n"
        b"GET /peer HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    parts = answer.split(b"HTTP/1.1 ")
    assert [p[:3] for p in parts[1:]] == [b"200", b"204", b"200"]
    assert b"content-length: 100" in parts[1].lower()
    assert parts[1].endswith(b"\r\n\r\n") and parts[2].endswith(b"\r\n\r\n")


def test_the_proxys_own_answer_to_head_has_no_body(proxy: RunningProxy) -> None:
    answer = _talk(
        proxy,
        b"HEAD /__chaosrun/ready HTTP/1.1\r\nHost: t\r\n\r\n"
        b"GET /__chaosrun/ready HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    assert answer.count(b"HTTP/1.1 200 OK") == 2
    assert answer.endswith(b"\r\n\r\nready\n")
    assert answer.count(b"ready\n") == 1


def test_expect_100_continue(proxy: RunningProxy) -> None:
    with _connect(proxy) as sock:
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\n\r\n"
        )
        # The proxy says 100 before it reads the body (the echo may then start its answer).
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"abc")
        while chunk := sock.recv(65536):
            answer += chunk
    final = answer.removeprefix(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert final.startswith(b"HTTP/1.1 200") and final.endswith(b"3\r\nabc\r\n0\r\n\r\n")


def test_a_malformed_request_gets_400(proxy: RunningProxy) -> None:
    assert _talk(proxy, b"NOT HTTP\r\n\r\n").startswith(b"HTTP/1.1 400 Bad Request")


def test_a_truncated_body_breaks_only_its_connection(proxy: RunningProxy) -> None:
    with _connect(proxy) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n\r\nabc")
    answer = _talk(proxy, b"GET /peer HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")
