"""Every run is stored at its end, by real ``chaosrun run`` processes; whatever keeps the
store from being written is one warning, and the run's journal and exit code stay as they
would have been."""

from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chaos.history import RunQuery, open_store
from testbed.polling import wait_until
from testbed.procs import REPO_ROOT, free_port
from tests.support.cli import run_chaosrun, spawn_chaosrun

WARNING = "The run was not added to the history"


def experiment(tmp_path: Path, met: bool = True, gate_file: Path | None = None) -> Path:
    """A run with no target: a hypothesis by ``true`` or ``false``, a method that waits for
    ``gate_file`` when given (so that two runs end at the same moment)."""
    wait = ""
    if gate_file:  # say "ready" (a file per run), then wait for the gate
        ready = f"open({str(gate_file)!r} + '.ready.' + str(os.getppid()), 'w').close()"
        wait = f"{ready}\nwhile not os.path.exists({str(gate_file)!r}): time.sleep(0.01)"
    raw: dict[str, Any] = {
        "title": "Stored at its end",
        "description": "history",
        "steady-state-hypothesis": {
            "title": "holds",
            "probes": [
                {
                    "type": "probe",
                    "name": "check",
                    "tolerance": 0,
                    "provider": {"type": "process", "path": "true" if met else "false"},
                }
            ],
        },
        "method": [
            {
                "type": "action",
                "name": "wait",
                "provider": {
                    "type": "process",
                    "path": sys.executable,
                    "arguments": ["-c", f"import os, time\n{wait}"],
                },
            }
        ],
    }
    path = tmp_path / f"experiment-{met}.json"
    path.write_text(json.dumps(raw))
    return path


def test_a_run_is_stored_under_its_journals_run_id(history_url: str, tmp_path: Path) -> None:
    journal_path = tmp_path / "journal.json"
    result = run_chaosrun(
        "run", str(experiment(tmp_path)), "--journal-path", str(journal_path), timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    journal = json.loads(journal_path.read_text())
    run_id = journal["chaosrun"]["run_id"]
    assert journal["chaosrun"]["score"]["value"] == 100
    assert "Resilience score: 100/100" in result.stdout + result.stderr
    store = open_store(history_url)
    row = store.get(run_id)
    store.close()
    assert row is not None
    assert json.loads(row.journal_text()) == journal
    assert (row.title, row.status, row.score) == ("Stored at its end", "completed", 100)


def test_two_runs_ending_at_once_are_both_stored(history_url: str, tmp_path: Path) -> None:
    gate = tmp_path / "go"
    file = experiment(tmp_path, gate_file=gate)
    runs = [
        spawn_chaosrun("run", str(file), "--journal-path", str(tmp_path / f"j{n}.json"))
        for n in range(2)
    ]
    started = [tmp_path / f"j{n}.json" for n in range(2)]
    # Both are in their method (their first hypothesis is behind them) before either ends.
    wait_until(lambda: len(list(tmp_path.glob("go.ready.*"))) == 2, timeout=60)
    gate.write_text("go")
    for proc in runs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        assert WARNING not in out
    ids = {json.loads(p.read_text())["chaosrun"]["run_id"] for p in started}
    store = open_store(history_url)
    stored = {row.id for row in store.runs(RunQuery(limit=None))}
    store.close()
    assert stored == ids and len(ids) == 2


def _locked(tmp_path: Path) -> tuple[dict[str, str], Any]:
    path = tmp_path / "locked.db"
    open_store(str(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that does not let go
    return {"CHAOSRUN_HISTORY": str(path), "CHAOSRUN_HISTORY_TIMEOUT": "0.2"}, holder


def _newer(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "newer.db"
    open_store(str(path)).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("UPDATE chaosrun_schema SET version = 999")
    db.close()
    return {"CHAOSRUN_HISTORY": str(path)}


def _full_disk() -> None:
    # Files may grow to 8 KiB: the journal fits, the store's first pages do not.
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


FAILURES = ["locked", "postgresql down", "full disk", "bad url", "newer store", "a directory"]


@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("met", [True, False])
def test_a_store_that_fails_costs_the_run_nothing(failure: str, met: bool, tmp_path: Path) -> None:
    file = experiment(tmp_path, met=met)
    expected_code = 0 if met else 1
    holder = None
    env: dict[str, str] = {}
    preexec = None
    if failure == "locked":
        env, holder = _locked(tmp_path)
    elif failure == "postgresql down":
        env = {"CHAOSRUN_HISTORY": f"postgresql://postgres@127.0.0.1:{free_port()}/none"}
    elif failure == "full disk":
        env = {"CHAOSRUN_HISTORY": str(tmp_path / "full.db")}
        preexec = _full_disk
    elif failure == "bad url":
        env = {"CHAOSRUN_HISTORY": "mysql://127.0.0.1/chaos"}
    elif failure == "newer store":
        env = _newer(tmp_path)
    else:
        (tmp_path / "dir.db").mkdir()
        env = {"CHAOSRUN_HISTORY": str(tmp_path / "dir.db")}
    journal_path = tmp_path / "journal.json"
    args = ("run", str(file), "--journal-path", str(journal_path))
    try:
        result = run_chaosrun(*args, env=env, timeout=120, preexec=preexec)
    finally:
        if holder is not None:
            holder.close()
    output = result.stdout + result.stderr
    assert result.returncode == expected_code, output
    assert output.count(WARNING) == 1, output
    assert "Traceback" not in output
    journal = json.loads(journal_path.read_text())
    assert journal["status"] == ("completed" if met else "failed")
    assert journal["chaosrun"]["score"]["value"] == (100 if met else 0)
    warning = next(line for line in output.splitlines() if WARNING in line)
    assert "WARNING" in warning and warning.endswith(".")


PREPARED = """
import sys
from chaos.history import HistoryOptions
from chaos.history.record import prepare_recording

assert "sqlite3" not in sys.modules
started = prepare_recording(HistoryOptions(url=sys.argv[1], enabled=sys.argv[2] == "on"))
if started is not None:
    started.join()
print("sqlite3" in sys.modules, "psycopg" in sys.modules)
"""


@pytest.mark.parametrize(
    ("url", "enabled", "imported"),
    [
        ("{tmp}/history.db", "on", True),
        ("sqlite://{tmp}/history.db", "on", True),
        ("{tmp}/history.db", "off", False),  # --no-history
        ("postgresql://user@127.0.0.1:1/db", "on", False),  # psycopg waits for the end
        ("ftp://nowhere", "on", False),  # said once, at the end
    ],
)
def test_the_sqlite_store_is_imported_while_the_run_goes(
    url: str, enabled: str, imported: bool, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PREPARED, url.format(tmp=tmp_path), enabled],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(imported), "False"]
    assert not list(tmp_path.iterdir())  # nothing opened or made before the run's end
