"""Running chaosrun in-process (Typer's CliRunner) and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from chaos.cli.main import app
from tests.support.cli import spawn_chaosrun


def chaosrun(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def write(path: Path, raw: dict[str, Any]) -> Path:
    path.write_text(json.dumps(raw))
    return path


def spawn(*args: str) -> subprocess.Popen[str]:
    return spawn_chaosrun(*args, env={"PYTHONUNBUFFERED": "1"})


def read_until(proc: subprocess.Popen[str], marker: str, timeout: float = 60.0) -> str:
    """Read the child's output line by line until ``marker`` shows up."""
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    proc.kill()
    raise AssertionError(f"{marker!r} never appeared in:\n{''.join(seen)}")
