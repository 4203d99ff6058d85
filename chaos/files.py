"""Files that are never seen half-written (the journal, run records, the local stack's state),
and knowing before the chaos that a file can be written at all."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def _scratch_file(path: Path, suffix: str) -> tuple[int, str]:
    """A new file beside ``path``, created exclusively (as ``tempfile.mkstemp`` does, without
    importing tempfile: ~2 ms of every run's start)."""
    while True:
        name = path.parent / f".{path.name}.{os.urandom(6).hex()}{suffix}"
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), str(name)
        except FileExistsError:
            continue


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` whole or not at all, durably.

    A temporary file beside it is written and fsynced, renamed over it, then the directory is
    fsynced so that the rename itself survives a crash.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _scratch_file(path, ".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def check_writable(path: Path) -> str | None:
    """Why a file cannot be written at ``path`` (one phrase), or None when it can.

    Creates the missing parent directories and a scratch file beside the target, which it
    removes again: the only reliable test (permissions, read-only mounts, /proc) is to try.
    """
    if path.is_dir():
        return "it is a directory"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _scratch_file(path, ".check")
    except OSError as exc:
        return exc.strerror.lower() if exc.strerror else type(exc).__name__
    os.close(fd)
    os.unlink(tmp)
    return None
