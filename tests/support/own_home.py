"""A pytest plugin: the whole session runs with its own ``HOME``, ``XDG_STATE_HOME`` and run
records directory, and fails if the user's real state directory changed meanwhile.

Set in ``os.environ`` when pytest starts, so every subprocess a test starts inherits them too.
Without this, a record left open by a test showed up as a warning in every later ``chaosrun``
run of the user.

Under pytest-xdist the controller keeps the check (its workers start after it moved ``HOME``,
so they could not see the real directory); each worker gets a home of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from chaos.records.store import RECORDS_DIR_ENV
from chaos.statedir import default_state_dir

ISOLATED = ("HOME", "XDG_STATE_HOME", RECORDS_DIR_ENV)
Listing = dict[str, tuple[int, int]]

_real_state: Path | None = None
_before: Listing = {}
_home: Path | None = None
_REPORT = pytest.StashKey[str]()


def listing(directory: Path) -> Listing:
    """Every file and folder under ``directory``: its size and modification time."""
    found: Listing = {}
    if not directory.is_dir():
        return found
    for path in [directory, *directory.rglob("*")]:
        try:
            stat = path.lstat()
        except FileNotFoundError:
            continue
        found[str(path.relative_to(directory))] = (stat.st_size, stat.st_mtime_ns)
    return found


def changes(before: Listing, after: Listing) -> list[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def pytest_configure(config: pytest.Config) -> None:
    global _real_state, _before, _home
    if not hasattr(config, "workerinput"):
        _real_state = default_state_dir()
        _before = listing(_real_state)
    _home = Path(tempfile.mkdtemp(prefix="chaosrun-tests-home-"))
    os.environ["HOME"] = str(_home)
    os.environ["XDG_STATE_HOME"] = str(_home / ".local" / "state")
    os.environ[RECORDS_DIR_ENV] = str(_home / "runs")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _home is not None:
        shutil.rmtree(_home, ignore_errors=True)
    if _real_state is None:
        return
    changed = changes(_before, listing(_real_state))
    if changed:
        shown = ", ".join(changed[:10]) + (" ..." if len(changed) > 10 else "")
        session.config.stash[_REPORT] = (
            f"the tests changed the real state directory {_real_state}: {shown}"
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    report = terminalreporter.config.stash.get(_REPORT, None)
    if report:
        terminalreporter.write_line(f"FAILED (isolation): {report}", red=True)
