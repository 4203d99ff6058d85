"""``chaosrun local up | status | down`` as a user runs them, in subprocesses."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from chaos.drivers.local import LocalStack
from chaos.drivers.local.stack import pid_alive, port_is_open
from tests.support.cli import run_chaosrun
from tests.support.contract import BACKEND_MESSAGE
from tests.support.polling import answers
from tests.support.procs import free_port


def local(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_chaosrun("local", *args, timeout=90, env={"COLUMNS": "200", **(env or {})})


def test_up_twice_status_and_down_leaves_no_process_and_no_port(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    stack = LocalStack(state_dir)
    try:
        first = local("up", "--state-dir", str(state_dir))
        assert first.returncode == 0, first.stderr
        assert "Local stack is up" in first.stdout
        rows = stack.status()
        pids = {r.name: r.pid for r in rows}
        ports = [r.port for r in rows]
        supervisord = stack.supervisord_pid()
        assert supervisord is not None and all(pids.values())
        for row in rows:
            assert answers(row.url + "/readyz")
        layout = stack.layout()
        assert layout is not None
        assert answers(layout.programs["front-v1"].url + "/", BACKEND_MESSAGE)

        second = local("up", "--state-dir", str(state_dir))
        assert second.returncode == 0, second.stderr
        assert "Already running" in second.stdout
        assert {r.name: r.pid for r in stack.status()} == pids  # nothing restarted
        assert stack.supervisord_pid() == supervisord

        status = local("status", "--state-dir", str(state_dir))
        assert status.returncode == 0, status.stderr
        for name, pid in pids.items():
            assert name in status.stdout and str(pid) in status.stdout
        for row in rows:
            assert row.url in status.stdout
    finally:
        down = local("down", "--state-dir", str(state_dir))
    assert down.returncode == 0, down.stderr
    assert "stopped" in down.stdout
    assert not pid_alive(supervisord)
    for pid in pids.values():
        assert pid is not None and not pid_alive(pid)
    for port in ports:
        assert not port_is_open(port)
    assert not stack.socket_path.exists()

    after = local("status", "--state-dir", str(state_dir))
    assert after.returncode == 1
    assert "not running" in after.stderr
    again = local("down", "--state-dir", str(state_dir))
    assert again.returncode == 0 and "was not running" in again.stdout


def test_up_on_a_busy_port_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        result = local("up", "--state-dir", str(tmp_path), "--backend-port", str(port))
    assert result.returncode == 1
    assert f"Port {port}" in result.stderr and "already in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert not LocalStack(tmp_path).running()


@pytest.mark.parametrize("bad", [["up", "--backend-port", "70000"], ["sideways"]])
def test_bad_options_exit_2(tmp_path: Path, bad: list[str]) -> None:
    result = local(*bad, "--state-dir", str(tmp_path)) if bad[0] == "up" else local(*bad)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
