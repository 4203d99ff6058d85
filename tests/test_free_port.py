"""The ports the tests hand to their servers: never one another process was given, never one
an outgoing connection may take."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from testbed.procs import REPO_ROOT, free_port


def _ephemeral_range() -> tuple[int, int]:
    low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    return int(low), int(high)


def test_ports_are_outside_the_ephemeral_range() -> None:
    low, high = _ephemeral_range()
    ports = [free_port() for _ in range(50)]
    assert not [p for p in ports if low <= p <= high]
    assert len(set(ports)) == 50


def test_processes_picking_at_once_never_get_the_same_port() -> None:
    script = "from testbed.procs import free_port\nprint(*(free_port() for _ in range(200)))"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    ports = [int(p) for proc in procs for p in proc.communicate()[0].split()]
    assert all(proc.returncode == 0 for proc in procs)
    assert len(ports) == 800
    assert len(set(ports)) == 800


def test_a_port_something_listens_on_is_skipped() -> None:
    first = free_port()
    with socket.create_server(("127.0.0.1", first + 1)) as _:
        second = free_port()
    assert second not in (first, first + 1)
