"""Item 2: frontends v1 and v2 under load, with the backend healthy, stopped and hanging.

Every process is real and local: the backend (``python -m services.backend``), frontends v1
and v2 (``python -m services.frontend_v1`` / ``_v2``), the hanging backend
(``bench/hang_server.py``) and the load generator, Debian's ``wrk`` (C, its own process,
one thread, fixed concurrency, bounded in time by ``-d`` and in count by ``bench/wrk/count.lua``,
which also counts answers by status).

* healthy: the backend runs; v1 and v2 both call it.
* stopped: nothing listens on the backend port (connection refused).
* hanging: the backend accepts and never answers; each call ends at ``BACKEND_TIMEOUT``.

For v2 in an outage the breaker is driven open first (the calls that open it are not
measured) and its open state lasts ``BREAKER_WAIT_DURATION_OPEN`` = 600 s here, so every
repetition measures the open breaker, as the target says; the state is checked before each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.common import BENCH, Summary, alternate, free_port, log, service
from services.contract import BREAKER_OPEN, BREAKER_PATH, MESSAGE_PATH
from testbed.polling import wait_until

LUA = BENCH / "wrk" / "count.lua"
SIDES = ("v1", "v2")
BACKEND_TIMEOUT = 2.0  # the services' default, stated explicitly
OPEN_WAIT = 600.0


def wrk(url: str, connections: int, seconds: float, max_answers: int) -> dict[str, Any]:
    """One bounded wrk run; its JSON summary plus derived figures."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (bench/run installs Debian's package)")
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        f"--timeout={BACKEND_TIMEOUT * 2.5:g}s",
        "-s",
        str(LUA),
        url,
        "--",
        str(max_answers),
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=seconds + 60)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON "))
    data: dict[str, Any] = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data["errors"][k] for k in ("connect", "read", "write", "timeout"))
    attempted = data["requests"] + errors
    ok = int(data["statuses"].get("200", 0))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["ok_share"] = ok / attempted if attempted else 0.0
    data["p50_ms"] = data["latency_us"]["p50"] / 1e3
    data["p99_ms"] = data["latency_us"]["p99"] / 1e3
    return data


@contextmanager
def _backend(kind: str, logs: Path) -> Iterator[str]:
    """The backend's message URL for one scenario."""
    if kind == "healthy":
        with service("services.backend", logs) as backend:
            yield f"{backend.url}{MESSAGE_PATH}"
    elif kind == "stopped":
        yield f"http://127.0.0.1:{free_port()}{MESSAGE_PATH}"
    elif kind == "hanging":
        port = free_port()
        proc = subprocess.Popen([sys.executable, str(BENCH / "hang_server.py"), str(port)])
        try:
            wait_until(lambda: _port_open(port), 10, "the hanging backend", 0.01)
            yield f"http://127.0.0.1:{port}{MESSAGE_PATH}"
        finally:
            proc.kill()
            proc.wait()
    else:
        raise ValueError(kind)


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _breaker_state(front_url: str) -> str:
    state: str = httpx.get(f"{front_url}{BREAKER_PATH}", timeout=2, trust_env=False).json()["state"]
    return state


def _open_breaker(front_url: str) -> None:
    """Send failing calls until v2's breaker is open (10 at a time: a window's worth)."""

    def one(_: int) -> int:
        return httpx.get(f"{front_url}/", timeout=10, trust_env=False).status_code

    with ThreadPoolExecutor(10) as pool:
        for _ in range(10):
            if _breaker_state(front_url) == BREAKER_OPEN:
                return
            list(pool.map(one, range(10)))
    raise RuntimeError("v2's breaker did not open")


def scenario(kind: str, reps: int, seconds: float, connections: int, logs: Path) -> dict[str, Any]:
    log(f"frontends: backend {kind}")
    with ExitStack() as stack:
        backend_url = stack.enter_context(_backend(kind, logs))
        env = {"BACKEND_URL": backend_url, "BACKEND_TIMEOUT": str(BACKEND_TIMEOUT)}
        fronts = {
            "v1": stack.enter_context(service("services.frontend_v1", logs, env=env)),
            "v2": stack.enter_context(
                service(
                    "services.frontend_v2",
                    logs,
                    env={**env, "BREAKER_WAIT_DURATION_OPEN": str(OPEN_WAIT)},
                )
            ),
        }
        if kind == "healthy":
            for side in SIDES:  # warm-up, not measured
                wrk(f"{fronts[side].url}/", connections, 1, 0)
        else:
            _open_breaker(fronts["v2"].url)
            wrk(f"{fronts['v2'].url}/", connections, 1, 0)  # warm-up, not measured
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
        # v1 answers a hanging backend's calls only at the timeout: run long enough for a few.
        duration = max(seconds, 3 * BACKEND_TIMEOUT) if kind == "hanging" else seconds
        for _, side in alternate(reps, SIDES):
            url = fronts[side].url
            if side == "v2" and kind != "healthy" and _breaker_state(url) != BREAKER_OPEN:
                raise RuntimeError("v2's breaker left the open state during the measurement")
            cpu_before = _cpu_seconds(fronts[side].proc.pid)
            run = wrk(f"{url}/", connections, duration, 200_000)
            cpu = _cpu_seconds(fronts[side].proc.pid) - cpu_before
            run["cpu_us_per_answer"] = cpu / max(run["requests"], 1) * 1e6
            runs[side].append(run)
        result: dict[str, Any] = {"backend": kind, "sides": {}}
        if kind != "healthy":
            # For scale: v2's open path with a single connection (no queueing), same bounds.
            single = [wrk(f"{fronts['v2'].url}/", 1, seconds, 200_000) for _ in range(3)]
            if _breaker_state(fronts["v2"].url) != BREAKER_OPEN:
                raise RuntimeError("v2's breaker left the open state during the measurement")
            result["v2_single_connection"] = {
                "rps": Summary.of([r["rps"] for r in single]).as_dict(),
                "p50_ms": Summary.of([r["p50_ms"] for r in single]).as_dict(),
                "p99_ms": Summary.of([r["p99_ms"] for r in single]).as_dict(),
                "ok_share": Summary.of([r["ok_share"] for r in single]).as_dict(),
            }
        for side in SIDES:
            series = runs[side]
            result["sides"][side] = {
                "rps": Summary.of([r["rps"] for r in series]).as_dict(),
                "p50_ms": Summary.of([r["p50_ms"] for r in series]).as_dict(),
                "p99_ms": Summary.of([r["p99_ms"] for r in series]).as_dict(),
                "ok_share": Summary.of([r["ok_share"] for r in series]).as_dict(),
                "cpu_us_per_answer": Summary.of([r["cpu_us_per_answer"] for r in series]).as_dict(),
                "statuses": _sum_statuses(series),
                "errors": {
                    k: sum(r["errors"][k] for r in series)
                    for k in ("connect", "read", "write", "timeout")
                },
                "requests": sum(r["requests"] for r in series),
            }
        v1, v2 = (result["sides"][s] for s in SIDES)
        result["seconds"] = duration
        result["rps_ratio_v2_v1"] = v2["rps"]["median"] / max(v1["rps"]["median"], 1e-9)
        result["paired_rps_ratio"] = Summary.of(
            [b["rps"] / max(a["rps"], 1e-9) for a, b in zip(runs["v1"], runs["v2"], strict=True)]
        ).as_dict()
        log(
            f"  v1 {v1['rps']['median']:.0f} rps p99 {v1['p99_ms']['median']:.1f} ms "
            f"200s {v1['ok_share']['min']:.1%}; v2 {v2['rps']['median']:.0f} rps "
            f"p99 {v2['p99_ms']['median']:.1f} ms 200s {v2['ok_share']['min']:.1%}"
        )
        return result


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sum_statuses(series: list[dict[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for run in series:
        for key, n in run["statuses"].items():
            total[key] = total.get(key, 0) + int(n)
    return total


def run(reps: int, seconds: float, connections: int, out_dir: Path) -> dict[str, Any]:
    logs = Path(tempfile.mkdtemp(prefix="frontends-", dir=out_dir))
    return {
        "reps": reps,
        "seconds": seconds,
        "connections": connections,
        "backend_timeout": BACKEND_TIMEOUT,
        "open_wait": OPEN_WAIT,
        "scenarios": [
            scenario(kind, reps, seconds, connections, logs)
            for kind in ("healthy", "stopped", "hanging")
        ],
    }
