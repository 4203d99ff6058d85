"""The ``process`` provider: run a program; output ``{status, stdout, stderr}``."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.providers.base import Call, NonEmptyText, Problem, ProviderType
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
    import subprocess

    path = shutil.which(spec.path) or spec.path
    args = spec.arguments
    argv = [path, *(shlex.split(args) if isinstance(args, str) else [str(a) for a in args])]
    timeout = float(spec.timeout) if spec.timeout is not None else None
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise ActivityFailed(f"process {spec.path!r} timed out after {timeout:g}s") from None
    except OSError as exc:
        raise ActivityFailed(f"cannot run process {spec.path!r}: {exc.strerror}") from None
    return {"status": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


PROVIDER = ProviderType(name="process", spec=ProcessSpec, check=check, run=run, load=load)
