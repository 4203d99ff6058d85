"""A write cut short: code run in a child process whose files may not grow past 4 KiB (in the
test process itself the limit would apply to everything else too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from testbed.procs import REPO_ROOT
from tests.support.cli import chaosrun_env

LIMIT = 4096
_PRELUDE = (
    "import resource, signal, sys\n"
    "from pathlib import Path\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    f"resource.setrlimit(resource.RLIMIT_FSIZE, ({LIMIT}, {LIMIT}))\n"
    "target = Path(sys.argv[1])\n"
)


def write_past_the_limit(code: str, target: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (which writes more than ``LIMIT`` bytes to ``target``) under the limit."""
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + code, str(target)],
        cwd=REPO_ROOT,
        env=chaosrun_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "File too large" in done.stderr, done.stderr
    return done
