"""A loopback server that records each request's bytes as they arrived and answers with
canned bytes, for comparing what two HTTP clients put on the wire and read back."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    raw: bytes  # everything the server writes before closing the connection
    delay: float = 0.0  # seconds between reading the request and answering


@dataclass
class RawServer:
    sock: socket.socket
    tls: ssl.SSLContext | None = None
    replies: dict[str, Reply] = field(default_factory=dict)  # by the target's path
    requests: list[bytes] = field(default_factory=list)

    @property
    def base(self) -> str:
        host, port = self.sock.getsockname()[:2]
        scheme = "http" if self.tls is None else "https"
        return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, raw: socket.socket) -> None:
        with raw, suppress(OSError):
            raw.settimeout(5)
            conn = raw if self.tls is None else self.tls.wrap_socket(raw, server_side=True)
            with conn:
                self._exchange(conn)

    def _exchange(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0]
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")[1:]
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(data) < len(head) + 4 + length:
            data += conn.recv(65536)
        self.requests.append(data)
        path = head.split(b" ")[1].split(b"?")[0].decode()
        reply = self.replies[path]
        time.sleep(reply.delay)
        conn.sendall(reply.raw)


@contextmanager
def raw_server(host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> Iterator[RawServer]:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.bind((host, 0))
    sock.listen(16)
    server = RawServer(sock, tls)
    threading.Thread(target=server.serve, daemon=True).start()
    try:
        yield server
    finally:
        # Shut down first: closing alone leaves the thread blocked in accept() listening.
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


@contextmanager
def full_listener() -> Iterator[int]:
    """A port whose accept queue is full: a new connection hangs in connecting."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    port = sock.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.settimeout(0.2)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except TimeoutError:
                break
        yield port
    finally:
        for filler in fillers:
            filler.close()
        sock.close()
