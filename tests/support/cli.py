"""``python -m chaos`` as a user runs it: a real child process started from the repo root."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from tests.support.procs import REPO_ROOT


def chaosrun_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Our environment with the repo on ``PYTHONPATH``, then ``extra`` on top."""
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(extra or {})}


def run_chaosrun(
    *args: str, timeout: float, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``chaosrun args`` to its end; output captured, the exit code left to the caller."""
    return subprocess.run(
        [sys.executable, "-m", "chaos", *args],
        cwd=REPO_ROOT,
        env=chaosrun_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def spawn_chaosrun(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``chaosrun args`` with stdout and stderr merged into one text pipe."""
    return subprocess.Popen(
        [sys.executable, "-m", "chaos", *args],
        cwd=REPO_ROOT,
        env=chaosrun_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
