"""The queries both stores share: SQLite and PostgreSQL differ only in how they connect,
lock and mark parameters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from chaos.history.query import RunQuery
from chaos.history.row import FIELDS, RunRow
from chaos.history.schema import SCHEMA_VERSION, Execute, check_not_newer, migrate

COLUMNS = ", ".join((*FIELDS, "labels"))
INSERT = (
    f"INSERT INTO runs ({COLUMNS}, journal) VALUES ({', '.join('?' * (len(FIELDS) + 2))}) "
    "ON CONFLICT (id) DO NOTHING RETURNING id"
)


def _row(values: tuple[Any, ...], journal: bytes | None = None) -> RunRow:
    named = dict(zip((*FIELDS, "labels"), values, strict=True))
    named["deviated"] = bool(named["deviated"])
    named["labels"] = json.loads(named["labels"] or "{}")
    return RunRow(**named, journal=journal)


class SqlStore:
    """A store over one DB-API connection; subclasses say how to run a statement and how
    to hold the store's write lock."""

    where = ""
    blob = "BLOB"

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def writing(self) -> AbstractContextManager[Execute]:
        """A transaction holding the store's write lock (one writer at a time)."""
        raise NotImplementedError

    def schema_version(self) -> int | None:
        """The store's version, None before its first migration."""
        raise NotImplementedError

    def prepare(self) -> None:
        """Migrate the store when it is older than this chaosrun; refuse a newer one."""
        version = self.schema_version()
        if version is not None:
            check_not_newer(version, self.where)
        if version is None or version < SCHEMA_VERSION:
            with self.writing() as execute:
                migrate(execute, self.where, blob=self.blob)

    def add(self, row: RunRow) -> bool:
        labels = json.dumps(row.labels, sort_keys=True)
        with self.writing() as execute:
            if not execute(INSERT, (*row.values(), labels, row.journal)):
                return False
            for key, value in sorted(row.labels.items()):
                execute(
                    "INSERT INTO run_labels (run_id, key, value) VALUES (?, ?, ?)",
                    (row.id, key, value),
                )
        return True

    def runs(self, query: RunQuery) -> list[RunRow]:
        where, params = self._filter(query)
        sql = f"SELECT {COLUMNS} FROM runs{where} ORDER BY started DESC, id DESC"
        if query.limit is not None:
            sql += " LIMIT ?"
            params.append(query.limit)
        return [_row(values) for values in self.execute(sql, tuple(params))]

    @staticmethod
    def _filter(query: RunQuery) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for key, value in query.labels:
            clauses.append("id IN (SELECT run_id FROM run_labels WHERE key = ? AND value = ?)")
            params += [key, value]
        if query.title:
            clauses.append("LOWER(title) LIKE ?")
            params.append(f"%{query.title.lower()}%")
        if query.since:
            clauses.append("started >= ?")
            params.append(query.since)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def get(self, run_id: str) -> RunRow | None:
        sql = f"SELECT {COLUMNS}, journal FROM runs WHERE "
        found = self.execute(sql + "id = ?", (run_id,))
        if not found:
            prefix = run_id.upper().replace("%", "").replace("_", "")
            found = self.execute(sql + "id LIKE ? ORDER BY id LIMIT 2", (prefix + "%",))
            if len(found) != 1:
                return None
        values = found[0]
        return _row(values[:-1], bytes(values[-1]))

    def rows(self) -> Iterator[str]:
        """Every stored id, oldest first (for tests and checks)."""
        for (run_id,) in self.execute("SELECT id FROM runs ORDER BY id"):
            yield str(run_id)
