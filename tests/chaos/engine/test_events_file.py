"""``--events-file``: one JSON object per line, readable while the run is still going."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chaos.engine.events import EventLog, SecondFeed
from testbed.polling import wait_until
from tests.chaos.cli.helpers import spawn, write
from tests.chaos.engine.http_target import Target
from tests.support.measurements import sample
from tests.support.outage import outage_experiment


def _events(path: Path) -> list[dict[str, Any]]:
    """The complete lines written so far (a line being written is left for the next read)."""
    if not path.exists():
        return []
    text = path.read_text()
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def test_events_are_readable_while_the_run_goes(target: Target, tmp_path: Path) -> None:
    events = tmp_path / "events.ndjson"
    experiment = write(tmp_path / "e.json", outage_experiment(target, down_for=30))
    proc = spawn(
        "run",
        str(experiment),
        "--measure-url",
        target.url,
        "--probe-interval",
        "0.05",
        "--journal-path",
        str(tmp_path / "j.json"),
        "--events-file",
        str(events),
        "--slo",
        "availability>=99%",
        "--abort-if",
        "outage>=6s",
    )
    try:
        # Mid-pause: the target is down, the run goes on, and the file already tells it.
        wait_until(
            lambda: any(e["event"] == "samples" and e["errors"] for e in _events(events)),
            timeout=30,
            what="a second with errors in the events file",
        )
        assert proc.poll() is None, "the run ended before its events were read"
        so_far = _events(events)
        assert so_far[0]["event"] == "start" and so_far[0]["gates"] == ["availability>=99%"]
        started = [(e["phase"], e["name"]) for e in so_far if e["event"] == "activity_start"]
        assert started == [
            ("hypothesis", "target-answers"),
            ("method", "healthy"),
            ("method", "break-target"),
        ]
        assert {"hypothesis", "measurement_start", "activity_end"} <= {e["event"] for e in so_far}
        checks = [(e["phase"], e["met"]) for e in so_far if e["event"] == "hypothesis"]
        assert checks == [("before", True)]
        assert proc.wait(timeout=60) == 1  # the abort rule stops the 30 s outage
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    every = _events(events)
    kinds = [e["event"] for e in every]
    assert kinds[-1] == "end" and every[-1]["status"] == "interrupted"
    assert "abort" in kinds and "gate" in kinds
    assert kinds.index("abort") < kinds.index("gate")
    rollbacks = [e for e in every if e["event"] == "activity_end" and e["phase"] == "rollback"]
    assert [(e["name"], e["status"]) for e in rollbacks] == [("restore-target", "succeeded")]
    seconds = [e["second"] for e in every if e["event"] == "samples"]
    assert seconds == sorted(set(seconds)), "each second once, in order"
    assert all(e["t"] >= 0 and e["time"] for e in every)


def test_seconds_and_breaker_transitions(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "e.ndjson")
    log.open()
    feed = SecondFeed(log)
    samples = [
        sample(0.1, 200, 5.0, "closed"),
        sample(0.6, None, 1.0, "closed"),
        sample(1.2, 200, 7.0, "open"),
        sample(2.5, 200, 3.0, "half_open"),
    ]
    feed.feed(samples[:2], 0.9)  # no whole second yet
    feed.feed(samples[:3], 1.5)
    feed.feed(samples, 3.2)
    feed.feed(samples, 3.2)  # nothing twice
    log.close()
    every = _events(tmp_path / "e.ndjson")
    shown = [(e["event"], e.get("second"), e.get("to_state"), e.get("requests")) for e in every]
    assert shown == [
        ("samples", 0, None, 2),
        ("breaker", None, "open", None),
        ("samples", 1, None, 1),
        ("breaker", None, "half_open", None),
        ("samples", 2, None, 1),
    ]
    assert every[0]["errors"] == {"connect": 1} and every[0]["ok"] == 1
