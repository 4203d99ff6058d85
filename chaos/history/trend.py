"""An experiment's last stored runs, for the report's trend: never an error, since a report
is whole without it."""

from __future__ import annotations

from chaos.history.options import HistoryOptions
from chaos.history.query import RunQuery
from chaos.history.row import RunRow

TREND_RUNS = 20


def recent_runs(title: str, url: str | None = None, limit: int = TREND_RUNS) -> list[RunRow]:
    """The last ``limit`` stored runs titled ``title``, oldest first; [] when the store
    cannot be read (or holds none)."""
    try:
        from chaos.history.store import open_store

        store = open_store(HistoryOptions(url).resolved_url(), create=False)
        try:
            rows = store.runs(RunQuery(limit=limit * 5, title=title))
        finally:
            store.close()
    except Exception:
        return []
    return [row for row in rows if row.title == title][:limit][::-1]
