"""What a proxy is asked to do, checked once: where it listens, where it forwards, its faults."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from chaos.errors import BadInput

#: Seconds a proxy waits for its upstream to accept a connection.
CONNECT_TIMEOUT = 5.0
#: Seconds a proxy waits for the upstream's answer to begin before giving up (504).
READ_TIMEOUT = 300.0
#: Seconds a stopping proxy lets its requests in flight finish.
GRACE = 10.0
#: The longest request or response head (request line or status line plus headers) accepted.
MAX_HEAD_BYTES = 64 * 1024
#: Idle upstream connections kept for reuse.
POOL_SIZE = 64


@dataclass(frozen=True)
class Upstream:
    """Where requests go: ``http://host:port`` and a path prefix put before each target."""

    host: str
    port: int
    prefix: str = ""

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == 80 else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.authority}{self.prefix}"


@dataclass(frozen=True)
class ProxyOptions:
    host: str
    port: int
    upstream: Upstream
    delay: float = 0.0
    error_share: float = 0.0
    seed: int | None = None
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    grace: float = GRACE


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6; ``:PORT`` means 127.0.0.1) as (host, port)."""
    host, sep, port_text = value.strip().rpartition(":")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise BadInput(f"--listen must be HOST:PORT with a port from 0 to 65535, not {value!r}.")
    host = host.removeprefix("[").removesuffix("]") or "127.0.0.1"
    if any(c.isspace() or c in "/[]" for c in host):
        raise BadInput(f"--listen has an invalid host {host!r}.")
    return host, int(port_text)


def parse_upstream(value: str) -> Upstream:
    """An ``http://host[:port][/prefix]`` URL as an ``Upstream``."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise BadInput(f"--upstream is not a valid URL: {value!r}.") from None
    if parts.scheme != "http" or not parts.hostname:
        raise BadInput(f"--upstream must be an http:// URL with a host, not {value!r}.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise BadInput(f"--upstream must have no query, fragment or credentials: {value!r}.")
    host = parts.hostname
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise BadInput(f"--upstream has an invalid host {host!r}.") from None
    return Upstream(host, 80 if port is None else port, parts.path.rstrip("/"))


def proxy_options(
    listen: str,
    upstream: str,
    delay: float = 0.0,
    error_share: float = 0.0,
    seed: int | None = None,
) -> ProxyOptions:
    """The options of one proxy from its command line's values; ``BadInput`` names a bad one."""
    host, port = parse_listen(listen)
    if not math.isfinite(delay) or delay < 0:
        raise BadInput(f"--delay must be a number of seconds >= 0, not {delay:g}.")
    if not 0 <= error_share <= 1:
        raise BadInput(f"--error-share must be between 0 and 1, not {error_share:g}.")
    return ProxyOptions(host, port, parse_upstream(upstream), delay, error_share, seed)
