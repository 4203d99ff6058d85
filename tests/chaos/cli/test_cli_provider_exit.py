"""A python provider that calls ``sys.exit`` or raises ``KeyboardInterrupt``, on a real
chaosrun process: the run ends ``interrupted``, the rollbacks play, the journal is written
(chaostoolkit-lib's ``except (KeyboardInterrupt, SystemExit)``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.chaos.cli.helpers import write
from tests.support.cli import run_chaosrun

FUNCTIONS = "tests.chaos.engine.sample_functions"


def experiment(func: str, marker: Path) -> dict[str, Any]:
    touch = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('rolled back')"
    return {
        "title": "A provider that exits",
        "description": "d",
        "method": [
            {
                "type": "action",
                "name": "leave",
                "provider": {"type": "python", "module": FUNCTIONS, "func": func},
            },
            {
                "type": "action",
                "name": "never-reached",
                "provider": {"type": "process", "path": sys.executable, "arguments": ["-V"]},
            },
        ],
        "rollbacks": [
            {
                "type": "action",
                "name": "leave-a-mark",
                "provider": {"type": "process", "path": sys.executable, "arguments": ["-c", touch]},
            }
        ],
    }


@pytest.mark.parametrize(
    ("func", "said", "reason"),
    [
        ("exit_now", "Received the exit signal: 3", "exit signal 3"),
        ("press_ctrl_c", "Received a termination signal (SIGINT)", "received SIGINT"),
    ],
)
def test_provider_exit_interrupts_the_run(
    tmp_path: Path, func: str, said: str, reason: str
) -> None:
    marker = tmp_path / "rolled-back"
    path = write(tmp_path / "e.json", experiment(func, marker))
    journal = tmp_path / "journal.json"
    done = run_chaosrun("run", str(path), "--journal-path", str(journal), timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    assert said in output
    assert "Experiment ended with status: interrupted" in output
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    assert data["interruption"]["reason"] == reason
    assert [r["activity"]["name"] for r in data["run"]] == ["leave"]
    assert data["run"][0]["status"] == "failed"
    assert [r["status"] for r in data["rollbacks"]] == ["succeeded"]
    assert marker.read_text() == "rolled back"
