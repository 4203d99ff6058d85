"""``chaosrun history``, ``history show``, ``history import``, ``report RUN_ID`` and
``chaosrun compare``, against both stores (``CHAOSRUN_HISTORY`` set by ``history_url``)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbed.procs import REPO_ROOT
from tests.chaos.cli.helpers import chaosrun
from tests.support.journals import made_journal, write_journal

V1 = made_journal(
    "Delete the backend",
    run_id="01V1RUN000000",
    after=False,
    deviated=True,
    status="completed",
    availability=60.0,
    outage=12.0,
    recovery=12.0,
    p99=900.0,
    labels={"version": "v1"},
)
V2 = made_journal(
    "Delete the backend",
    run_id="01V2RUN000000",
    start="2026-01-10T11:00:00+00:00",
    availability=100.0,
    p99=120.0,
    labels={"version": "v2"},
)


def _imported(tmp_path: Path) -> tuple[Path, Path]:
    v1 = write_journal(tmp_path / "v1.json", V1)
    v2 = write_journal(tmp_path / "v2.json", V2)
    result = chaosrun("history", "import", v1, v2)
    assert result.exit_code == 0, result.output
    return v1, v2


def test_import_is_idempotent_and_history_lists_the_runs(history_url: str, tmp_path: Path) -> None:
    v1, _ = _imported(tmp_path)
    again = chaosrun("history", "import", v1)
    assert again.exit_code == 0
    assert "01V1RUN000000 already stored" in again.output
    listed = chaosrun("history", "--format", "json")
    assert listed.exit_code == 0, listed.output
    runs = json.loads(listed.output)
    assert [r["id"] for r in runs] == ["01V2RUN000000", "01V1RUN000000"]
    for key in (
        "id",
        "started",
        "title",
        "target",
        "status",
        "deviated",
        "score",
        "availability",
        "p99",
        "outage",
        "labels",
    ):
        assert key in runs[0]
    assert runs[1]["score"] == 17.6 and runs[1]["deviated"] is True
    assert runs[0]["labels"] == {"version": "v2"}
    table = chaosrun("history", "--label", "version=v1")
    assert "01V1RUN000000" in table.output and "01V2RUN000000" not in table.output
    assert "deviated" in table.output
    rows = list(csv.DictReader(io.StringIO(chaosrun("history", "-f", "csv").output)))
    assert [r["id"] for r in rows] == ["01V2RUN000000", "01V1RUN000000"]
    assert chaosrun("history", "--since", "2026-01-10T10:30:00").output.count("01V") == 1


def test_show_and_report_from_the_store_alone(history_url: str, tmp_path: Path) -> None:
    v1, _ = _imported(tmp_path)
    shown = chaosrun("history", "show", "01V1")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output) == V1
    v1.unlink()  # the store alone makes the report again
    report = chaosrun("report", "01V1RUN000000", "01V2RUN000000", "--format", "json")
    assert report.exit_code == 0, report.output
    verdict = json.loads(report.output)
    assert [r["score"] for r in verdict["runs"]] == [17.6, 100.0]


@pytest.mark.parametrize("args", [("history", "show", "NOPE"), ("report", "NOPE")])
def test_an_unknown_id_is_one_sentence(history_url: str, args: tuple[str, ...]) -> None:
    result = chaosrun(*args)
    assert result.exit_code == 2
    assert "no stored run has the id 'NOPE'" in result.output
    assert "Traceback" not in result.output


def test_compare_exit_codes_on_made_journals(history_url: str, tmp_path: Path) -> None:
    v1, v2 = _imported(tmp_path)
    # v1 after v2: everything got worse; no bound, no failure
    plain = chaosrun("compare", v2, v1)
    assert plain.exit_code == 0, plain.output
    assert "worse" in plain.output
    failing = chaosrun("compare", v2, v1, "--max-regression", "availability=1")
    assert failing.exit_code == 1
    assert "REGRESSION" in failing.output
    assert "Regression beyond its bound: availability." in failing.output
    # v2 after v1 got better everywhere: bounds are not passed
    better = chaosrun("compare", "01V1RUN000000", "01V2", "--max-regression", "score=0")
    assert better.exit_code == 0, better.output
    assert "better" in better.output


def test_relative_and_point_bounds(history_url: str, tmp_path: Path) -> None:
    base = write_journal(tmp_path / "b.json", made_journal(availability=99.9, p99=100.0))
    slower = write_journal(tmp_path / "c.json", made_journal(availability=99.5, p99=125.0))
    assert chaosrun("compare", base, slower, "--max-regression", "p99=30%").exit_code == 0
    assert chaosrun("compare", base, slower, "--max-regression", "p99=20%").exit_code == 1
    assert chaosrun("compare", base, slower, "--max-regression", "p99=25").exit_code == 0
    assert chaosrun("compare", base, slower, "--max-regression", "availability=0.5").exit_code == 0
    # 99.9 -> 99.5 drops availability's tier: 30 -> 22.5 points of 85, 8.8 score points
    assert chaosrun("compare", base, slower, "--max-regression", "score=9").exit_code == 0
    assert chaosrun("compare", base, slower, "--max-regression", "score=8").exit_code == 1


def test_baseline_is_the_newest_run_with_the_label(history_url: str, tmp_path: Path) -> None:
    _, v2 = _imported(tmp_path)
    result = chaosrun("compare", "--baseline", "version=v1", v2, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "Base `01V1RUN000000`" in result.output
    assert "| availability | 60% | 100% | +40% |" in result.output
    data = json.loads(chaosrun("compare", "--baseline", "version=v1", v2, "-f", "json").output)
    assert data["base"]["id"] == "01V1RUN000000" and data["regressed"] is False
    missing = chaosrun("compare", "--baseline", "version=v9", v2)
    assert missing.exit_code == 2
    assert "no stored run carries the label version=v9" in missing.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--max-regression", "speed=1"), "unknown metric 'speed'"),
        (("--max-regression", "p99=fast"), "must be METRIC=N or METRIC=N%"),
        (("--format", "xml"), "--format must be one of"),
    ],
)
def test_compare_refuses_bad_input(
    history_url: str, tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    one = write_journal(tmp_path / "one.json", made_journal(availability=100.0))
    result = chaosrun("compare", one, one, *args)
    assert result.exit_code == 2
    assert said in result.output
    assert "Traceback" not in result.output


WATCH = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('IMPORTED', sorted(m for m in ('psycopg', 'kubernetes')"
    " if m in sys.modules)))\n"
    "sys.argv = ['chaosrun', *sys.argv[1:]]\n"
    "from chaos.cli.entry import main\n"
    "main()\n"
)


@pytest.mark.parametrize("command", [("history",), ("compare", "01V1RUN000000", "01V2")])
def test_the_readers_import_neither_psycopg_nor_kubernetes(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    store = tmp_path / "history.db"
    env = {"CHAOSRUN_HISTORY": str(store), "PYTHONPATH": str(REPO_ROOT)}
    for journal in (V1, V2):
        path = write_journal(tmp_path / "j.json", journal)
        assert chaosrun("history", "import", path, "--history", store).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-c", WATCH, *command],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "IMPORTED []" in done.stdout


def test_a_journal_without_a_run_id_is_stored_once(history_url: str, tmp_path: Path) -> None:
    """A Chaos Toolkit journal has no run id: it gets one from its start and content."""
    ctk = made_journal("From the Chaos Toolkit", start="2026-01-09T08:00:00")  # naive: UTC
    path = write_journal(tmp_path / "ctk.json", ctk)
    first = chaosrun("history", "import", path)
    second = chaosrun("history", "import", path)
    assert first.exit_code == second.exit_code == 0, first.output
    run_id = first.output.split()[0]
    assert f"{run_id} imported" in first.output
    assert f"{run_id} already stored" in second.output
    (row,) = json.loads(chaosrun("history", "-f", "json").output)
    assert row["id"] == run_id and row["started"] == "2026-01-09T08:00:00.000+00:00"
