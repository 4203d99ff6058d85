"""A run's end: its row into the store. Whatever goes wrong is one warning; the run's
journal and exit code are already decided and stay as they are."""

from __future__ import annotations

import logging
from typing import Any

from chaos.history.options import HistoryOptions

logger = logging.getLogger("chaosrun")


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
