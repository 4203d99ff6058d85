"""The run history: every run's row and journal in a store (SQLite, or PostgreSQL for a
team), the resilience score, and the comparison of two runs."""

from chaos.history.options import HISTORY_ENV, HistoryOptions, default_history_url, parse_label
from chaos.history.query import RunQuery
from chaos.history.record import record_run
from chaos.history.row import RunRow, row_of
from chaos.history.schema import SCHEMA_VERSION, StoreError
from chaos.history.score import Score, score_of
from chaos.history.store import HistoryStore, open_store

__all__ = [
    "HISTORY_ENV",
    "SCHEMA_VERSION",
    "HistoryOptions",
    "HistoryStore",
    "RunQuery",
    "RunRow",
    "Score",
    "StoreError",
    "default_history_url",
    "open_store",
    "parse_label",
    "record_run",
    "row_of",
    "score_of",
]
