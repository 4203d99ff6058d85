"""What a history store does, whichever database holds it, and how one is opened."""

from __future__ import annotations

from typing import Protocol

from chaos.history.options import sqlite_path_of
from chaos.history.query import RunQuery
from chaos.history.row import RunRow


class HistoryStore(Protocol):
    where: str  # the store as a user names it, for messages

    def add(self, row: RunRow) -> bool:
        """Store ``row`` with its labels; False when a run of that id is already there."""
        ...

    def runs(self, query: RunQuery) -> list[RunRow]:
        """Rows without their journal, newest first."""
        ...

    def get(self, run_id: str) -> RunRow | None:
        """The run of that id or of the one id it begins, with its journal."""
        ...

    def close(self) -> None: ...


def open_store(url: str, create: bool = True) -> HistoryStore:
    """The store ``url`` names (``StoreError`` if it cannot be opened or is too new).
    psycopg is imported only for a PostgreSQL URL. Readers pass ``create`` False: a SQLite
    file that does not exist is then an empty store, left unmade."""
    path = sqlite_path_of(url)
    if path is None:
        from chaos.history.postgres import PostgresStore

        return PostgresStore(url)
    from chaos.history.sqlite import SqliteStore

    return SqliteStore(path, create=create)
