"""Files that are never seen half-written (the journal, run records, the local stack's state),
and knowing before the chaos that a file can be written at all.

A run's outputs may also go where no file can be replaced: ``-`` is standard output, and a
path that exists but is no regular file (``/dev/null``, ``/dev/stdout``, a FIFO) is written
in place; renaming a temporary file over it would turn a device into a plain file. Text that
UTF-8 cannot encode (a lone surrogate such as ``"\\ud800"``) is written as its ``\\udXXXX``
escape, which inside a JSON string is the JSON escape of that character.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

#: The path meaning standard output, as most command-line tools take it.
STDOUT = "-"
# Names of this process's standard output: written through it, at its offset (a new open of a
# file the shell redirected it to would start at 0, over what was already written).
_STDOUT_NAMES = frozenset({STDOUT, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
_stdout_claimed = False


def claim_stdout() -> None:
    """An output goes to standard output: the console log then goes to standard error."""
    global _stdout_claimed
    _stdout_claimed = True


def stdout_claimed() -> bool:
    return _stdout_claimed


def encoded(text: str) -> bytes:
    return text.encode("utf-8", errors="backslashreplace")


def is_stdout(path: Path | str) -> bool:
    return str(path) in _STDOUT_NAMES


def is_special(path: Path) -> bool:
    """True for an existing path written in place: one under ``/dev`` or ``/proc``
    (``/dev/stdout`` is a link into ``/proc``, to a pipe, a terminal or a file) or one that is
    neither a regular file nor a directory."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    if Path(os.path.abspath(path)).parts[1:2] in (("dev",), ("proc",)):
        return True
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _scratch_file(path: Path, suffix: str) -> tuple[int, str]:
    """A new file beside ``path``, created exclusively (as ``tempfile.mkstemp`` does, without
    importing tempfile: ~2 ms of every run's start)."""
    while True:
        name = path.parent / f".{path.name}.{os.urandom(6).hex()}{suffix}"
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), str(name)
        except FileExistsError:
            continue


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_in_place(path: Path, data: bytes) -> None:
    """Open ``path`` (a device, a FIFO) and write ``data`` into it; nothing is replaced."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def write_stdout(text: str) -> None:
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stand-in (an embedding program's)
        sys.stdout.write(encoded(text).decode("utf-8"))
    else:
        stream.write(encoded(text))
    sys.stdout.flush()


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` whole or not at all, durably.

    A temporary file beside it is written and fsynced, renamed over it, then the directory is
    fsynced so that the rename itself survives a crash. A path that is no regular file is
    written in place instead (see the module's docstring).
    """
    data = encoded(text) if isinstance(text, str) else text
    if is_special(path):
        write_in_place(path, data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _scratch_file(path, ".tmp")
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
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


def write_output(path: Path, text: str) -> None:
    """A run's output (journal, report, metrics): ``-`` to standard output, else as
    ``write_atomic`` writes it."""
    if is_stdout(path):
        write_stdout(text)
    else:
        write_atomic(path, text)


def why_not_written(exc: BaseException) -> str:
    """What went wrong, as a phrase that fits in a sentence."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    if isinstance(exc, UnicodeError):
        return "it holds text that cannot be encoded"
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__


def check_writable(path: Path) -> str | None:
    """Why a file cannot be written at ``path`` (one phrase), or None when it can.

    Creates the missing parent directories and a scratch file beside the target, which it
    removes again: the only reliable test (permissions, read-only mounts, /proc) is to try.
    Standard output and a device or FIFO are written in place: only its permission counts.
    """
    if is_stdout(path):
        return None
    if path.is_dir():
        return "it is a directory"
    if is_special(path):
        return None if os.access(path, os.W_OK) else "permission denied"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _scratch_file(path, ".check")
    except OSError as exc:
        return why_not_written(exc)
    os.close(fd)
    os.unlink(tmp)
    return None
