"""``chaos.files``: the journal and the local stack's state are never half-written; outputs that
are no regular file are written in place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from testbed.procs import REPO_ROOT
from tests.support.cli import chaosrun_env
from tests.support.file_limit import write_past_the_limit


def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "stack.json"
    target.write_text('{"old": true}\n')
    write_past_the_limit(
        'from chaos.files import write_atomic; write_atomic(target, "x" * 100_000)', target
    )
    assert target.read_text() == '{"old": true}\n'
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_a_write_replaces_the_file_and_creates_its_directory(tmp_path: Path) -> None:
    from chaos.files import write_atomic

    target = tmp_path / "state" / "stack.json"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert list(target.parent.iterdir()) == [target]


# -- outputs that are no regular file, and text UTF-8 cannot hold ---------------------------


def test_a_fifo_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    import os
    import stat
    import threading

    from chaos.files import check_writable, write_atomic

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    assert check_writable(fifo) is None
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(timeout=30)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.fifo"]


def test_a_lone_surrogate_is_written_as_its_json_escape(tmp_path: Path) -> None:
    import json

    from chaos.files import write_output

    target = tmp_path / "journal.json"
    write_output(target, json.dumps({"title": "a \ud800 b"}, ensure_ascii=False))
    assert target.read_text() == '{"title": "a \\ud800 b"}'
    assert json.loads(target.read_text())["title"] == "a \ud800 b"


def test_a_dash_is_standard_output() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from pathlib import Path; from chaos.files import write_output; "
         "write_output(Path('-'), 'on stdout \\ud800')"],
        cwd=REPO_ROOT,
        env=chaosrun_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"on stdout \\ud800"


def test_check_writable_names_what_is_wrong(tmp_path: Path) -> None:
    from chaos.files import check_writable

    assert check_writable(Path("-")) is None
    assert check_writable(Path("/dev/null")) is None
    assert check_writable(tmp_path) == "it is a directory"
    assert check_writable(Path("/proc/no-such-dir/journal.json")) == "no such file or directory"
    assert check_writable(tmp_path / "new" / "journal.json") is None
    assert [p.name for p in tmp_path.iterdir()] == ["new"]  # nothing else left behind
