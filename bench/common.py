"""Shared helpers of the benchmarks: statistics, timed commands, services, machine facts."""

from __future__ import annotations

import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent  # the bench venv's scripts: chaosrun, chaos, ...

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Benchmarks measure what users run: every service and chaosrun started cold, as a user's is
# (testbed/warm.py's warm start is the test suite's).
os.environ["CHAOSRUN_TEST_COLD"] = "1"

from testbed.procs import Service, free_port, start_service  # noqa: E402

__all__ = [
    "BENCH",
    "BIN",
    "ROOT",
    "ProxyTrap",
    "Service",
    "Summary",
    "alternate",
    "free_port",
    "log",
    "machine",
    "service",
    "spawn",
    "start_service",
    "timed",
    "timed_cpu",
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Summary:
    """Median and range of one series of repetitions."""

    median: float
    min: float
    max: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("no values to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def alternate(reps: int, sides: Sequence[str]) -> Iterator[tuple[int, str]]:
    """(repetition, side) in an order that alternates which side goes first."""
    for rep in range(reps):
        order = list(sides) if rep % 2 == 0 else list(reversed(sides))
        for side in order:
            yield rep, side


def timed(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    expect: int | Sequence[int] = 0,
) -> float:
    """Wall-clock seconds of one command; fails loudly if its exit code is unexpected."""
    return timed_cpu(argv, env=env, cwd=cwd, expect=expect)[0]


def timed_cpu(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    expect: int | Sequence[int] = 0,
) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds user+system) of one command and its children."""
    full_env = {**os.environ, **(env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        list(argv), env=full_env, cwd=cwd or ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    allowed = (expect,) if isinstance(expect, int) else tuple(expect)
    if result.returncode not in allowed:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise RuntimeError(
            f"{' '.join(argv)} exited {result.returncode} (expected {allowed}):\n" + "\n".join(tail)
        )
    return elapsed, cpu


def spawn(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Run one command; wall seconds, CPU seconds (user + system) and peak RSS in MiB."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{tail}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
    }


@contextmanager
def service(
    module: str, log_dir: Path, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[Service]:
    """A real uvicorn process of one of the project's services on 127.0.0.1."""
    log_dir.mkdir(parents=True, exist_ok=True)
    svc = start_service(module, log_dir, env=env, port=port)
    try:
        yield svc
    finally:
        svc.stop()


class ProxyTrap:
    """A would-be HTTP(S) proxy on 127.0.0.1 that only counts connections and closes them.

    Pointing ``HTTP_PROXY``/``HTTPS_PROXY`` at it (with ``NO_PROXY`` covering loopback) makes
    any attempt of a tool to reach the outside world visible, and fail fast, instead of
    leaving the machine.
    """

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = int(self._sock.getsockname()[1])
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    @property
    def env(self) -> dict[str, str]:
        url = f"http://127.0.0.1:{self.port}"
        loopback = "127.0.0.1,localhost"
        return {
            "HTTP_PROXY": url,
            "HTTPS_PROXY": url,
            "http_proxy": url,
            "https_proxy": url,
            "NO_PROXY": loopback,
            "no_proxy": loopback,
        }

    def close(self) -> None:
        self._sock.close()


def get_json(url: str) -> Any:
    return httpx.get(url, timeout=2.0, trust_env=False).json()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(argv), capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else ""


def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "commit": head or "unknown",
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in load],
        "wrk": _version(["wrk", "--version"]),
        "packages": {
            name: pkg(name)
            for name in (
                "chaosrun",
                "chaostoolkit",
                "chaostoolkit-lib",
                "chaostoolkit-kubernetes",
                "kubernetes",
                "uvicorn",
                "fastapi",
                "httpx",
                "pybreaker",
            )
        },
    }
