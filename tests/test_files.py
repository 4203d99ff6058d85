"""``chaos.files.write_atomic``: the journal and the local stack's state are never half-written."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from testbed.procs import REPO_ROOT
from tests.support.cli import chaosrun_env

# Run in a child: the file-size limit would otherwise apply to the test process too.
WRITE_OVER_THE_LIMIT = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from chaos.files import write_atomic

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    write_atomic(Path(sys.argv[1]), "x" * 100_000)
    """
)


def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "stack.json"
    target.write_text('{"old": true}\n')
    done = subprocess.run(
        [sys.executable, "-c", WRITE_OVER_THE_LIMIT, str(target)],
        cwd=REPO_ROOT,
        env=chaosrun_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "File too large" in done.stderr, done.stderr
    assert target.read_text() == '{"old": true}\n'
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_a_write_replaces_the_file_and_creates_its_directory(tmp_path: Path) -> None:
    from chaos.files import write_atomic

    target = tmp_path / "state" / "stack.json"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert list(target.parent.iterdir()) == [target]
