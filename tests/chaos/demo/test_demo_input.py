"""Bad input to ``chaosrun demo``: one sentence, exit 2, nothing started."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.cli import run_chaosrun


def _demo(*args: str) -> subprocess.CompletedProcess[str]:
    return run_chaosrun("demo", *args, timeout=60)


def test_output_dir_that_cannot_be_created_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("the user's data")
    wanted = blocker / "demo"
    result = _demo("--output-dir", str(wanted))
    assert result.returncode == 2
    # One sentence that names the directory the user asked for.
    assert f"cannot write to the output directory {wanted.resolve()} (" in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing started, nothing written: the file in the way is untouched and stands alone.
    assert result.stdout == ""
    assert blocker.read_text() == "the user's data"
    assert list(tmp_path.iterdir()) == [blocker]


@pytest.mark.parametrize("option", [["--pause", "-1"], ["--breaker-wait", "0"], ["--nope"]])
def test_bad_options_exit_2(option: list[str], tmp_path: Path) -> None:
    result = _demo("--output-dir", str(tmp_path / "out"), *option)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
