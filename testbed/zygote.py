"""A warm start for ``python -m chaos`` and ``python -m services.<name>``: a process that has
imported the heavy libraries once (the ``kubernetes`` client, pydantic, Typer, rich, httpx;
FastAPI, uvicorn, prometheus_client) and forks a fresh chaosrun or service from them on
request, so a suite that starts them hundreds of times pays the imports once.

The forked program is a real process as a cold one is: its own pid, environment, working
directory, standard streams and exit status, killable with any signal. What is imported ahead
reads none of the program's environment at import: the libraries (``kubernetes.config`` reads
``KUBECONFIG`` at import, but chaosrun always hands it the file it chose) and the modules of
chaosrun's CLI and engine, which read theirs when they run (``tests/test_warm_cli.py`` holds
them to it). ``testbed/warm.py`` is the client.

Protocol, on a Unix stream socket: the client sends one JSON request (args, env, cwd) with
its stdin, stdout and stderr descriptors attached (``SCM_RIGHTS``); the zygote forks a
short-lived middle process, which forks chaosrun and exits at once, so chaosrun is adopted
by the client (a child subreaper for that instant) and the client can wait for it as for
any child; the zygote answers with chaosrun's pid.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import json
import os
import runpy
import socket
import sys
from dataclasses import dataclass
from typing import Any

# Imported here, once: what a chaosrun run imports and costs most.
PRELOAD = (
    "kubernetes",
    "pydantic",
    "typer",
    "typer.main",
    "rich.console",
    "rich.table",
    "rich.markup",
    "httpx",
    "yaml",
    "h11",
    "fastapi",
    "uvicorn",
    "starlette.applications",
    "prometheus_client",
    "pybreaker",
    "jinja2",
)

# Then chaosrun's own CLI, engine and Kubernetes driver: what every run imports (a fifth of
# a warm run's CPU). The services are not: their import is cheap beside their start.
PROJECT_PRELOAD = (
    "chaos.cli.entry",
    "chaos.cli.running",
    "chaos.engine.session",
    "chaos.engine.runner",
    "chaos.drivers.kubernetes.driver",
)


@dataclass
class Job:
    """What a forked program runs: ``python -m MODULE ARGS``, its environment and folder."""

    module: str
    args: list[str]
    env: dict[str, str]
    cwd: str


def preload_libraries() -> None:
    for name in PRELOAD:
        # A library a lower pin lacks is imported cold instead.
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def preload_project() -> None:
    for name in PROJECT_PRELOAD:
        importlib.import_module(name)


def serve(path: str) -> Job | None:
    """Answer requests until the client goes; in a forked program, return its job."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    listener.settimeout(1.0)
    client = os.getppid()
    print("ready", flush=True)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != client:  # the test process is gone: so is its zygote
                return None
            continue
        except OSError:
            return None
        conn.settimeout(None)
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError):
            conn.close()
            continue
        pid_read, pid_write = os.pipe()
        middle = os.fork()
        if middle == 0:
            child = os.fork()
            if child == 0:
                listener.close()
                conn.close()
                _take_streams(fds)
                return Job(**request)
            os.write(pid_write, str(child).encode())
            os._exit(0)
        os.close(pid_write)
        for fd in fds:
            os.close(fd)
        os.waitpid(middle, 0)  # chaosrun is the client's child from here on
        with os.fdopen(pid_read, "rb") as pids:
            conn.sendall(pids.read())
        conn.close()


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One request: an 8-byte length with the three descriptors, then that much JSON."""
    head, fds, _, _ = socket.recv_fds(conn, 8, 3)
    if len(head) != 8 or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError("a request without its length or its three streams")
    size = int.from_bytes(head, "big")
    body = bytearray()
    while len(body) < size:
        chunk = conn.recv(min(size - len(body), 1 << 20))
        if not chunk:
            break
        body += chunk
    try:
        return json.loads(body), fds
    except ValueError:
        for fd in fds:
            os.close(fd)
        raise


def _take_streams(fds: list[int]) -> None:
    for target, fd in enumerate(fds):
        if fd != target:
            os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    os.closerange(3, 1 << 16)


def _fresh_stream(fd: int, mode: str, unbuffered: bool) -> io.TextIOWrapper:
    """A standard stream as a fresh interpreter opens it for ``fd`` under the job's
    environment (``PYTHONUNBUFFERED`` is read at start-up, so here)."""
    original = (sys.__stdin__, sys.__stdout__, sys.__stderr__)[fd]
    encoding = original.encoding if original else "utf-8"
    errors = original.errors if original else "strict"
    raw = io.FileIO(fd, mode, closefd=False)
    interactive = raw.isatty()
    if mode == "r":
        return io.TextIOWrapper(io.BufferedReader(raw), encoding=encoding, errors=errors)
    buffered = raw if unbuffered else io.BufferedWriter(raw)
    return io.TextIOWrapper(
        buffered,  # type: ignore[arg-type]
        encoding=encoding,
        errors=errors,
        line_buffering=interactive or fd == 2,
        write_through=unbuffered,
    )


def run(job: Job) -> None:
    """Become ``python -m MODULE ARGS`` in ``job.cwd`` with ``job.env``."""
    os.chdir(job.cwd)
    os.environ.clear()
    os.environ.update(job.env)
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    sys.stdin = sys.__stdin__ = _fresh_stream(0, "r", unbuffered)
    sys.stdout = sys.__stdout__ = _fresh_stream(1, "w", unbuffered)
    sys.stderr = sys.__stderr__ = _fresh_stream(2, "w", unbuffered)
    if os.environ.get("PYTHONFAULTHANDLER"):  # read at start-up too
        import faulthandler

        faulthandler.enable()
    sys.path[0] = job.cwd
    sys.argv = ["-m", *job.args]
    runpy.run_module(job.module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    preload_libraries()
    preload_project()
    # What was imported stays: the forked programs' collections need not scan it, nor touch
    # (and so copy) its pages. A warm chaosrun run costs a third as long with it.
    gc.freeze()  # the preloaded heap: never scanned by the forked programs' collections
    forked = serve(sys.argv[1])
    if forked is not None:
        run(forked)  # outside any handler: it ends as a fresh interpreter would
