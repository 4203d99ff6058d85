"""Processes known by more than a pid: the pid and its start time, read from /proc (Linux).

A pid read from a file may by now name another process (a pid file that outlived a reboot,
a pid reused after an exit): nothing is signalled unless it is still the process meant.
"""

from __future__ import annotations

import errno
import os
import re
import signal
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessId:
    pid: int
    started: int  # clock ticks after boot at which it started (/proc/<pid>/stat, field 22)


def identify(pid: int) -> ProcessId | None:
    """The live process with this pid now; None if there is none (or only a zombie)."""
    if pid <= 0:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself hold spaces or ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None
    return ProcessId(pid, int(fields[19]))


def pid_alive(pid: int) -> bool:
    return identify(pid) is not None


def is_running(process: ProcessId) -> bool:
    """True while the very process identified (not a later one with its pid) runs."""
    return identify(process.pid) == process


def command_line(pid: int) -> list[str]:
    """The process's argv; empty if it is gone or unreadable."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [arg.decode(errors="replace") for arg in raw.split(b"\0")[:-1]]


def runs_supervisord_with(process: ProcessId, conf: Path) -> bool:
    """True if the process's command line names supervisord and the configuration ``conf``."""
    args = command_line(process.pid)
    names_supervisord = any(re.split(r"[/.]", arg)[-1] == "supervisord" for arg in args)
    return names_supervisord and (str(conf) in args or f"--configuration={conf}" in args)


def signal_if_running(process: ProcessId, sig: signal.Signals) -> bool:
    """Send ``sig`` to ``process`` if it still runs; True if it was sent.

    Through a pidfd: once it is open and the start time still matches, the signal cannot
    reach a process that took the pid over in between.
    """
    try:
        fd = os.pidfd_open(process.pid)
    except ProcessLookupError:
        return False
    except OSError as exc:  # a kernel without pidfds (before Linux 5.3)
        if exc.errno != errno.ENOSYS:
            raise
        return _kill_if_running(process, sig)
    try:
        if not is_running(process):
            return False
        signal.pidfd_send_signal(fd, sig)
    except ProcessLookupError:
        return False
    finally:
        os.close(fd)
    return True


def _kill_if_running(process: ProcessId, sig: signal.Signals) -> bool:
    if not is_running(process):
        return False
    try:
        os.kill(process.pid, sig)
    except ProcessLookupError:
        return False
    return True
