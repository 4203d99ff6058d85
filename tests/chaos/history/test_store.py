"""The store, against SQLite and a real PostgreSQL server: rows in and out, filters, the
versioned schema, and concurrent writers (real processes)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from chaos.history import RunQuery, open_store, row_of
from chaos.history.schema import SCHEMA_VERSION, StoreTooNew, migrate
from chaos.history.sql import INSERT
from chaos.history.sqlite import WAL_BOUND
from testbed.polling import wait_until
from testbed.procs import REPO_ROOT
from tests.support.journals import made_journal


def _rows(count: int, **labels: str) -> list[Any]:
    return [
        row_of(
            made_journal(
                f"run {n}",
                run_id=f"0000000{n:02d}AAAA",
                start=f"2026-01-{n + 1:02d}T10:00:00+00:00",
                availability=99.0 + n / 10,
            ),
            labels,
        )
        for n in range(count)
    ]


def test_a_run_goes_in_once_and_comes_back_whole(history_url: str) -> None:
    store = open_store(history_url)
    journal = made_journal(run_id="01ABCDEFGH123", availability=99.5, p99=120.0)
    row = row_of(journal, {"version": "v2"})
    assert store.add(row) is True
    assert store.add(row) is False  # by run id: once
    back = store.get("01ABCDEFGH123")
    assert back is not None
    assert json.loads(back.journal_text()) == journal
    assert back.labels == {"version": "v2"}
    assert (back.availability, back.p99, back.status, back.deviated) == (
        99.5,
        120.0,
        "completed",
        False,
    )
    assert store.get("01abcd") is not None  # a unique beginning, any case
    assert store.get("02") is None
    store.close()


def test_runs_are_listed_newest_first_and_filtered(history_url: str) -> None:
    store = open_store(history_url)
    for row in _rows(3, team="a"):
        store.add(row)
    other = row_of(made_journal("Other", start="2026-02-01T00:00:00+00:00"), {"team": "b"})
    store.add(other)
    assert [r.title for r in store.runs(RunQuery())] == ["Other", "run 2", "run 1", "run 0"]
    assert [r.title for r in store.runs(RunQuery(limit=2))] == ["Other", "run 2"]
    assert [r.title for r in store.runs(RunQuery(labels=(("team", "b"),)))] == ["Other"]
    assert store.runs(RunQuery(labels=(("team", "a"), ("x", "y")))) == []
    assert [r.title for r in store.runs(RunQuery(title="RUN 1"))] == ["run 1"]
    since = RunQuery(since="2026-01-02T00:00:00.000+00:00")
    assert [r.title for r in store.runs(since)] == ["Other", "run 2", "run 1"]
    assert all(r.journal is None for r in store.runs(RunQuery()))
    store.close()


@contextmanager
def _raw(url: str) -> Iterator[Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """The database under a store, without chaosrun's store around it."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:

            def run(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
                cursor = db.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
                return cursor.fetchall() if cursor.description else []

            yield run
    else:
        db = sqlite3.connect(url, isolation_level=None)
        yield lambda sql, params=(): db.execute(sql, params).fetchall()
        db.close()


def test_a_store_of_the_first_schema_is_migrated(history_url: str) -> None:
    blob = "BYTEA" if history_url.startswith("postgresql") else "BLOB"
    row = row_of(made_journal(run_id="01OLDRUN00000", availability=99.0), {"version": "v1"})
    with _raw(history_url) as run:
        assert migrate(run, "old", upto=1, blob=blob) == 0
        run(INSERT, (*row.values(), json.dumps(row.labels), row.journal))
        assert run("SELECT version FROM chaosrun_schema", ()) == [(1,)]
    store = open_store(history_url)
    assert [r.id for r in store.runs(RunQuery(labels=(("version", "v1"),)))] == ["01OLDRUN00000"]
    store.close()
    with _raw(history_url) as run:
        assert run("SELECT version FROM chaosrun_schema", ()) == [(SCHEMA_VERSION,)]


def test_a_store_newer_than_chaosrun_is_refused(history_url: str) -> None:
    open_store(history_url).close()
    with _raw(history_url) as run:
        run("UPDATE chaosrun_schema SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreTooNew, match=r"newer than this chaosrun knows \(\d+\); upgrade"):
        open_store(history_url)


WRITER = textwrap.dedent(
    """
    import sys
    from chaos.history import open_store, row_of
    from tests.support.journals import made_journal

    url, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for n in range(count):
        store = open_store(url)  # as a run does at its end: open, add, close
        store.add(row_of(made_journal(f"{who}-{n}", run_id=f"{who}X{n:04d}")))
        store.close()
    """
)


def test_twenty_concurrent_writers_lose_no_row(history_url: str) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, history_url, f"W{w:02d}", "5"],
            cwd=REPO_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(20)
    ]
    for proc in writers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    store = open_store(history_url)
    assert len(store.runs(RunQuery(limit=None))) == 100
    store.close()


# Says it is ready (argv[3]), waits for the go file (argv[2]), then opens the store named in
# argv[1] and closes it.
OPEN_AT_ONCE = textwrap.dedent(
    """
    import os, sys, time
    from chaos.history import open_store
    import chaos.history.sqlite

    open(sys.argv[3], "w").close()
    while not os.path.exists(sys.argv[2]):
        time.sleep(0.001)
    open_store(sys.argv[1]).close()
    """
)


def test_processes_opening_a_new_store_at_once_all_open_it(tmp_path: Path) -> None:
    """The first openers of a new SQLite file each switch it to WAL, which takes a lock SQLite
    refuses at once, busy timeout or not, to all but one of them."""
    for attempt in range(8):
        path, go = tmp_path / f"new-{attempt}.db", tmp_path / f"go-{attempt}"
        ready = [tmp_path / f"ready-{attempt}-{n}" for n in range(4)]
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT_ONCE, str(path), str(go), str(flag)],
                cwd=REPO_ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )
            for flag in ready
        ]
        wait_until(lambda: all(flag.exists() for flag in ready), 60, "the openers")  # noqa: B023
        go.touch()
        for proc in openers:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err


KILLED_AFTER_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    from chaos.history import open_store, row_of
    from tests.support.journals import made_journal

    store = open_store(sys.argv[1])
    store.add(row_of(made_journal("killed", run_id="01KILLED00000")))
    os.kill(os.getpid(), signal.SIGKILL)  # before the store is closed
    """
)


def test_a_committed_run_survives_its_runner_killed(history_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, history_url],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    store = open_store(history_url)
    assert store.get("01KILLED00000") is not None
    store.close()


def test_sqlite_leaves_the_wal_at_a_close_and_empties_it_past_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    wal = tmp_path / "history.db-wal"
    sizes = []
    for n in range(40):
        store = open_store(str(path))  # as a run does at its end: open, add, close
        store.add(row_of(made_journal(run_id=f"01WAL{n:08d}", availability=99.0)))
        store.close()
        sizes.append(wal.stat().st_size)
        if sizes[-1] < sizes[0]:
            break
    assert sizes[0] > 0  # the first close kept the WAL: no checkpoint at a run's end
    assert max(sizes) <= WAL_BOUND  # never left past its bound
    assert sizes[-1] == 0, sizes  # the close that found it past the bound emptied it
    store = open_store(str(path))
    assert len(store.runs(RunQuery(limit=None))) == len(sizes)
    store.close()
