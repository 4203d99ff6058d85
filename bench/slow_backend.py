"""The slow-backend act's latency figures (issue 14), on the local target.

A private local stack (free ports; v2's breaker opens at 80 % slow calls over 0.25 s and then
stays open for 30 s) is probed as ``chaosrun demo`` probes it: ``chaos.measure.Prober``, every
``INTERVAL`` seconds, open loop. Per repetition, v1 and v2 alternately: the backend is slowed
down (``DELAY`` s per answer, through ``LocalDriver.call_service`` as
``chaosrun.backend.slow_down`` does), the frontend is probed for ``WINDOW`` seconds, the fault
is ended. v2's pod is then replaced so the next repetition meets a closed breaker.

For v2 the probes are split at the moment its breaker opened (the first probe that saw it
open, at the end of that probe): the ones sent after it are answered by the open breaker.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import Summary, alternate, log
from services.contract import FAULTS_PATH
from testbed.polling import wait_until

DELAY = 0.8
WINDOW = 4.0
INTERVAL = 0.05
OPEN_P99_MS = 5.0
WRK_SECONDS = 2.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def _fault(driver: Any, method: str, spec: dict[str, float] | None = None) -> None:
    """Start (PUT) or end (DELETE) the backend's fault, with the local stack's token."""
    from chaos.actions.backend import fault_headers

    headers = fault_headers(driver, "backend", "default")
    driver.call_service("backend", "default", method, FAULTS_PATH, spec, headers)


def _slow_run(driver: Any, url: str, breaker: bool) -> dict[str, float]:
    from chaos.measure import Prober, breaker_url_of

    prober = Prober(url, interval=INTERVAL, breaker_url=breaker_url_of(url) if breaker else None)
    spec = {"delay": DELAY, "error_share": 0.0, "duration": 60.0}
    _fault(driver, "PUT", spec)
    try:
        prober.start()
        time.sleep(WINDOW)
        samples = prober.stop().samples
    finally:
        _fault(driver, "DELETE")
    latencies = [s.latency_ms for s in samples]
    out = {
        "p50_ms": _percentile(latencies, 50),
        "p99_ms": _percentile(latencies, 99),
        "errors": float(sum(1 for s in samples if s.error)),
        "probes": float(len(samples)),
    }
    if breaker:
        opened = [s.t + s.latency_ms / 1000 for s in samples if s.breaker == "open"]
        if not opened:
            raise RuntimeError("v2's breaker never opened under the slow backend")
        open_at = min(opened)
        after = [s.latency_ms for s in samples if s.t >= open_at]
        out |= {
            "open_after_s": open_at,
            "open_p50_ms": _percentile(after, 50),
            "open_p99_ms": _percentile(after, 99),
            "open_probes": float(len(after)),
        }
    return out


def _open_wrk(driver: Any, url: str) -> dict[str, float]:
    """v2 still open, the backend still slow: one wrk connection, as bench/frontends.py
    measures the open breaker (no prober threads or breaker reads beside it)."""
    from bench.frontends import wrk
    from chaos.measure import breaker_url_of

    spec = {"delay": DELAY, "error_share": 0.0, "duration": 60.0}
    _fault(driver, "PUT", spec)
    try:
        state = httpx.get(breaker_url_of(url), timeout=2, trust_env=False).json()["state"]
        if state != "open":
            raise RuntimeError(f"v2's breaker is {state}, not open, after the slow run")
        data = wrk(url, 1, WRK_SECONDS, 200_000)
    finally:
        _fault(driver, "DELETE")
    return {"wrk_p50_ms": data["p50_ms"], "wrk_p99_ms": data["p99_ms"], "wrk_rps": data["rps"]}


def run(reps: int, out_dir: Path) -> dict[str, Any]:
    from chaos.defaults import DEMO_SLOW_CALL_RATE, DEMO_SLOW_CALL_THRESHOLD
    from chaos.drivers.local.driver import LocalDriver
    from chaos.drivers.local.settings import LocalSettings
    from chaos.drivers.local.stack import LocalStack

    state = Path(tempfile.mkdtemp(prefix="local-", dir=out_dir))
    settings = LocalSettings(state_dir=state, breaker_wait=30.0, backend_timeout=1.0)
    stack = LocalStack(state, settings)
    log(f"slow backend: local stack in {state}")
    programs = stack.up().layout.programs
    try:
        driver = LocalDriver(state)
        runs: dict[str, list[dict[str, float]]] = {"v1": [], "v2": []}
        for _, side in alternate(reps, list(runs)):
            program = programs[f"front-{side}"]
            stack.wait_ready(list(programs.values()), 30)
            runs[side].append(_slow_run(driver, program.url + "/", breaker=side == "v2"))
            if side == "v2":
                runs[side][-1] |= _open_wrk(driver, program.url + "/")
                # A fresh process: the next repetition meets a closed breaker.
                (pod,) = driver.list_pods("default", "app=front,version=v2")
                driver.delete_pod(pod.name, "default")
                wait_until(
                    lambda old=pod.name: (
                        [
                            p.name
                            for p in driver.list_pods("default", "app=front,version=v2")
                            if p.ready
                        ]
                        not in ([], [old])
                    ),
                    30,
                    "a new v2 pod",
                    0.05,
                )
        figures = {
            side: {key: Summary.of([r[key] for r in series]).as_dict() for key in series[0]}
            for side, series in runs.items()
        }
        log(
            f"  v1 p50 {figures['v1']['p50_ms']['median']:.0f} ms; v2 once open p99 "
            f"{figures['v2']['open_p99_ms']['median']:.2f} ms (prober), "
            f"{figures['v2']['wrk_p99_ms']['median']:.2f} ms (wrk, 1 connection)"
        )
        return {
            "reps": reps,
            "delay_s": DELAY,
            "window_s": WINDOW,
            "interval_s": INTERVAL,
            "backend_timeout_s": settings.backend_timeout,
            "slow_call_threshold_s": DEMO_SLOW_CALL_THRESHOLD,
            "slow_call_rate": DEMO_SLOW_CALL_RATE,
            "figures": figures,
        }
    finally:
        stack.down()


def _cell(s: dict[str, float], digits: int = 0) -> str:
    fmt = f"{{:.{digits}f}}"
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}–{fmt.format(s['max'])})"


def report_lines(section: dict[str, Any], targets: list[tuple[str, str, bool]]) -> list[str]:
    """The section of docs/benchmarks.md, and its target."""
    v1, v2 = section["figures"]["v1"], section["figures"]["v2"]
    p99 = v2["wrk_p99_ms"]["median"]
    ok = p99 < OPEN_P99_MS
    targets.append((f"slow backend: v2 p99 once open < {OPEN_P99_MS:g} ms", f"{p99:.2f} ms", ok))
    return [
        "## 5. The slow backend (demo act 4)",
        "",
        f"`bench/slow_backend.py`: the backend answers {section['delay_s']:g} s late (the "
        f"frontends' backend timeout is {section['backend_timeout_s']:g} s); each frontend is "
        f"probed every {section['interval_s'] * 1000:g} ms for {section['window_s']:g} s, "
        f"{section['reps']} repetitions alternating. v2's breaker opens at "
        f"{section['slow_call_rate']:g} % slow calls (over {section['slow_call_threshold_s']:g} "
        "s) and stays open. Milliseconds, median (min–max) over the repetitions.",
        "",
        "| | p50 ms | p99 ms | v2 once open: p50 ms | p99 ms | opened after s |",
        "|---|---:|---:|---:|---:|---:|",
        f"| v1 | {_cell(v1['p50_ms'])} | {_cell(v1['p99_ms'])} | | | |",
        f"| v2 | {_cell(v2['p50_ms'])} | {_cell(v2['p99_ms'])} | "
        f"{_cell(v2['open_p50_ms'], 2)} | {_cell(v2['open_p99_ms'], 2)} | "
        f"{_cell(v2['open_after_s'], 2)} |",
        "",
        f"Then, v2's breaker still open and the backend still slow, one wrk connection for "
        f"{WRK_SECONDS:g} s (as section 2 measures the open breaker): p50 "
        f"{_cell(v2['wrk_p50_ms'], 2)} ms, p99 {_cell(v2['wrk_p99_ms'], 2)} ms, "
        f"{_cell(v2['wrk_rps'])} requests/s. The prober's figures include its own threads "
        "and the breaker read after each probe.",
        "",
        "v1 waits for every slow answer; v2 pays the delay only for the calls it let through "
        "before the slow-call rate crossed its threshold, then answers the fallback at once.",
        "",
    ]
