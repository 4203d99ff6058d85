"""Ports on 127.0.0.1: choosing free ones, and what answers on them."""

from __future__ import annotations

import random
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from chaos.drivers.base import DriverError, NotFound, Unauthorized
from chaos.drivers.local.layout import HOST
from services.contract import READINESS_PATH


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def port_is_open(port: int) -> bool:
    """True while something accepts connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


# Ports picked for the programs lie below the kernel's ephemeral range: one from bind(0) is
# free again once returned, and an outgoing connection may take it as its local port (and keep
# it) before the program that was to listen on it starts.
PICK_FLOOR = 15000


def ephemeral_floor() -> int:
    """The first port the kernel gives outgoing connections (32768 where it cannot be read)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def pick_port(wanted: int, taken: set[int]) -> int:
    """``wanted`` if it is free (else a DriverError); for 0, a free port not in ``taken``,
    below the ephemeral range where there is room."""
    if wanted:
        if wanted in taken or not port_is_free(wanted):
            raise DriverError(f"Port {wanted} on {HOST} is already in use: choose another one.")
        return wanted
    ceiling = ephemeral_floor()
    if ceiling - PICK_FLOOR >= 1000:
        for _ in range(100):
            port = random.randrange(PICK_FLOOR, ceiling)
            if port not in taken and port_is_free(port):
                return port
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port not in taken:
            return port


def choose_ports(wanted: dict[str, int], previous: dict[str, int]) -> dict[str, int]:
    """A distinct port per name: the one wanted (0: any), else the previous one if still
    free, else a free one."""
    ports: dict[str, int] = {}
    for name, port in wanted.items():
        if not port and name in previous and port_is_free(previous[name]):
            port = previous[name]
        ports[name] = pick_port(port, set(ports.values()))
    return ports


def readyz(url: str, timeout: float = 0.5, path: str = READINESS_PATH) -> bool:
    try:
        response = httpx.get(f"{url}{path}", timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def call_json(
    method: str,
    url: str,
    body: Any = None,
    timeout: float = 5.0,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """One request to a local service; its JSON answer (``NotFound`` for a 404,
    ``Unauthorized`` for a 401 or 403)."""
    try:
        response = httpx.request(
            method, url, json=body, headers=headers, timeout=timeout, trust_env=False
        )
    except httpx.HTTPError as exc:
        raise DriverError(f"{method} {url} failed: {exc or type(exc).__name__}.") from None
    if response.status_code == 404:
        raise NotFound(f"{url} does not exist (404).")
    if response.status_code in (401, 403):
        raise Unauthorized(f"{method} {url} was refused (HTTP {response.status_code}).")
    if not response.is_success:
        raise DriverError(f"{method} {url} answered HTTP {response.status_code}.")
    try:
        return response.json()
    except ValueError:
        raise DriverError(f"{method} {url} did not answer JSON.") from None
