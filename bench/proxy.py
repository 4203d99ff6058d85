"""Issue 22, item 6: the fault proxy at zero fault against a direct call.

Frontend v1 -> backend, locally, every process real: the backend (``python -m
services.backend``), two frontends v1 (``python -m services.frontend_v1``), one whose
``BACKEND_URL`` points straight at the backend and one whose ``BACKEND_URL`` points at a
``chaosrun proxy`` (its own process, ``--delay 0 --error-share 0``) in front of the same
backend. The load comes from Debian's ``wrk`` (C, its own process), the two sides alternating.

* throughput: ``wrk -c CONNECTIONS`` on each frontend's page, answers/s;
* latency added: ``wrk -c1`` (no queueing, so the p50 difference is the proxy's own cost, not
  a longer queue), p50 through the proxy minus p50 direct;
* the proxy's CPU per answer (user + system, from /proc), which a busy machine disturbs less.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench import frontends
from bench.common import ROOT, Service, Summary, alternate, free_port, log, service
from services.contract import MESSAGE_PATH
from testbed.polling import answers, wait_until

SIDES = ("direct", "proxy")
THROUGHPUT_RATIO = 0.9
P50_ADDED_MS = 1.0
READY_PATH = "/__chaosrun/ready"


def _start_proxy(upstream: str, logs: Path) -> Service:
    port = free_port()
    log_path = logs / "proxy.log"
    with log_path.open("wb") as out:
        argv = [sys.executable, "-m", "chaos", "proxy", "--listen", f"127.0.0.1:{port}"]
        proc = subprocess.Popen(
            [*argv, "--upstream", upstream], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    proxy = Service("chaos proxy", port, proc, log_path)
    wait_until(lambda: answers(proxy.url + READY_PATH), 20, "the proxy's readiness")
    return proxy


def _figures(series: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return Summary.of([r[key] for r in series]).as_dict()


def run(reps: int, seconds: float, connections: int, out_dir: Path) -> dict[str, Any]:
    logs = Path(tempfile.mkdtemp(prefix="proxy-", dir=out_dir))
    load_before = os.getloadavg()[0]
    log("proxy: frontend v1 -> backend, direct and through chaosrun proxy")
    with ExitStack() as stack:
        backend = stack.enter_context(service("services.backend", logs))
        proxy = _start_proxy(backend.url, logs)
        stack.callback(proxy.stop)
        proc = proxy.proc
        urls = {"direct": backend.url, "proxy": proxy.url}
        fronts = {
            side: stack.enter_context(
                service("services.frontend_v1", logs, env={"BACKEND_URL": url + MESSAGE_PATH})
            )
            for side, url in urls.items()
        }
        for side in SIDES:  # warm-up, not measured
            frontends.wrk(f"{fronts[side].url}/", connections, 1, 0)
        loaded: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
        single: dict[str, list[dict[str, Any]]] = {side: [] for side in SIDES}
        cpu_us: list[float] = []
        for _, side in alternate(reps, SIDES):
            url = f"{fronts[side].url}/"
            before = frontends._cpu_seconds(proc.pid)
            run = frontends.wrk(url, connections, seconds, 0)
            if side == "proxy":
                used = frontends._cpu_seconds(proc.pid) - before
                cpu_us.append(used / max(run["requests"], 1) * 1e6)
            loaded[side].append(run)
            single[side].append(frontends.wrk(url, 1, seconds, 0))
        if proc.poll() is not None:
            raise RuntimeError("the proxy exited during the benchmark")
    result: dict[str, Any] = {
        "reps": reps,
        "seconds": seconds,
        "connections": connections,
        "load": [load_before, os.getloadavg()[0]],
    }
    for side in SIDES:
        result[side] = {
            "rps": _figures(loaded[side], "rps"),
            "p50_ms_loaded": _figures(loaded[side], "p50_ms"),
            "p99_ms_loaded": _figures(loaded[side], "p99_ms"),
            "ok_share": _figures(loaded[side] + single[side], "ok_share"),
            "p50_ms": _figures(single[side], "p50_ms"),
            "p99_ms": _figures(single[side], "p99_ms"),
            "rps_single": _figures(single[side], "rps"),
        }
    direct, proxied = result["direct"], result["proxy"]
    result["rps_ratio"] = proxied["rps"]["median"] / max(direct["rps"]["median"], 1e-9)
    result["paired_rps_ratio"] = Summary.of(
        [
            p["rps"] / max(d["rps"], 1e-9)
            for d, p in zip(loaded["direct"], loaded["proxy"], strict=True)
        ]
    ).as_dict()
    result["p50_added_ms"] = proxied["p50_ms"]["median"] - direct["p50_ms"]["median"]
    result["proxy_cpu_us_per_answer"] = Summary.of(cpu_us).as_dict()
    log(
        f"  throughput x{result['rps_ratio']:.2f}, p50 added {result['p50_added_ms']:.2f} ms, "
        f"proxy CPU {result['proxy_cpu_us_per_answer']['median']:.0f} µs per answer"
    )
    return result


def _cell(s: dict[str, float], digits: int = 0) -> str:
    fmt = f"{{:.{digits}f}}"
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}–{fmt.format(s['max'])})"


def report_lines(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    """The section of docs/benchmarks.md, and its targets."""
    ratio, added = section["rps_ratio"], section["p50_added_ms"]
    rps_ok, p50_ok = ratio >= THROUGHPUT_RATIO, added <= P50_ADDED_MS
    targets.append(
        (
            f"proxy at zero fault: throughput >= {THROUGHPUT_RATIO:g}x direct",
            f"x{ratio:.2f}",
            rps_ok,
        )
    )
    targets.append(
        (f"proxy at zero fault: p50 added <= {P50_ADDED_MS:g} ms", f"{added:.2f} ms", p50_ok)
    )
    lines = [
        "## 10. The fault proxy at zero fault (`chaosrun proxy`)",
        "",
        "`bench/proxy.py`: frontend v1 calls the backend directly, or through `chaosrun proxy "
        "--delay 0 --error-share 0` (its own process) in front of the same backend; two v1 "
        "processes side by side, one per path, every process real on 127.0.0.1. "
        f"{section['reps']} repetitions per side, alternating; each is `wrk -t1 "
        f"-c{section['connections']} -d{section['seconds']:g}s` for the throughput, then "
        f"`wrk -t1 -c1 -d{section['seconds']:g}s` for the latency (one connection: no queue, so "
        "the p50 difference is the proxy's own time). Median (min–max) over the repetitions. "
        "1-minute load average before and after: "
        + " / ".join(f"{x:.1f}" for x in section.get("load", []))
        + " (other engineers' tests shared the machine: a ratio above 1 is that noise, not a "
        "faster path).",
        "",
        f"| path | answers/s (c{section['connections']}) | p50 ms (c1) | p99 ms (c1) | p50 ms "
        f"(c{section['connections']}) | HTTP 200 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for side in SIDES:
        s = section[side]
        lines.append(
            f"| {side} | {_cell(s['rps'])} | {_cell(s['p50_ms'], 2)} | {_cell(s['p99_ms'], 2)} | "
            f"{_cell(s['p50_ms_loaded'], 2)} | {s['ok_share']['min']:.1%} |"
        )
    paired = section["paired_rps_ratio"]
    lines += [
        "",
        f"Throughput through the proxy: x{ratio:.2f} of direct (paired "
        f"{_cell(paired, 2)}), target >= {THROUGHPUT_RATIO:g}: {'met' if rps_ok else 'missed'}. "
        f"p50 added at one connection: {added:.2f} ms, target <= {P50_ADDED_MS:g} ms: "
        f"{'met' if p50_ok else 'missed'}. The proxy's CPU per answer: "
        f"{_cell(section['proxy_cpu_us_per_answer'])} µs (user + system, from /proc); on this "
        "2-CPU machine the proxy, both frontends, the backend and wrk share the cores, so its "
        "CPU is taken from the frontend's throughput.",
        "",
    ]
    return lines
