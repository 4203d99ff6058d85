"""The client of ``testbed/zygote.py``: ``WarmPopen`` is a ``subprocess.Popen`` of
``python -m MODULE ARGS`` whose child is forked from a process that has imported the heavy
libraries already, not started cold. Everything else is Popen's own: pipes, text mode,
``communicate``, ``wait``, signals. One zygote per test process, started on first use, gone with it.

``CHAOSRUN_TEST_COLD=1`` turns it off (every program then starts cold, as a user's does); the
tests and benchmarks that judge start-up itself never use it.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
PR_SET_CHILD_SUBREAPER = 36
_lock = threading.Lock()
_zygote: tuple[subprocess.Popen[bytes], str] | None = None
_libc = ctypes.CDLL(None, use_errno=True)


def enabled() -> bool:
    return os.environ.get("CHAOSRUN_TEST_COLD") != "1" and sys.platform == "linux"


def popen_type() -> type[subprocess.Popen[Any]]:
    """What starts a ``python -m MODULE`` here: ``WarmPopen``, or ``Popen`` when turned off."""
    return WarmPopen if enabled() else subprocess.Popen


def _start() -> tuple[subprocess.Popen[bytes], str]:
    folder = tempfile.mkdtemp(prefix="chaosrun-zygote-")
    path = str(Path(folder) / "sock")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbed.zygote", path],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    if proc.stdout.readline() != b"ready\n":
        raise RuntimeError("the chaosrun zygote did not start")
    atexit.register(_stop, proc)
    return proc, path


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _socket_path() -> str:
    global _zygote
    if _zygote is None or _zygote[0].poll() is not None:
        _zygote = _start()
    return _zygote[1]


def _subreaper(on: bool) -> None:
    if _libc.prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def fork_module(module: str, args: list[str], env: dict[str, str], cwd: str, fds: list[int]) -> int:
    """Fork ``python -m MODULE ARGS`` from the zygote with these standard streams; its pid,
    a child of this process."""
    request = json.dumps({"module": module, "args": args, "env": env, "cwd": cwd}).encode()
    with _lock:
        for attempt in range(2):
            try:
                return _ask(_socket_path(), request, fds)
            except (OSError, ValueError):
                _restart()  # the zygote is gone: once more on a new one
                if attempt:
                    raise
    raise AssertionError("unreachable")


def _ask(path: str, request: bytes, fds: list[int]) -> int:
    _subreaper(True)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(path)
            socket.send_fds(conn, [len(request).to_bytes(8, "big")], fds)
            conn.sendall(request)
            answer = b""
            while chunk := conn.recv(64):
                answer += chunk
    finally:
        _subreaper(False)
    return int(answer)  # ValueError when the zygote gave no pid


def _restart() -> None:
    global _zygote
    if _zygote is not None:
        _stop(_zygote[0])
    _zygote = None


class WarmPopen(subprocess.Popen[Any]):
    """``Popen([python, "-m", MODULE, *args])`` with the child forked warm.

    Only what ``tests/support/cli.py`` and ``testbed/procs.py`` pass is supported: such a
    command, ``cwd``, ``env``, the three streams, text mode.
    """

    def _execute_child(  # type: ignore[override]
        self,
        args: list[str],
        executable: Any,
        preexec_fn: Any,
        close_fds: bool,
        pass_fds: Any,
        cwd: Any,
        env: Any,
        *rest: Any,
    ) -> None:
        (_, _, _, p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite) = rest[:9]
        fds = [
            p2cread if p2cread != -1 else 0,
            c2pwrite if c2pwrite != -1 else 1,
            errwrite if errwrite != -1 else 2,
        ]
        try:
            if list(args[1:2]) != ["-m"]:
                raise ValueError(f"not a python -m command: {args}")
            environment = dict(env if env is not None else os.environ)
            where = str(cwd if cwd is not None else os.getcwd())
            self.pid = fork_module(args[2], list(args[3:]), environment, where, fds)
            self._child_created = True
        finally:
            self._close_pipe_fds(p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite)  # type: ignore[attr-defined]
