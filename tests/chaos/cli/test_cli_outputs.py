"""Outputs never cost a journal: each way a journal, report or events file can fail to be written
is one sentence, the journal then goes to a fallback the sentence names, and a run whose journal
is written nowhere exits 1. Standard output, devices and FIFOs are written in place."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from testbed.procs import REPO_ROOT
from tests.chaos.cli.helpers import write
from tests.support.cli import run_chaosrun

FALLBACK = re.compile(
    r"Could not write the journal to (?P<path>\S+) \((?P<why>[^)]+)\); "
    r"it was written to (?P<fallback>\S+) instead\."
)


def experiment(tmp_path: Path, code: str = "pass", **extra: Any) -> Path:
    """A run that needs no target: one process action running ``code``."""
    action = {
        "type": "action",
        "name": "act",
        "provider": {"type": "process", "path": sys.executable, "arguments": ["-c", code]},
    }
    raw = {"title": "Outputs", "description": "d", "method": [action], **extra}
    return write(tmp_path / "experiment.json", raw)


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``chaosrun run`` with its own state and temporary directories (the fallbacks)."""
    for name in ("state", "tmp"):
        (tmp_path / name).mkdir(exist_ok=True)
    dirs = {"XDG_STATE_HOME": str(tmp_path / "state"), "TMPDIR": str(tmp_path / "tmp")}
    return run_chaosrun(
        "run", *args, timeout=120, env={**dirs, "COLUMNS": "300", **env}, cwd=tmp_path
    )


def said(done: subprocess.CompletedProcess[str]) -> str:
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out
    return out


def errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in said(done).splitlines() if " ERROR] " in line]


def read_only_dir(tmp_path: Path) -> Path:
    """A directory no file can be created in: a mode 0500 one, or (as root, whom modes do not
    stop) a sysfs directory."""
    if os.geteuid() != 0:
        path = tmp_path / "read-only"
        path.mkdir()
        path.chmod(0o500)
        return path
    for candidate in (Path("/sys/kernel"), Path("/sys")):
        try:
            (candidate / "chaosrun-probe").touch()
        except OSError:
            return candidate
    pytest.skip("no directory here refuses root")


def test_a_full_device_is_written_in_place_and_the_journal_falls_back_to_the_state_dir(
    tmp_path: Path,
) -> None:
    done = run(tmp_path, str(experiment(tmp_path)), "--journal-path", "/dev/full")
    assert done.returncode == 0, said(done)
    (line,) = errors(done)
    found = FALLBACK.search(line)
    assert found, line
    assert (found["path"], found["why"]) == ("/dev/full", "no space left on device")
    fallback = Path(found["fallback"])
    assert fallback.parent == tmp_path / "state" / "chaosrun" / "journals"
    assert json.loads(fallback.read_text())["status"] == "completed"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_dev_null_takes_the_journal_and_stays_a_device(tmp_path: Path) -> None:
    done = run(tmp_path, str(experiment(tmp_path)), "--journal-path", "/dev/null")
    assert done.returncode == 0 and errors(done) == [], said(done)
    assert "Journal written to /dev/null" in done.stdout
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_dash_writes_the_journal_alone_on_standard_output(tmp_path: Path) -> None:
    done = run(tmp_path, str(experiment(tmp_path)), "--journal-path", "-")
    assert done.returncode == 0, said(done)
    assert json.loads(done.stdout)["status"] == "completed"  # nothing else on stdout
    assert "Experiment ended with status: completed" in done.stderr
    assert not (tmp_path / "-").exists()


def test_dev_stdout_redirected_to_a_file_gets_the_journal_after_what_is_there(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.txt"
    out.write_text("before\n")
    for name in ("state", "tmp"):
        (tmp_path / name).mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "XDG_STATE_HOME": str(tmp_path / "state")}
    args = ["run", str(experiment(tmp_path)), "--journal-path", "/dev/stdout"]
    with out.open("a") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "chaos", *args],
            stdout=stdout, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
            timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    before, journal = out.read_text().split("\n", 1)
    assert before == "before"
    assert json.loads(journal)["status"] == "completed"  # the log went to stderr
    assert "Experiment ended with status: completed" in done.stderr


def test_a_fifo_with_a_reader_gets_the_journal_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "journal.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = run(tmp_path, str(experiment(tmp_path)), "--journal-path", str(fifo))
    reader.join(timeout=60)
    assert done.returncode == 0 and errors(done) == [], said(done)
    assert json.loads(received[0])["status"] == "completed"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_directory_where_the_journal_goes_is_one_sentence_and_a_fallback(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "journal.json"
    # The path is free when the run starts (checked then), a directory when it ends.
    made = experiment(tmp_path, f"import os; os.mkdir({str(journal)!r})")
    done = run(tmp_path, str(made), "--journal-path", str(journal))
    assert done.returncode == 0, said(done)
    (line,) = errors(done)
    found = FALLBACK.search(line)
    assert found and found["path"] == str(journal), line
    assert json.loads(Path(found["fallback"]).read_text())["status"] == "completed"
    assert journal.is_dir()


def test_a_read_only_directory_is_refused_before_any_chaos(tmp_path: Path) -> None:
    journal = read_only_dir(tmp_path) / "journal.json"
    marker = tmp_path / "acted"
    made = experiment(tmp_path, f"open({str(marker)!r}, 'w').close()")
    done = run(tmp_path, str(made), "--journal-path", str(journal))
    assert done.returncode == 2, said(done)
    assert f"--journal-path {journal} cannot be written" in done.stderr
    assert not marker.exists()


def test_a_read_only_state_dir_sends_the_journal_to_the_temporary_directory(
    tmp_path: Path,
) -> None:
    read_only = read_only_dir(tmp_path)
    done = run(
        tmp_path,
        str(experiment(tmp_path)),
        "--journal-path",
        "/dev/full",
        XDG_STATE_HOME=str(read_only),
    )
    assert done.returncode == 0, said(done)
    found = FALLBACK.search(errors(done)[0])
    assert found and Path(found["fallback"]).parent == tmp_path / "tmp"


def test_a_journal_written_nowhere_makes_the_run_exit_1(tmp_path: Path) -> None:
    read_only = str(read_only_dir(tmp_path))
    done = run(
        tmp_path,
        str(experiment(tmp_path)),
        "--journal-path",
        "/dev/full",
        XDG_STATE_HOME=read_only,
        TMPDIR=read_only,
    )
    assert done.returncode == 1, said(done)
    (line,) = errors(done)
    assert line.endswith("; it is lost.") and "/dev/full (no space left on device)" in line
    assert "Experiment ended with status: completed" in done.stdout


def test_a_lone_surrogate_in_the_experiment_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "experiment.json"
    raw = json.loads(experiment(tmp_path).read_text())
    path.write_text(json.dumps({**raw, "title": "Outputs \ud800"}))  # JSON: "\ud800"
    assert "\\ud800" in path.read_text()
    journal = tmp_path / "journal.json"
    done = run(tmp_path, str(path), "--journal-path", str(journal))
    assert done.returncode == 2, said(done)
    assert "title: holds a lone surrogate" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not journal.exists()


def test_a_lone_surrogate_an_activity_returns_is_escaped_in_the_journal(tmp_path: Path) -> None:
    # json.loads makes the lone surrogate at run time; the file itself holds none.
    action = {
        "type": "probe",
        "name": "surrogate",
        "provider": {
            "type": "python",
            "module": "json",
            "func": "loads",
            "arguments": {"s": '"\\ud800"'},
        },
    }
    path = write(
        tmp_path / "experiment.json", {"title": "t", "description": "d", "method": [action]}
    )
    journal = tmp_path / "journal.json"
    events = tmp_path / "events.ndjson"
    done = run(
        tmp_path,
        str(path),
        "--journal-path",
        str(journal),
        "--report",
        str(tmp_path / "report.html"),
        "--events-file",
        str(events),
    )
    assert done.returncode == 0 and errors(done) == [], said(done)
    assert '"output": "\\ud800"' in journal.read_text()
    assert json.loads(journal.read_text())["run"][0]["output"] == "\ud800"
    assert (tmp_path / "report.html").is_file() and events.is_file()


def test_reports_and_events_that_cannot_be_written_are_one_sentence_each(
    tmp_path: Path,
) -> None:
    junit = tmp_path / "junit.xml"
    made = experiment(tmp_path, f"import os; os.mkdir({str(junit)!r})")
    journal = tmp_path / "journal.json"
    done = run(
        tmp_path,
        str(made),
        "--journal-path",
        str(journal),
        "--report",
        "/dev/full",
        "--junit",
        str(junit),
        "--events-file",
        "/dev/full",
        "--metrics-file",
        "/dev/full",
    )
    assert done.returncode == 0, said(done)
    lines = errors(done)
    assert len(lines) == 4, lines
    assert any(
        "Could not write the events to /dev/full (no space left on device)" in x for x in lines
    )
    assert any(
        "Could not write the report to /dev/full: no space left on device." in x for x in lines
    )
    assert any(f"Could not write the JUnit report to {junit}: " in x for x in lines)
    assert any("Could not write the metrics to /dev/full: " in x for x in lines)
    assert json.loads(journal.read_text())["status"] == "completed"


def test_a_report_and_events_on_a_dash_go_to_standard_output(tmp_path: Path) -> None:
    journal = tmp_path / "journal.json"
    done = run(
        tmp_path,
        str(experiment(tmp_path)),
        "--journal-path",
        str(journal),
        "--events-file",
        "-",
        "--junit",
        "-",
    )
    assert done.returncode == 0 and errors(done) == [], said(done)
    events, xml = done.stdout.split("<?xml", 1)
    kinds = [json.loads(line)["event"] for line in events.splitlines()]
    assert kinds[0] == "start" and kinds[-1] == "end"
    assert "<testsuites" in xml
    assert json.loads(journal.read_text())["status"] == "completed"


def test_run_help_says_an_experiment_file_is_code() -> None:
    done = run_chaosrun("run", "--help", timeout=60, env={"COLUMNS": "300"})
    assert "An experiment file is code: its python and process providers run with your" in (
        " ".join(done.stdout.split())
    )
