"""``chaosrun proxy`` as a process: one line when it starts, a clean stop on SIGTERM (the
request in flight still answered), and bad options refused in one sentence with exit 2."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from testbed.polling import wait_until
from testbed.procs import free_port
from tests.support.cli import run_chaosrun
from tests.support.proxy import running_proxy


def _unread_by(port: int, peer: int) -> int | None:
    """Bytes waiting in the kernel on the socket at ``port`` connected to ``peer`` (None:
    no such socket), from /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(a.rsplit(":", 1)[1], 16) for a in fields[1:3])
        if (local, remote) == (port, peer):
            return int(fields[4].split(":")[1], 16)
    return None


def test_sigterm_finishes_the_request_in_flight_and_exits_0(proxy_upstream: str) -> None:
    with running_proxy(proxy_upstream, "--delay", "1") as proxy:
        port = int(proxy.url.rsplit(":", 1)[1])
        idle = httpx.Client(trust_env=False)
        idle.get(f"{proxy.url}/__chaosrun/ready")  # a kept-alive connection, idle at the stop
        call = socket.create_connection(("127.0.0.1", port), timeout=20)
        call.sendall(b"GET /peer HTTP/1.1\r\nHost: t\r\n\r\n")
        # The proxy has read the request (it is in its delay): now stop it.
        wait_until(lambda: _unread_by(port, call.getsockname()[1]) == 0, 10, "the read")
        out = proxy.stop()
        answer = b""
        while chunk := call.recv(65536):
            answer += chunk
        call.close()
        idle.close()
    assert proxy.proc.returncode == 0, out
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200"), answer
    assert b"\r\nconnection: close" in head
    lines = out.splitlines()
    assert sum("chaosrun proxy listening on" in line for line in lines) == 1, out
    assert f"forwarding to {proxy_upstream}" in lines[0]
    assert "stopping" in out
    assert "Traceback" not in out


def _taken_port() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, sock.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--listen", "nowhere", "--upstream", "http://127.0.0.1:1"], "--listen"),
        (["--listen", "127.0.0.1:70000", "--upstream", "http://127.0.0.1:1"], "--listen"),
        (["--upstream", "https://127.0.0.1:1"], "--upstream"),
        (["--upstream", "127.0.0.1:8081"], "--upstream"),
        (["--upstream", "http://127.0.0.1:1", "--delay", "-1"], "--delay"),
        (["--upstream", "http://127.0.0.1:1", "--error-share", "1.5"], "--error-share"),
        (["--listen", "127.0.0.1:0"], "--upstream"),
    ],
)
def test_bad_options_exit_2(args: list[str], word: str) -> None:
    result = run_chaosrun("proxy", *args, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    error = result.stderr.strip()
    assert len(error.splitlines()) == 1 and word in error, error
    assert "Traceback" not in result.stdout + result.stderr


def test_a_port_in_use_exits_2() -> None:
    sock, port = _taken_port()
    with sock:
        result = run_chaosrun(
            "proxy",
            "--listen",
            f"127.0.0.1:{port}",
            "--upstream",
            "http://127.0.0.1:1",
            timeout=60,
        )
    assert result.returncode == 2
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_import_is_light() -> None:
    """The command never imports the Kubernetes client (it runs in a small proxy pod)."""
    result = run_chaosrun(
        "proxy",
        "--listen",
        f"127.0.0.1:{free_port()}",
        "--upstream",
        "http://h:1",
        "--delay",
        "-1",
        timeout=60,
        env={"PYTHONPROFILEIMPORTTIME": "1"},
    )
    assert result.returncode == 2
    assert " kubernetes" not in result.stderr
