"""The runs list's filter, read from the page's query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chaos.history.query import RunQuery
from chaos.history.row import RunRow

STATUSES = ("completed", "deviated", "failed", "aborted", "interrupted")
LIMIT = 200


@dataclass(frozen=True)
class RunFilter:
    title: str = ""  # a part of the title, any case
    label: str = ""  # key=value
    status: str = ""  # one of STATUSES, "" for any

    @classmethod
    def of(cls, params: Mapping[str, str]) -> RunFilter:
        status = params.get("status", "")
        return cls(
            title=params.get("title", "").strip(),
            label=params.get("label", "").strip(),
            status=status if status in STATUSES else "",
        )

    def query(self) -> RunQuery:
        key, sep, value = self.label.partition("=")
        labels = ((key.strip(), value.strip()),) if sep and key.strip() else ()
        return RunQuery(limit=LIMIT, labels=labels, title=self.title or None)

    def keeps(self, row: RunRow) -> bool:
        if not self.status:
            return True
        if self.status == "deviated":
            return row.deviated
        return row.status == self.status and not row.deviated
