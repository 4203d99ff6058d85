"""Item 7: the live measurement at a fine interval (``--probe-interval 0.01``).

chaosrun's ``Prober`` runs in a process of its own (``python bench/prober_bench.py --child
URL INTERVAL SECONDS OUTAGE``) against ``bench/outage_server.py`` (another process), for a few
seconds with one controlled outage of known length in the middle. The child reports:

* the achieved interval between consecutive probes (the samples' send times), median and p99,
  and the ticks it had to skip;
* its CPU time between ``start()`` and ``stop()`` over that wall time (share of one core);
* the longest outage the measurement found, against the outage's true length.
"""

from __future__ import annotations

import itertools
import json
import resource
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import BENCH, BIN, ROOT, Summary, free_port, log

INTERVAL = 0.01
SECONDS = 4.0
OUTAGE = 0.5


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def schedule_figures(sends: list[float]) -> dict[str, float]:
    """The achieved interval between consecutive probes (their send times): median and p99."""
    gaps = sorted(b - a for a, b in itertools.pairwise(sorted(sends)))
    return {
        "interval_median_s": gaps[len(gaps) // 2],
        "interval_p99_s": gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))],
    }


@contextmanager
def outage_target() -> Iterator[str]:
    """``bench/outage_server.py`` in its own process while the block lasts; its URL."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "python"), str(BENCH / "outage_server.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "ready"
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.kill()
        server.wait()


def child(url: str, interval: float, seconds: float, outage: float) -> dict[str, Any]:
    from chaos.measure import Prober

    prober = Prober(url, interval=interval)
    cpu0, t0 = _cpu(), time.monotonic()
    prober.start()
    time.sleep(seconds / 2 - outage / 2)
    base = url.rstrip("/")
    urllib.request.urlopen(f"{base}/outage?seconds={outage}", timeout=5).read()
    time.sleep(seconds / 2 + outage / 2)
    measurement = prober.stop()
    wall, cpu = time.monotonic() - t0, _cpu() - cpu0
    sends = [sample.t for sample in measurement.samples]
    summary = measurement.summary
    return {
        "interval_s": interval,
        "seconds": wall,
        "samples": len(sends),
        "missed_ticks": measurement.summary.missed_ticks,
        **schedule_figures(sends),
        "cpu_share": cpu / wall,
        "outage_true_s": outage,
        "outage_measured_s": summary.longest_outage,
        "outages": len(summary.outages),
    }


def run(reps: int, out_dir: Path) -> dict[str, Any]:
    runs = []
    with outage_target() as url:
        for rep in range(reps):
            done = subprocess.run(
                [
                    *(str(BIN / "python"), str(BENCH / "prober_bench.py"), "--child", url),
                    *(str(INTERVAL), str(SECONDS), str(OUTAGE)),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(done.stdout)
            runs.append(row)
            log(
                f"prober rep {rep + 1}: interval median {row['interval_median_s'] * 1e3:.2f} ms, "
                f"p99 {row['interval_p99_s'] * 1e3:.2f} ms, CPU {row['cpu_share']:.1%}, outage "
                f"{row['outage_measured_s'] * 1e3:.0f} ms of {OUTAGE * 1e3:.0f} ms"
            )
    keys = ("interval_median_s", "interval_p99_s", "cpu_share", "outage_measured_s")
    return {
        "interval_s": INTERVAL,
        "seconds": SECONDS,
        "outage_s": OUTAGE,
        "reps": reps,
        "runs": runs,
        **{key: Summary.of([r[key] for r in runs]).as_dict() for key in keys},
        "outage_error_s": Summary.of(
            [abs(r["outage_measured_s"] - OUTAGE) for r in runs]
        ).as_dict(),
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        url, interval, seconds, outage = sys.argv[2], *map(float, sys.argv[3:6])
        print(json.dumps(child(url, interval, seconds, outage)))
    else:
        print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3, BENCH / "out")))
