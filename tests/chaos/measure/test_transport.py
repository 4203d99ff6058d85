"""The prober's plain-http client against real loopback servers: answers, the journal's error
kinds, and a kept-alive connection the server closed meanwhile."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from chaos.measure.transport import PlainHttp, ProbeError, open_client
from testbed.procs import free_port

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


def _read_request(conn: socket.socket) -> bool:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return False
        data += chunk
    return True


@pytest.fixture
def server() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """``server(handle)``: a loopback server running ``handle(conn)`` per connection; its URL."""
    sockets: list[socket.socket] = []

    def start(handle: Callable[[socket.socket], None]) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        sockets.append(sock)

        def accept() -> None:
            while True:
                try:
                    conn, _ = sock.accept()
                except OSError:
                    return
                threading.Thread(target=handle, args=(conn,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"

    yield start
    for sock in sockets:
        sock.close()


def test_answers_on_one_kept_alive_connection(server) -> None:  # type: ignore[no-untyped-def]
    accepted: list[socket.socket] = []

    def handle(conn: socket.socket) -> None:
        accepted.append(conn)
        while _read_request(conn):
            conn.sendall(OK)

    client = PlainHttp(timeout=2.0)
    url = server(handle)
    assert [client.get(url) for _ in range(3)] == [(200, b"ok")] * 3
    assert len(accepted) == 1
    client.close()


def test_a_connection_the_server_closed_meanwhile_is_replaced(server) -> None:  # type: ignore[no-untyped-def]
    accepted: list[socket.socket] = []

    def handle(conn: socket.socket) -> None:  # one answer per connection, then closes it
        accepted.append(conn)
        if _read_request(conn):
            conn.sendall(OK)
        conn.close()

    client = PlainHttp(timeout=2.0)
    url = server(handle)
    assert [client.get(url) for _ in range(3)] == [(200, b"ok")] * 3
    assert len(accepted) == 3


def test_error_kinds(server) -> None:  # type: ignore[no-untyped-def]
    def hang(conn: socket.socket) -> None:
        _read_request(conn)
        threading.Event().wait(5)

    def hang_up(conn: socket.socket) -> None:
        _read_request(conn)
        conn.close()

    client = PlainHttp(timeout=0.3)
    kinds = {}
    for name, url in (
        ("closed port", f"http://127.0.0.1:{free_port()}/"),
        ("no answer", server(hang)),
        ("hung up", server(hang_up)),
    ):
        with pytest.raises(ProbeError) as caught:
            client.get(url)
        kinds[name] = caught.value.kind
    assert kinds == {"closed port": "connect", "no answer": "timeout", "hung up": "transport"}


def test_https_goes_through_httpx() -> None:
    assert isinstance(open_client(["http://a/", "http://b/"], 1.0, 2), PlainHttp)
    assert not isinstance(open_client(["http://a/", "https://b/"], 1.0, 2), PlainHttp)
