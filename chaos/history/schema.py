"""The store's tables, as numbered migrations: a store is brought to ``SCHEMA_VERSION`` one
step at a time, and a store newer than this chaosrun is refused.

The statements are written once for SQLite and PostgreSQL: ``{blob}`` is the type of the
compressed journal in each, and ``?`` the parameter mark (psycopg's ``%s`` for PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chaos.errors import BadInput

Execute = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Migration:
    version: int
    statements: tuple[str, ...]
    # Moves data the statements cannot (run with the store's ``execute``).
    then: Callable[[Execute], None] | None = None


def _labels_to_table(execute: Execute) -> None:
    for run_id, labels in execute("SELECT id, labels FROM runs", ()):
        for key, value in json.loads(labels or "{}").items():
            execute(
                "INSERT INTO run_labels (run_id, key, value) VALUES (?, ?, ?)", (run_id, key, value)
            )


MIGRATIONS = (
    Migration(
        1,
        (
            """CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                started TEXT NOT NULL,
                ended TEXT,
                title TEXT NOT NULL,
                target TEXT NOT NULL,
                namespace TEXT NOT NULL,
                status TEXT NOT NULL,
                deviated INTEGER NOT NULL,
                score DOUBLE PRECISION,
                availability DOUBLE PRECISION,
                p50 DOUBLE PRECISION,
                p95 DOUBLE PRECISION,
                p99 DOUBLE PRECISION,
                outage DOUBLE PRECISION,
                recovery DOUBLE PRECISION,
                gates_met INTEGER NOT NULL,
                gates_total INTEGER NOT NULL,
                labels TEXT NOT NULL,
                journal {blob} NOT NULL
            )""",
            "CREATE INDEX runs_started ON runs (started)",
        ),
    ),
    # Labels in a table of their own, so that --label and --baseline find runs by index.
    Migration(
        2,
        (
            """CREATE TABLE run_labels (
                run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key)
            )""",
            "CREATE INDEX run_labels_key_value ON run_labels (key, value)",
        ),
        then=_labels_to_table,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
VERSION_TABLE = "CREATE TABLE IF NOT EXISTS chaosrun_schema (version INTEGER NOT NULL)"


def check_not_newer(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        raise StoreTooNew(
            f"the history store {where} has schema version {version}, newer than this "
            f"chaosrun knows ({SCHEMA_VERSION}); upgrade chaosrun to use it."
        )


def migrate(execute: Execute, where: str, upto: int = SCHEMA_VERSION, blob: str = "BLOB") -> int:
    """Bring the store to ``upto``, inside the caller's transaction; returns the version
    found. The caller holds the store's write lock, so two runs never migrate at once."""
    execute(VERSION_TABLE, ())
    rows = execute("SELECT version FROM chaosrun_schema", ())
    found = int(rows[0][0]) if rows else 0
    check_not_newer(found, where)
    for migration in MIGRATIONS:
        if found < migration.version <= upto:
            for statement in migration.statements:
                execute(statement.format(blob=blob), ())
            if migration.then is not None:
                migration.then(execute)
    if not rows:
        execute("INSERT INTO chaosrun_schema (version) VALUES (?)", (upto,))
    elif found < upto:
        execute("UPDATE chaosrun_schema SET version = ?", (upto,))
    return found


class StoreError(BadInput):
    """The store cannot be read or written: one sentence, a warning at a run's end and exit 2
    for the commands that read it."""


class StoreTooNew(StoreError):
    pass
