"""``python -m chaos`` as a user runs it: a real child process started from the repo root.

The child is forked warm from ``testbed/zygote.py`` (its heavy libraries imported once
per test process; ``CHAOSRUN_TEST_COLD=1`` starts each one cold), except where a ``preexec``
step must run in it first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from testbed import warm
from testbed.procs import REPO_ROOT


def chaosrun_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Our environment with the repo on ``PYTHONPATH``, then ``extra`` on top."""
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(extra or {})}


def chaosrun_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "chaos", *args]


def run_chaosrun(
    *args: str,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path = REPO_ROOT,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``chaosrun args`` to its end; output captured, the exit code left to the caller.
    ``preexec`` runs in the child before chaosrun (a resource limit, say)."""
    if preexec is not None or not warm.enabled():
        return subprocess.run(
            chaosrun_command(*args),
            cwd=cwd,
            env=chaosrun_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            preexec_fn=preexec,
        )
    command = chaosrun_command(*args)
    with _popen(command, cwd, env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def _popen(
    command: list[str], cwd: Path, env: Mapping[str, str] | None, stdout: int, stderr: int
) -> subprocess.Popen[str]:
    kind = warm.popen_type()
    return kind(command, cwd=cwd, env=chaosrun_env(env), stdout=stdout, stderr=stderr, text=True)


def spawn_chaosrun(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path = REPO_ROOT,
    merge_stderr: bool = True,
) -> subprocess.Popen[str]:
    """Start ``chaosrun args``; stdout and stderr in text pipes, merged into one by default."""
    stderr = subprocess.STDOUT if merge_stderr else subprocess.PIPE
    return _popen(chaosrun_command(*args), cwd, env, stdout=subprocess.PIPE, stderr=stderr)
