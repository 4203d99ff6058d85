"""The default store: one SQLite file (WAL, so readers never wait for a writer; a busy
timeout, so runs ending at once take turns).

Durability: ``synchronous = NORMAL``, WAL's own. A commit is written to the WAL, not
fsynced: a runner that crashes or is killed right after its commit loses nothing (the
kernel holds what was written, and the next opener replays the WAL); a power cut or a kernel
crash may lose the runs committed since the last checkpoint, never the database itself (the
WAL's frames are checksummed, a checkpoint fsyncs the WAL before copying it). That is the
trade: every run's journal is already fsynced where it was written, and ``chaosrun history
import`` adds it again, so the store need not pay an fsync (milliseconds on a busy disk) at
every run's end.

No checkpoint at every run's end: SQLite checkpoints the WAL, with two fsyncs, when the
last connection to a database closes, and deletes it, so that the next run starts a new WAL
(one more fsync). A store closes its writer while a read-only connection to the same file is
still open, and then that one: a read-only connection cannot write the database, so it
leaves the WAL as it is. (``SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`` says the same, but reaches
Python only from 3.12; the reader works on every Python the project supports.) SQLite's
automatic checkpoint cannot keep such a WAL short: each process that opens the store reads
the whole WAL again and counts none of it as checkpointed, so a WAL left to grow makes every
later run slower. The store truncates it instead, at the close that finds it past
``WAL_BOUND``: that run pays the checkpoint, the next ones read a short WAL. The WAL and its
index (``-wal``, ``-shm``) stay beside the file: a copy of the store is the three files, or
``sqlite3 FILE .backup``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chaos.history.schema import Execute, StoreError
from chaos.history.sql import SqlStore

TIMEOUT_ENV = "CHAOSRUN_HISTORY_TIMEOUT"
BUSY_TIMEOUT = 10.0  # seconds a writer waits for another before giving up
# A run adds about 40 kB to the WAL, and every opening reads all of it again (0.6 ms a MB).
WAL_BOUND = 1 << 18


OPEN_RETRY = 0.02  # seconds between two tries at opening a file another process is closing


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def busy_timeout() -> float:
    """``$CHAOSRUN_HISTORY_TIMEOUT`` seconds, else ``BUSY_TIMEOUT``."""
    try:
        return max(0.0, float(os.environ.get(TIMEOUT_ENV) or BUSY_TIMEOUT))
    except ValueError:
        return BUSY_TIMEOUT


class SqliteStore(SqlStore):
    def __init__(self, path: Path, timeout: float | None = None, create: bool = True) -> None:
        """``create`` False: a missing file reads as an empty store and is not made."""
        self.where = str(path)
        self._file: Path | None = path if create or path.exists() else None
        wait = busy_timeout() if timeout is None else timeout
        deadline = time.monotonic() + wait
        while True:
            try:
                if create:
                    path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._open(wait)
                break
            except sqlite3.OperationalError as exc:
                # Opening a WAL file while the last connection of another process closes it
                # is refused at once ("locked"), SQLite's busy timeout not applying there.
                if not _busy(exc) or time.monotonic() > deadline:
                    raise StoreError(f"cannot open the history store {path}: {exc}.") from None
                time.sleep(OPEN_RETRY)
            except (OSError, sqlite3.Error) as exc:
                raise StoreError(f"cannot open the history store {path}: {exc}.") from None
        self.prepare()

    def _open(self, wait: float) -> sqlite3.Connection:
        # ``wait`` is SQLite's busy timeout: a writer waits that long for another.
        db = sqlite3.connect(self._file or ":memory:", timeout=wait, isolation_level=None)
        try:
            # Once WAL, a file stays WAL: switching again takes a lock other writers may hold.
            (mode,) = db.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        return db

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"the history store {self.where} failed: {exc}.") from None

    @contextmanager
    def writing(self) -> Iterator[Execute]:
        # IMMEDIATE takes the write lock up front: a writer that must wait, waits here
        # (within the busy timeout) instead of failing when it upgrades a read.
        self.execute("BEGIN IMMEDIATE")
        try:
            yield self.execute
        except BaseException:
            self._db.rollback()
            raise
        self.execute("COMMIT")

    def schema_version(self) -> int | None:
        found = self.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'chaosrun_schema'"
        )
        if not found:
            return None
        rows = self.execute("SELECT version FROM chaosrun_schema")
        return int(rows[0][0]) if rows else None

    def close(self) -> None:
        """Close without a checkpoint (the module's docstring says why and how)."""
        if self._file is not None and _size(Path(f"{self._file}-wal")) > WAL_BOUND:
            self._truncate_wal()
        reader = self._reader()
        try:
            self._db.close()
        finally:
            if reader is not None:
                reader.close()

    def _truncate_wal(self) -> None:
        """Checkpoint the whole WAL and empty it, unless another connection is using it
        (then never wait: a later close does it)."""
        try:
            self._db.execute("PRAGMA busy_timeout = 0")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error:
            pass

    def _reader(self) -> sqlite3.Connection | None:
        """A read-only connection holding the file open; None (the writer then checkpoints
        as it closes) when there is no file or it cannot be opened so."""
        if self._file is None:
            return None
        try:
            reader = sqlite3.connect(f"{self._file.absolute().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error:
            return None
        try:
            # A first read takes the shared lock a WAL reader keeps until it closes.
            reader.execute("PRAGMA user_version").fetchall()
        except sqlite3.Error:
            reader.close()
            return None
        return reader


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
