"""The prober's HTTP GETs: keep-alive connections, errors sorted into the journal's kinds.

For ``http://`` targets the standard library's ``http.client`` does the requests, one
connection per worker thread: it spends about a third of httpx's CPU per request, which is
what lets the prober keep a 10 ms schedule on under a tenth of a core. ``https://`` targets go
through httpx (TLS, the CA bundle). Both raise ``ProbeError`` with the kind the measurement
records: ``timeout``, ``connect`` or ``transport``.
"""

from __future__ import annotations

import http.client
import threading
from typing import Any, Protocol
from urllib.parse import urlsplit


class ProbeError(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Client(Protocol):
    def get(self, url: str) -> tuple[int, bytes]: ...

    def close(self) -> None: ...


# A kept-alive connection the server closed meanwhile fails like this on its next request;
# httpx would have seen it expire and opened a new one, so the request is retried once.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class PlainHttp:
    """GETs over ``http.client``, one kept-alive connection per thread and host."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[http.client.HTTPConnection] = []

    def get(self, url: str) -> tuple[int, bytes]:
        parts = urlsplit(url)
        key = (parts.hostname or "", parts.port or 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conns: dict[tuple[str, int], http.client.HTTPConnection] = self._connections()
        conn = conns.get(key)
        if conn is not None:
            try:
                return self._send(conns, key, conn, target)
            except _STALE:
                pass
        conn = conns[key] = self._connect(key)
        try:
            return self._send(conns, key, conn, target)
        except TimeoutError:
            raise ProbeError("timeout") from None
        except (OSError, http.client.HTTPException):
            raise ProbeError("transport") from None

    def _connections(self) -> dict[tuple[str, int], http.client.HTTPConnection]:
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        return conns

    def _connect(self, key: tuple[str, int]) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(key[0], key[1], timeout=self.timeout)
        try:
            conn.connect()
        except TimeoutError:
            raise ProbeError("timeout") from None
        except OSError:
            raise ProbeError("connect") from None
        with self._lock:
            self._open.append(conn)
        return conn

    def _send(
        self,
        conns: dict[tuple[str, int], http.client.HTTPConnection],
        key: tuple[str, int],
        conn: http.client.HTTPConnection,
        target: str,
    ) -> tuple[int, bytes]:
        try:
            conn.request("GET", target)
            response = conn.getresponse()
            body = response.read()
        except BaseException:
            conn.close()
            conns.pop(key, None)
            raise
        if response.will_close:
            conn.close()
            conns.pop(key, None)
        return response.status, body

    def close(self) -> None:
        with self._lock:
            for conn in self._open:
                conn.close()
            self._open.clear()


class TlsHttp:
    """GETs over a pooled httpx client (for ``https://``)."""

    def __init__(self, timeout: float, connections: int) -> None:
        import httpx

        self._httpx: Any = httpx
        self._client = httpx.Client(
            timeout=timeout,
            trust_env=False,  # probe the target directly, never through a proxy
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    def get(self, url: str) -> tuple[int, bytes]:
        httpx = self._httpx
        try:
            response = self._client.get(url)
        except httpx.TimeoutException:
            raise ProbeError("timeout") from None
        except httpx.ConnectError:
            raise ProbeError("connect") from None
        except httpx.HTTPError:
            raise ProbeError("transport") from None
        return response.status_code, response.content

    def close(self) -> None:
        self._client.close()


def open_client(urls: list[str], timeout: float, connections: int) -> Client:
    """A client for these URLs: plain when none needs TLS."""
    if all(url.startswith("http://") for url in urls):
        return PlainHttp(timeout)
    return TlsHttp(timeout, connections)
