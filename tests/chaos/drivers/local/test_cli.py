"""``chaosrun local up | status | down`` as a user runs them, in subprocesses."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chaos.drivers.local import LocalDriver, LocalStack
from chaos.drivers.local.ports import port_is_open
from chaos.drivers.local.processes import command_line, pid_alive
from services.contract import BACKEND_MESSAGE, READINESS_PATH
from testbed.polling import answers
from testbed.procs import free_port
from tests.support.cli import run_chaosrun, spawn_chaosrun


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
            assert answers(row.url + READINESS_PATH)
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


def supervisords_of(stack: LocalStack) -> list[int]:
    """Every process started with this stack's supervisord configuration."""
    conf = str(stack.paths.conf)
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if conf in command_line(pid)]


def assert_works(stack: LocalStack) -> None:
    rows = stack.status()
    assert [(r.name, r.ready) for r in rows] == [
        ("back", True),
        ("front-v1", True),
        ("front-v2", True),
    ]
    layout = stack.layout()
    assert layout is not None
    assert answers(layout.programs["front-v1"].url + "/", BACKEND_MESSAGE)


def assert_gone(stack: LocalStack, ports: list[int]) -> None:
    assert supervisords_of(stack) == []
    for port in ports:
        assert not port_is_open(port)


def test_two_ups_at_once_leave_one_working_stack(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    stack = LocalStack(state_dir)
    try:
        ups = [
            spawn_chaosrun("local", "up", "--state-dir", str(state_dir), env={"COLUMNS": "200"})
            for _ in range(2)
        ]
        outputs = [up.communicate(timeout=120)[0] for up in ups]
        assert [up.returncode for up in ups] == [0, 0], outputs
        started = sorted("Local stack is up." in out for out in outputs)
        assert started == [False, True], outputs  # the other found it running
        assert len(supervisords_of(stack)) == 1
        assert_works(stack)
        ports = [r.port for r in stack.status()]
    finally:
        down = local("down", "--state-dir", str(state_dir))
    assert down.returncode == 0, down.stderr
    assert_gone(stack, ports)


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not any stack's supervisord."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("named", ["bystander", "another stack's supervisord"])
def test_down_never_signals_the_process_a_stale_pid_file_names(
    named: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    pid_file = state_dir / "supervisord.pid"
    if named == "bystander":
        victim: subprocess.Popen[bytes] | None = request.getfixturevalue("bystander")
        assert victim is not None
        pid_file.write_text(f"{victim.pid}\n")
        other = None
    else:  # e.g. a copied state directory
        victim = None
        other = request.getfixturevalue("stack")
        shutil.copy(other.paths.pid_file, pid_file)
    stale = local("down", "--state-dir", str(state_dir))
    assert stale.returncode == 0, stale.stderr
    assert "was not running" in stale.stdout
    assert not pid_file.exists()
    status = local("status", "--state-dir", str(state_dir))
    assert status.returncode == 1 and "not running" in status.stderr
    # A stack of its own there afterwards, up and down: still only its own processes.
    assert local("up", "--state-dir", str(state_dir)).returncode == 0
    assert local("down", "--state-dir", str(state_dir)).returncode == 0
    if victim is not None:
        assert victim.poll() is None
    if other is not None:
        assert other.running()
        assert_works(other)


def test_unreadable_layout_of_a_running_stack_exits_2_and_down_still_stops_it(
    tmp_path: Path,
) -> None:
    state_dir = tmp_path / "state"
    stack = LocalStack(state_dir)
    try:
        assert local("up", "--state-dir", str(state_dir)).returncode == 0
        ports = [r.port for r in stack.status()]
        text = stack.paths.layout.read_text()
        stack.paths.layout.write_text(text[: len(text) // 2])  # a write cut short
        for command in (
            ["local", "status"],
            ["local", "up"],
            ["pod", "--target", "local"],
            ["deployment", "--target", "local"],
        ):
            result = run_chaosrun(*command, "--state-dir", str(state_dir), timeout=90)
            assert result.returncode == 2, (command, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr
            assert result.stderr.strip().count("\n") == 0, result.stderr  # one sentence
            assert f"{stack.paths.layout} is corrupt" in result.stderr
        assert LocalDriver(state_dir).get_deployment("back", "default").name == "back"
    finally:
        down = local("down", "--state-dir", str(state_dir))
    assert down.returncode == 0, down.stderr
    assert "stopped" in down.stdout
    assert_gone(stack, ports)


@pytest.mark.parametrize("content", [b'{"state_dir": "/x", "soc', b"\x00\xff\xfe", b"[]"])
def test_unreadable_layout_with_nothing_running_is_replaced_by_up(
    content: bytes, tmp_path: Path
) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    stack = LocalStack(state_dir)
    stack.paths.layout.write_bytes(content)
    status = local("status", "--state-dir", str(state_dir))
    assert status.returncode == 1 and "not running" in status.stderr
    down = local("down", "--state-dir", str(state_dir))
    assert down.returncode == 0 and "was not running" in down.stdout
    try:
        up = local("up", "--state-dir", str(state_dir))
        assert up.returncode == 0, up.stderr
        assert f"Replaced the unreadable layout {stack.paths.layout}" in up.stdout
        assert_works(stack)
    finally:
        assert local("down", "--state-dir", str(state_dir)).returncode == 0
