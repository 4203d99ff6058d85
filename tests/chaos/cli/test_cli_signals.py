"""Ctrl-C and SIGTERM on a real chaosrun process: interrupted, rollbacks, journal, exit 1."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.chaos.cli.helpers import read_until, spawn, write
from tests.chaos.engine.http_target import Target


def experiment(target: Target, marker: Path, pause_before: float = 0) -> dict[str, Any]:
    touch = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('rolled back')"
    action: dict[str, Any] = {
        "type": "action",
        "name": "break-frontend",
        "provider": {"type": "http", "method": "POST", "url": f"{target.url}set?status=503"},
        "pauses": {"after": 60},
    }
    if pause_before:
        action["pauses"]["before"] = pause_before
    return {
        "title": "Interrupt me",
        "description": "d",
        "steady-state-hypothesis": {
            "title": "Frontend answers",
            "probes": [
                {
                    "type": "probe",
                    "name": "up",
                    "tolerance": 200,
                    "provider": {"type": "http", "url": target.url},
                }
            ],
        },
        "method": [action],
        "rollbacks": [
            {
                "type": "action",
                "name": "fix-frontend",
                "provider": {
                    "type": "http",
                    "method": "POST",
                    "url": f"{target.url}set?status=200",
                },
            },
            {
                "type": "action",
                "name": "leave-a-mark",
                "provider": {"type": "process", "path": sys.executable, "arguments": ["-c", touch]},
            },
        ],
    }


@pytest.mark.parametrize(
    ("sig", "marker_line"),
    [
        (signal.SIGINT, "Pausing after activity for 60s..."),
        (signal.SIGTERM, "Pausing after activity for 60s..."),
        (signal.SIGINT, "Pausing before next activity for 60s..."),
    ],
)
def test_signal_mid_pause(
    target: Target, tmp_path: Path, sig: signal.Signals, marker_line: str
) -> None:
    marker = tmp_path / "rolled-back"
    before = 60 if "before" in marker_line else 0
    path = write(tmp_path / "e.json", experiment(target, marker, pause_before=before))
    journal = tmp_path / "journal.json"
    proc = spawn("run", str(path), "--journal-path", str(journal))
    try:
        read_until(proc, marker_line)
        proc.send_signal(sig)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, output
    assert "Traceback" not in output
    assert f"Received a termination signal ({sig.name})" in output
    assert "Let's rollback..." in output
    assert "Experiment ended with status: interrupted" in output
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    assert [r["status"] for r in data["rollbacks"]] == ["succeeded", "succeeded"]
    assert marker.read_text() == "rolled back"
    assert target.status == 200
    if before:
        # Interrupted before the action ran: the method had started, rollbacks still play.
        assert "POST /set" in target.hits and target.hits.count("POST /set") == 1
    else:
        assert data["run"][0]["activity"]["name"] == "break-frontend"
