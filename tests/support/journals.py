"""Journals made by hand for the history's tests: only the keys the score and the store
read, with figures chosen so that every expected number can be worked out on paper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def made_journal(
    title: str = "Frontend keeps answering",
    *,
    run_id: str | None = None,
    start: str = "2026-01-10T10:00:00+00:00",
    status: str = "completed",
    deviated: bool = False,
    before: bool | None = True,
    after: bool | None = True,
    availability: float | None = None,
    outage: float = 0.0,
    ongoing: bool = False,
    recovery: float | None = None,
    p99: float | None = None,
    gates: tuple[tuple[str, bool], ...] = (),
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    def state(met: bool | None) -> dict[str, Any] | None:
        return None if met is None else {"steady_state_met": met, "probes": []}

    journal: dict[str, Any] = {
        "experiment": {"title": title, "method": []},
        "start": start,
        "end": start.replace("10:00:00", "10:00:30"),
        "status": status,
        "deviated": deviated,
        "steady_states": {"before": state(before), "after": state(after), "during": []},
        "run": [],
        "rollbacks": [],
    }
    if availability is not None:
        outages = [{"start": 1.0, "end": 1.0 + outage, "ongoing": ongoing}] if outage else []
        journal["measurements"] = {
            "url": "http://127.0.0.1:8080/",
            "summary": {
                "availability": availability,
                "longest_outage": outage,
                "outages": outages,
                "time_to_recover": recovery,
                "latency_p50_ms": 10.0,
                "latency_p95_ms": 20.0,
                "latency_p99_ms": p99,
            },
        }
    if gates:
        journal["slo"] = [{"gate": text, "passed": passed} for text, passed in gates]
    own: dict[str, Any] = {}
    if run_id:
        own["run_id"] = run_id
    if labels:
        own["labels"] = labels
    if own:
        journal["chaosrun"] = own
    return journal


def write_journal(path: Path, journal: dict[str, Any]) -> Path:
    path.write_text(json.dumps(journal, indent=2))
    return path
