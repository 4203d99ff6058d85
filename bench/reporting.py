"""``chaosrun report`` on 10 journals, each format, as a user runs it (a new process each
time, Python's start included). The journals are written here: chaosrun's layout with a live
measurement of 600 probes (a minute at 100 ms, an outage in the middle, a breaker opening),
SLO gates, hypothesis checks and a rollback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.common import Summary, log, timed
from chaos.engine.journal import new_journal
from chaos.measure import Measurement, Sample
from chaos.measure.gates import judge, parse_gates

JOURNALS = 10
PROBES = 600
FORMATS = ("html", "markdown", "junit", "json")


def _measurement(seed: int) -> Measurement:
    samples = []
    for i in range(PROBES):
        down = 200 + seed * 5 <= i < 260 + seed * 5
        samples.append(
            Sample(
                t=i / 10,
                status=502 if down else 200,
                latency_ms=3.0 + (i * 7 + seed) % 11,
                error="http_502" if down else None,
                breaker="open" if down else "closed",
            )
        )
    return Measurement.build(
        url="http://127.0.0.1:8080/",
        breaker_url="http://127.0.0.1:8080/breaker",
        interval=0.1,
        timeout=1.0,
        started_at=None,
        duration=PROBES / 10,
        samples=samples,
    )


def _probe(name: str, status: int) -> dict[str, Any]:
    return {
        "activity": {"type": "probe", "name": name, "tolerance": 200},
        "output": {"status": status},
        "status": "succeeded",
        "duration": 0.01,
        "tolerance_met": status == 200,
    }


def write_journals(directory: Path) -> list[Path]:
    gates = parse_gates(["availability>=99%", "p99<=250ms", "outage<=2s"])
    paths = []
    for n in range(JOURNALS):
        m = _measurement(n)
        journal: dict[str, Any] = dict(new_journal({"title": f"Run {n}", "method": []}))
        results = judge(gates, m.summary)
        journal.update(
            status="failed",
            deviated=True,
            duration=PROBES / 10,
            measurements=m.to_journal(),
            slo=[r.to_journal() for r in results],
            steady_states={
                "before": {"steady_state_met": True, "probes": [_probe("front", 200)]},
                "after": {"steady_state_met": True, "probes": [_probe("front", 200)]},
                "during": [],
            },
            rollbacks=[{"activity": {"name": "restore"}, "status": "succeeded", "duration": 0.2}],
        )
        path = directory / f"journal-{n}.json"
        path.write_text(json.dumps(journal))
        paths.append(path)
    return paths


def run(reps: int, out_dir: Path) -> dict[str, Any]:
    work = out_dir / "report-journals"
    work.mkdir(parents=True, exist_ok=True)
    journals = write_journals(work)
    size = sum(p.stat().st_size for p in journals)
    formats: dict[str, Any] = {}
    for fmt in FORMATS:
        log(f"chaosrun report, {JOURNALS} journals, {fmt}")
        argv = [sys.executable, "-m", "chaos", "report", *map(str, journals), "--format", fmt]
        times = [timed([*argv, "-o", str(work / f"out.{fmt}")]) for _ in range(reps)]
        formats[fmt] = Summary.of(times).as_dict()
    return {
        "journals": JOURNALS,
        "probes": PROBES,
        "bytes": size,
        "formats": formats,
        "html_bytes": (work / "out.html").stat().st_size,
    }
