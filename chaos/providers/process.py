"""The ``process`` provider: run a program; output ``{status, stdout, stderr}``."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.providers.base import Call, NonEmptyText, Problem, ProviderType
from chaos.signalstate import WAIT_SLICE
from chaos.values import has_variables, timeout_problem


@dataclass(frozen=True)
class ProcessSpec:
    path: NonEmptyText
    # One shell-quoted string, or one item per argument.
    arguments: str | list[Any] = ""
    timeout: float | str | None = None


def check(spec: ProcessSpec) -> list[Problem]:
    problems: list[Problem] = []
    if not has_variables(spec.path) and shutil.which(spec.path) is None:
        problems.append(Problem("path", f"executable {spec.path!r} cannot be found"))
    if problem := timeout_problem(spec.timeout):
        problems.append(Problem("timeout", problem))
    return problems


def load(_specs: list[ProcessSpec]) -> None:
    # Validation never starts a process, so it does without these (~4 ms).
    import shlex  # noqa: F401
    import subprocess  # noqa: F401


def run(spec: ProcessSpec, call: Call) -> dict[str, Any]:
    import shlex

    path = shutil.which(spec.path) or spec.path
    args = spec.arguments
    argv = [path, *(shlex.split(args) if isinstance(args, str) else [str(a) for a in args])]
    timeout = float(spec.timeout) if spec.timeout is not None else None
    try:
        status, stdout, stderr = _run(argv, timeout)
    except TimeoutError:
        raise ActivityFailed(f"process {spec.path!r} timed out after {timeout:g}s") from None
    except OSError as exc:
        raise ActivityFailed(f"cannot run process {spec.path!r}: {exc.strerror}") from None
    return {"status": status, "stdout": stdout, "stderr": stderr}


def _run(argv: list[str], timeout: float | None) -> tuple[int, str, str]:
    """The program's exit status and output (``TimeoutError`` past ``timeout``); killed if the
    run is interrupted meanwhile. Waited for in slices (``signalstate.WAIT_SLICE``): two
    Ctrl-C in one long wait would otherwise count as one, the first handled only at its end."""
    import subprocess

    deadline = None if timeout is None else time.monotonic() + timeout
    with subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            while True:
                left = WAIT_SLICE if deadline is None else deadline - time.monotonic()
                try:
                    stdout, stderr = proc.communicate(timeout=max(0.0, min(left, WAIT_SLICE)))
                    return proc.returncode, stdout, stderr
                except subprocess.TimeoutExpired:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise TimeoutError from None
        except BaseException:
            proc.kill()
            proc.communicate()
            raise


PROVIDER = ProviderType(name="process", spec=ProcessSpec, check=check, run=run, load=load)
