"""The state directory of one local stack: where its files are, its lock, and reading and
writing them whole.

Everything lives under one state directory::

    <state_dir>/stack.json          the layout: programs, ports, URLs, labels (kept after down)
    <state_dir>/supervisord.conf    supervisord's configuration
    <state_dir>/supervisord.pid     its pid while it runs (written by supervisord)
    <state_dir>/supervisor.sock     its XML-RPC unix socket (under /tmp if the path is too long)
    <state_dir>/programs/<name>.conf / .json   one file pair per live "Deployment"
    <state_dir>/logs/               supervisord's and every program's output
    <state_dir>/lock                held by ``up`` and ``down`` while they change the stack
    <state_dir>/faults-token        the backend's fault-route token (0600), new at each start
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from chaos.drivers.base import DriverError, TargetUnreachable
from chaos.files import write_atomic

SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux
# How long ``up`` or ``down`` waits for another one working on the same stack: longer than
# an ``up`` that starts supervisord, waits for readiness and cleans up after a failure.
LOCK_WAIT = 90.0

M = TypeVar("M", bound=BaseModel)


class StackStateError(TargetUnreachable):
    """A state file cannot be read, so the stack cannot be used as it is (exit code 2)."""


@dataclass(frozen=True)
class StatePaths:
    state_dir: Path
    conf: Path
    pid_file: Path
    layout: Path
    programs: Path
    logs: Path
    lock: Path
    socket: Path
    faults_token: Path

    @classmethod
    def under(cls, state_dir: Path) -> StatePaths:
        return cls(
            state_dir=state_dir,
            conf=state_dir / "supervisord.conf",
            pid_file=state_dir / "supervisord.pid",
            layout=state_dir / "stack.json",
            programs=state_dir / "programs",
            logs=state_dir / "logs",
            lock=state_dir / "lock",
            socket=_socket_path(state_dir),
            faults_token=state_dir / "faults-token",
        )


def _socket_path(state_dir: Path) -> Path:
    path = state_dir / "supervisor.sock"
    if len(str(path)) <= SOCKET_PATH_MAX:
        return path
    digest = hashlib.sha1(str(state_dir).encode()).hexdigest()[:12]
    return Path("/tmp") / f"chaosrun-{digest}.sock"


def _unreadable(path: Path, why: str) -> StackStateError:
    return StackStateError(
        f"The local stack's state file {path} is corrupt or unreadable ({why}); "
        "`chaosrun local down` stops whatever still runs and `chaosrun local up` then starts "
        "a fresh stack."
    )


def read_model(path: Path, model: type[M]) -> M | None:
    """The model in ``path``; None if there is no such file; StackStateError if it is
    unreadable, truncated or not such a model."""
    try:
        text = path.read_bytes().decode()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, type(exc).__name__) from None
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _unreadable(path, f"{where + ': ' if where else ''}{first['msg']}") from None


def write_model(path: Path, value: BaseModel) -> None:
    write_atomic(path, value.model_dump_json(indent=2))


@contextmanager
def locked(paths: StatePaths, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the stack's lock (``flock``: let go by the kernel if the holder dies)."""
    try:
        paths.state_dir.mkdir(parents=True, exist_ok=True)
        handle = paths.lock.open("a")
    except OSError as exc:
        raise DriverError(f"Cannot lock the local stack's state: {exc}.") from None
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DriverError(
                        f"Another chaosrun command has been changing the local stack in "
                        f"{paths.state_dir} for {wait:.0f}s (it holds {paths.lock}); "
                        "try again when it is done."
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
