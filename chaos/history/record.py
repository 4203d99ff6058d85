"""A run's end: its row into the store. Whatever goes wrong is one warning; the run's
journal and exit code are already decided and stay as they are."""

from __future__ import annotations

import logging
import threading
from typing import Any

from chaos.history.options import HistoryOptions, sqlite_path_of

logger = logging.getLogger("chaosrun")


def prepare_recording(options: HistoryOptions) -> threading.Thread | None:
    """At a run's start: import the SQLite store's module (sqlite3's C library, over a
    millisecond) in the background while the run goes, so that its end does not wait for it.
    The thread, or None when the run is stored elsewhere or not at all."""
    if not options.enabled:
        return None
    try:
        if sqlite_path_of(options.resolved_url()) is None:
            return None  # PostgreSQL: psycopg is imported only at the end, if ever
    except Exception:
        return None  # a bad URL is said once, at the end
    thread = threading.Thread(target=_import_store, name="chaosrun-history", daemon=True)
    thread.start()
    return thread


def _import_store() -> None:
    import chaos.history.sqlite  # noqa: F401


def record_run(journal: Any, options: HistoryOptions) -> str | None:
    """Store ``journal``; its run id, or None when it could not be stored (said once)."""
    if not options.enabled:
        return None
    try:
        from chaos.history.row import row_of
        from chaos.history.store import open_store

        row = row_of(journal, dict(options.labels))
        store = open_store(options.resolved_url())
        try:
            store.add(row)
        finally:
            store.close()
    except Exception as exc:
        logger.warning("The run was not added to the history: %s", _sentence(exc))
        return None
    logger.info("Run %s added to the history in %s", row.id, store.where)
    return row.id


def _sentence(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
