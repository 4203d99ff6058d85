"""Start the project's services as real uvicorn processes on free loopback ports."""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from chaos.drivers.local.ports import PICK_FLOOR, ephemeral_floor, port_is_free
from services.contract import LIVENESS_PATH
from testbed import warm

REPO_ROOT = Path(__file__).resolve().parents[1]


# Ports handed out by free_port(): below the kernel's ephemeral range, so that no outgoing
# connection takes one as its local port, and in turn across every test process on the machine
# (the parallel workers and the lowest-client pass beside them), so that two processes never get
# the same one. A port comes round again only after all the others were handed out. (A port
# from bind(0) is in the ephemeral range and is free again as soon as it is returned: another
# worker's bind(0) or connect() may take it before the service that was to listen on it does.)
_PORT_COUNTER = Path(tempfile.gettempdir()) / f"chaosrun-test-ports-{os.getuid()}"


def free_port() -> int:
    """A loopback port no other test process was given lately and nothing listens on."""
    ceiling = ephemeral_floor()
    if ceiling - PICK_FLOOR < 1000:
        return _kernel_port()
    span = ceiling - PICK_FLOOR
    fd = os.open(_PORT_COUNTER, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.pread(fd, 16, 0).decode(errors="replace").strip()
        nxt = int(raw) if raw.isdigit() else random.randrange(span)
        for step in range(span):
            port = PICK_FLOOR + (nxt + step) % span
            if port_is_free(port):
                os.ftruncate(fd, 0)
                os.pwrite(fd, str((nxt + step + 1) % span).encode(), 0)
                return port
    finally:
        os.close(fd)
    return _kernel_port()


def _kernel_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(
    url: str, timeout: float = 20.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``url`` until it answers (any status) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@dataclass
class Service:
    module: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def listening_inodes(port: int) -> set[str]:
    """The inodes of the sockets listening on ``port`` (any address), from ``/proc/net``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    inodes.add(inode)
    return inodes


def listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` itself holds a socket listening on ``port``: another process
    that took a port chosen by ``free_port()`` first answers HTTP there just as well."""
    wanted = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    fd_dir = Path(f"/proc/{pid}/fd")
    with contextlib.suppress(OSError):
        for fd in fd_dir.iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) in wanted:
                    return True
    return False


class PortTaken(RuntimeError):
    """The service could not have its port: another process holds it."""


def start_service(
    module: str,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
) -> Service:
    """Run ``python -m <module>`` bound to 127.0.0.1 and wait until it answers ``/healthz``
    on its own socket. Without a ``port`` given, a free one is picked, and picked again (up to
    five times) when another process takes it between the pick and the service's bind."""
    if port is not None:
        return _start_on(module, log_dir, env, port)
    for attempt in range(5):
        try:
            return _start_on(module, log_dir, env, free_port())
        except PortTaken:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _start_on(module: str, log_dir: Path, env: Mapping[str, str] | None, port: int) -> Service:
    full_env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    log_path = log_dir / f"{module.rsplit('.', 1)[-1]}-{port}.log"
    starter = warm.popen_type()
    with log_path.open("wb") as log_file:
        proc = starter(
            [sys.executable, "-m", module],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    service = Service(module=module, port=port, proc=proc, log_path=log_path)
    try:
        wait_for_http(f"{service.url}{LIVENESS_PATH}", proc=proc)
        _wait_for_own_socket(service)
    except Exception:
        service.stop()
        raise
    return service


def _wait_for_own_socket(service: Service, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not listens_on(service.proc.pid, service.port):
        if service.proc.poll() is not None or time.monotonic() > deadline:
            raise PortTaken(f"{service.module} could not listen on port {service.port}")
        time.sleep(0.05)


@contextmanager
def running_service(
    module: str, log_dir: Path, env: Mapping[str, str] | None = None, port: int | None = None
) -> Iterator[Service]:
    service = start_service(module, log_dir, env=env, port=port)
    try:
        yield service
    finally:
        service.stop()
