"""Bad input to ``chaosrun demo``: one sentence, exit 2, nothing started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.procs import REPO_ROOT


def _demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chaos", "demo", *args],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_output_dir_that_cannot_be_created_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = _demo("--output-dir", str(blocker / "demo"))
    assert result.returncode == 2
    assert "cannot write to the output directory" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (blocker.parent / "demo").exists()


@pytest.mark.parametrize("option", [["--pause", "-1"], ["--breaker-wait", "0"], ["--nope"]])
def test_bad_options_exit_2(option: list[str], tmp_path: Path) -> None:
    result = _demo("--output-dir", str(tmp_path / "out"), *option)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
