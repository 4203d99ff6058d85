"""Issue 27: the frontends under a burst of 2,000 concurrent page requests.

The local stack (backend, v1 and v2 as real processes under supervisord, as ``chaosrun local
up`` runs them) is brought up in a private state directory. Each repetition sends one burst
to one frontend from a separate process (``bench/burst.py``: raw sockets on asyncio, one
connection per request, all opened together), then polls that frontend until it serves a
normal page (200 with the backend's message) to measure how soon it is itself again.

Targets: v2 answers every request 200 (message or fallback) with p99 <= 1.5 s; v1 answers
nothing later than its backend budget (``BACKEND_TIMEOUT``) + 0.5 s; both answer normally
within 1 s after the burst.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.common import BENCH, alternate, log
from services.contract import BACKEND_MESSAGE, BULKHEADS_PATH, FALLBACK_MESSAGE, METRICS_PATH

BURST = 2000
BURST_TIMEOUT = 30.0  # the generator gives up on an answer after this (status 0)
V2_P99_S = 1.5
V1_SLACK_S = 0.5
RECOVERY_S = 1.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _recovered_after(url: str, ended: float) -> float:
    """Seconds from the burst's last answer to the first normal page."""
    with httpx.Client(timeout=10.0) as client:
        while True:
            page = client.get(url)
            if page.status_code == 200 and f">{BACKEND_MESSAGE}<" in page.text:
                return time.time() - ended
            time.sleep(0.01)


def _rejected(url: str) -> float:
    """v2's count of calls its bulkhead rejected so far (its own counter on /metrics)."""
    for line in httpx.get(url + METRICS_PATH, timeout=10).text.splitlines():
        if line.startswith("frontend_bulkhead_calls_total") and 'kind="rejected"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def one_burst(url: str, side: str, budget: float) -> dict[str, Any]:
    rejected_before = _rejected(url) if side == "v2" else 0.0
    argv = [sys.executable, str(BENCH / "burst.py"), url + "/", str(BURST), str(BURST_TIMEOUT)]
    if side == "v2":
        argv.append(FALLBACK_MESSAGE)
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=300)
    data = json.loads(out.stdout)
    recovered = _recovered_after(url + "/", data["ended"])
    latencies: list[float] = data["latencies"]
    statuses = Counter(str(s) for s in data["statuses"])
    result = {
        "statuses": dict(sorted(statuses.items())),
        "ok_share": statuses["200"] / BURST,
        "p50_s": _percentile(latencies, 0.50),
        "p99_s": _percentile(latencies, 0.99),
        "max_s": max(latencies),
        "late": sum(latency > budget + V1_SLACK_S for latency in latencies),
        "burst_s": data["seconds"],
        "recovered_after_s": recovered,
    }
    if side == "v2":
        result["fallbacks"] = data["marked"]
        result["bulkhead_rejected"] = _rejected(url) - rejected_before
    return result


def run(reps: int, out_dir: Path) -> dict[str, Any]:
    from chaos.drivers.local.settings import LocalSettings
    from chaos.drivers.local.stack import LocalStack

    state = Path(tempfile.mkdtemp(prefix="local-", dir=out_dir))
    settings = LocalSettings(state_dir=state)
    stack = LocalStack(state, settings)
    log(f"overload: local stack in {state}")
    programs = stack.up().layout.programs
    try:
        bulkhead = httpx.get(programs["front-v2"].url + BULKHEADS_PATH, timeout=10).json()
        runs: dict[str, list[dict[str, Any]]] = {"v1": [], "v2": []}
        for rep, side in alternate(reps, list(runs)):
            stack.wait_ready(list(programs.values()), 30)
            url = programs[f"front-{side}"].url
            result = one_burst(url, side, settings.backend_timeout)
            log(
                f"  {side} #{rep + 1}: {result['statuses']}, p99 {result['p99_s']:.2f} s, max "
                f"{result['max_s']:.2f} s, normal again after {result['recovered_after_s']:.2f} s"
            )
            runs[side].append(result)
        return {
            "reps": reps,
            "burst": BURST,
            "backend_timeout_s": settings.backend_timeout,
            "bulkheads": bulkhead["bulkheads"],
            "runs": runs,
        }
    finally:
        stack.down()
