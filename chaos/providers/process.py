"""The ``process`` provider: run a program; output ``{status, stdout, stderr}``."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.experiment.model import ProcessProvider


def run_process(provider: ProcessProvider) -> dict[str, Any]:
    path = shutil.which(provider.path) or provider.path
    args = provider.arguments
    argv = [path, *(shlex.split(args) if isinstance(args, str) else [str(a) for a in args])]
    timeout = float(provider.timeout) if provider.timeout is not None else None
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise ActivityFailed(f"process {provider.path!r} timed out after {timeout:g}s") from None
    except OSError as exc:
        raise ActivityFailed(f"cannot run process {provider.path!r}: {exc.strerror}") from None
    return {"status": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
