"""Files that are never seen half-written (the journal, run records, the local stack's state),
and knowing before the chaos that a file can be written at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` whole or not at all, durably.

    A temporary file beside it is written and fsynced, renamed over it, then the directory is
    fsynced so that the rename itself survives a crash.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".check", dir=path.parent)
    except OSError as exc:
        return exc.strerror.lower() if exc.strerror else type(exc).__name__
    os.close(fd)
    os.unlink(tmp)
    return None
