"""The suite never touches the user's home: its own HOME, XDG_STATE_HOME and records directory
for the whole session (``tests/support/own_home.py``), and a failed session if the real state
directory changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbed.procs import REPO_ROOT
from tests.support.cli import chaosrun_env

STRAY = """
import os
from pathlib import Path

def test_leaves_a_record_behind():
    stray = Path(os.environ["STRAY_INTO"])
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("{}")
"""

CLEAN = """
import os
from pathlib import Path

def test_writes_only_where_it_is_told():
    from chaos.statedir import default_state_dir
    (default_state_dir() / "runs").mkdir(parents=True)
    (default_state_dir() / "runs" / "r.json").write_text("{}")
"""


def test_the_session_has_its_own_home_and_state_directory() -> None:
    home = Path(os.environ["HOME"])
    assert home.name.startswith("chaosrun-tests-home-")
    assert Path(os.environ["XDG_STATE_HOME"]).is_relative_to(home)
    seen = subprocess.run(
        [sys.executable, "-c", "from chaos.statedir import default_state_dir as d; print(d())"],
        env=chaosrun_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(seen.stdout.strip()).is_relative_to(home)


# The check holds in one process and under pytest-xdist (scripts/test runs the suite so).
SESSIONS = pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])


def _nested_session(
    tmp_path: Path, test: str, workers: list[str]
) -> subprocess.CompletedProcess[str]:
    """A pytest session with the plugin, whose "real" home is a folder of ours."""
    real_home = tmp_path / "real-home"
    (real_home / ".local" / "state" / "chaosrun").mkdir(parents=True)
    (tmp_path / "test_nested.py").write_text(test)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = chaosrun_env(
        {
            "HOME": str(real_home),
            "STRAY_INTO": str(real_home / ".local" / "state" / "chaosrun" / "runs" / "x.json"),
        }
    )
    for name in ("XDG_STATE_HOME", "CHAOSRUN_RECORDS_DIR"):
        env.pop(name, None)
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "tests.support.own_home"),
            *("-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini")),
            *("--rootdir", str(tmp_path), *workers, str(tmp_path)),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@SESSIONS
def test_a_session_that_leaves_something_in_the_real_state_directory_fails(
    tmp_path: Path, workers: list[str]
) -> None:
    result = _nested_session(tmp_path, STRAY, workers)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "FAILED (isolation): the tests changed the real state directory" in result.stdout
    assert "runs/x.json" in result.stdout


@SESSIONS
def test_a_session_that_writes_only_its_own_state_passes(
    tmp_path: Path, workers: list[str]
) -> None:
    result = _nested_session(tmp_path, CLEAN, workers)

    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "real-home" / ".local" / "state" / "chaosrun" / "runs").exists()
