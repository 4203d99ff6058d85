"""What the commands that read the history are given, turned into runs: a run id or a
journal path, a label, a time window."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from chaos.errors import BadInput
from chaos.history.options import parse_label
from chaos.history.query import RunQuery
from chaos.history.row import RunRow, row_of
from chaos.history.store import HistoryStore

UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def since_iso(text: str, now: datetime | None = None) -> str:
    """``7d``, ``12h``, ``30m``, ``2w`` ago, or a date or time in ISO 8601, as UTC ISO."""
    match = re.fullmatch(r"\s*([0-9]+)\s*([mhdw])\s*", text)
    if match is not None:
        amount, unit = match.groups()
        moment = (now or datetime.now(UTC)) - timedelta(**{UNITS[unit]: int(amount)})
    else:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise BadInput(
                f"--since must be an age such as 7d, 12h, 30m, 2w or a date such as "
                f"2026-01-31 (got {text!r})."
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def journal_of(row: RunRow) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(row.journal_text())
    return data


def journal_file(ref: str) -> Path | None:
    path = Path(ref).expanduser()
    return path if path.is_file() or ref.endswith((".json", ".JSON")) else None


def find_run(ref: str, store: HistoryStore | None, files: bool = True) -> RunRow:
    """The run ``ref`` names: a journal file (when ``files``), else a stored run id (or its
    unique beginning)."""
    path = journal_file(ref) if files else None
    if path is not None:
        from chaos.experiment.journal import load_journal  # the package is not cheap (pydantic)

        return row_of(dict(load_journal(path)))
    if store is None:
        raise BadInput(f"{ref!r} is neither a journal file nor a stored run id.")
    row = store.get(ref)
    if row is None:
        raise BadInput(
            f"no stored run has the id {ref!r} (and no such journal file); "
            "`chaosrun history` lists the ids."
        )
    return row


def latest_with_label(text: str, store: HistoryStore) -> RunRow:
    key, value = parse_label(text)
    found = store.runs(RunQuery(limit=1, labels=((key, value),)))
    if not found:
        raise BadInput(f"no stored run carries the label {key}={value}.")
    row = store.get(found[0].id)
    assert row is not None
    return row
