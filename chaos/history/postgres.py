"""The team store: PostgreSQL through psycopg 3 (``pip install chaosrun[postgres]``),
imported only when a ``postgresql://`` URL is given."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from chaos.history.schema import Execute, StoreError
from chaos.history.sql import SqlStore

CONNECT_TIMEOUT = 5  # seconds
# pg_advisory_xact_lock key: the writers of one database take turns on it.
WRITE_LOCK = 0x63686173


def shown_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


class PostgresStore(SqlStore):
    blob = "BYTEA"

    def __init__(self, url: str) -> None:
        self.where = shown_url(url)
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "the history store is PostgreSQL, which needs psycopg: "
                "pip install 'chaosrun[postgres]'."
            ) from None
        self._errors = psycopg.Error
        try:
            self._db = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
        except (psycopg.Error, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot open the history store {self.where}: {first}.") from None
        self.prepare()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            cursor = self._db.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description is not None else []
        except self._errors as exc:
            first = str(exc).strip().splitlines()[0]
            raise StoreError(f"the history store {self.where} failed: {first}.") from None

    @contextmanager
    def writing(self) -> Iterator[Execute]:
        with self._db.transaction():
            self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            yield self.execute

    def schema_version(self) -> int | None:
        if not self.execute("SELECT to_regclass('chaosrun_schema')")[0][0]:
            return None
        rows = self.execute("SELECT version FROM chaosrun_schema")
        return int(rows[0][0]) if rows else None

    def close(self) -> None:
        self._db.close()
