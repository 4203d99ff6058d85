"""The default store: one SQLite file (WAL, so readers never wait for a writer; a busy
timeout, so runs ending at once take turns)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chaos.history.schema import Execute, StoreError
from chaos.history.sql import SqlStore

TIMEOUT_ENV = "CHAOSRUN_HISTORY_TIMEOUT"
BUSY_TIMEOUT = 10.0  # seconds a writer waits for another before giving up


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
        timeout = busy_timeout() if timeout is None else timeout
        try:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            where = path if create or path.exists() else ":memory:"
            self._db = sqlite3.connect(where, timeout=timeout, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            # WAL's own durability: a commit is not fsynced, the checkpoint is; a crash loses
            # no committed row, a power cut at worst the last ones.
            self._db.execute("PRAGMA synchronous = NORMAL")
            # The checkpoint is left to a later commit (every 1,000 pages) instead of every
            # run's end (Python 3.12 and later).
            no_checkpoint = getattr(sqlite3, "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE", None)
            if no_checkpoint is not None:
                self._db.setconfig(no_checkpoint, True)  # type: ignore[attr-defined]
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the history store {path}: {exc}.") from None
        self.prepare()

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
        self._db.close()
