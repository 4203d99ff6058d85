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
        cpu_us: dict[str, list[dict[str, float]]] = {side: [] for side in SIDES}
        for _, side in alternate(reps, SIDES):
            url = f"{fronts[side].url}/"
            pids = {"frontend": fronts[side].proc.pid, "backend": backend.proc.pid}
            if side == "proxy":
                pids["proxy"] = proc.pid
            before = {name: frontends._cpu_seconds(pid) for name, pid in pids.items()}
            run = frontends.wrk(url, connections, seconds, 0)
            answers_ = max(run["requests"], 1)
            cpu_us[side].append(
                {
                    name: (frontends._cpu_seconds(pid) - before[name]) / answers_ * 1e6
                    for name, pid in pids.items()
                }
            )
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
    # Of the least disturbed repetitions: on a shared machine the medians can even invert.
    result["p50_added_min_ms"] = proxied["p50_ms"]["min"] - direct["p50_ms"]["min"]
    # CPU per answer of every process on the path: what a saturated machine divides among
    # them, and what other engineers' load does not change (unlike answers/s).
    for side in SIDES:
        for name in cpu_us[side][0]:
            result[side][f"{name}_cpu_us"] = _figures(cpu_us[side], name)
        result[side]["path_cpu_us"] = Summary.of([sum(c.values()) for c in cpu_us[side]]).as_dict()
    result["proxy_cpu_us_per_answer"] = proxied["proxy_cpu_us"]
    # The proxy's CPU added to the direct path's: if it changed nothing else, the share of
    # throughput kept once every core is busy. (The measured path through the proxy has also
    # come out cheaper than direct, its frontend spending less per answer on a busy machine:
    # not counted, so this ratio errs low.)
    direct_cpu = direct["path_cpu_us"]["median"]
    result["cpu_ratio"] = direct_cpu / (direct_cpu + proxied["proxy_cpu_us"]["median"])
    log(
        f"  throughput x{result['rps_ratio']:.2f}, p50 added {result['p50_added_ms']:.2f} ms, "
        f"proxy CPU {result['proxy_cpu_us_per_answer']['median']:.0f} µs per answer, "
        f"CPU-bound throughput x{result['cpu_ratio']:.2f}"
    )
    return result


def _cell(s: dict[str, float], digits: int = 0) -> str:
    fmt = f"{{:.{digits}f}}"
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}–{fmt.format(s['max'])})"


def report_lines(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    """The section of docs/benchmarks.md, and its targets.

    The throughput target is judged on the lower of two ratios: answers/s as measured, and
    the CPU-bound one (path CPU per answer, direct / through the proxy), which a machine
    shared with other work does not disturb as much.
    """
    wall, cpu = section["rps_ratio"], section["cpu_ratio"]
    ratio = min(wall, cpu)
    added = max(section["p50_added_ms"], section["p50_added_min_ms"])
    rps_ok, p50_ok = ratio >= THROUGHPUT_RATIO, added <= P50_ADDED_MS
    name = f"proxy at zero fault: throughput >= {THROUGHPUT_RATIO:g}x direct"
    targets.append((name, f"x{ratio:.2f} (answers/s x{wall:.2f}, CPU x{cpu:.2f})", rps_ok))
    targets.append(
        (f"proxy at zero fault: p50 added <= {P50_ADDED_MS:g} ms", f"{added:.2f} ms", p50_ok)
    )
    c = section["connections"]
    lines = [
        "## 10. The fault proxy at zero fault (`chaosrun proxy`)",
        "",
        "`bench/proxy.py`: frontend v1 calls the backend directly, or through `chaosrun proxy "
        "--delay 0 --error-share 0` (its own process) in front of the same backend; two v1 "
        "processes side by side, one per path, every process real on 127.0.0.1. "
        f"{section['reps']} repetitions per side, alternating; each is `wrk -t1 -c{c} "
        f"-d{section['seconds']:g}s` for the throughput and the CPU (user + system per answer of "
        f"each process on the path, from /proc), then `wrk -t1 -c1 -d{section['seconds']:g}s` "
        "for the latency (one connection: no queue, so the p50 difference is the proxy's own "
        "time). Median (min–max) over the repetitions. 1-minute load average before and after: "
        + " / ".join(f"{x:.1f}" for x in section.get("load", []))
        + ": other engineers' tests shared the 2 CPUs, so answers/s swing between repetitions "
        "(a ratio above 1 is that noise, not a faster path); CPU per answer swings far less.",
        "",
        f"| path | answers/s (c{c}) | p50 ms (c1) | p99 ms (c1) | p50 ms (c{c}) | HTTP 200 "
        "| CPU µs per answer: frontend | backend | proxy | whole path |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for side in SIDES:
        s = section[side]
        proxy_cpu = _cell(s["proxy_cpu_us"]) if "proxy_cpu_us" in s else "–"
        lines.append(
            f"| {side} | {_cell(s['rps'])} | {_cell(s['p50_ms'], 2)} | {_cell(s['p99_ms'], 2)} | "
            f"{_cell(s['p50_ms_loaded'], 2)} | {s['ok_share']['min']:.1%} | "
            f"{_cell(s['frontend_cpu_us'])} | {_cell(s['backend_cpu_us'])} | {proxy_cpu} | "
            f"{_cell(s['path_cpu_us'])} |"
        )
    paired = section["paired_rps_ratio"]
    lines += [
        "",
        f"Throughput through the proxy: answers/s x{wall:.2f} of direct (paired "
        f"{_cell(paired, 2)}); CPU-bound x{cpu:.2f} (the direct path's CPU per answer over "
        "the same plus the proxy's: the share of throughput kept when every core is busy, "
        "if the proxy changed nothing else). Target >= "
        f"{THROUGHPUT_RATIO:g} on the lower, x{ratio:.2f}: {'met' if rps_ok else 'missed'}. "
        f"p50 added at one connection: {section['p50_added_ms']:.2f} ms between the medians, "
        f"{section['p50_added_min_ms']:.2f} ms between the minima (the least disturbed "
        f"repetitions); target <= {P50_ADDED_MS:g} ms on the larger, {added:.2f} ms: "
        f"{'met' if p50_ok else 'missed'}.",
        "",
    ]
    return lines
