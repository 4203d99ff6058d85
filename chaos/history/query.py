"""Which stored runs a reader asks for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunQuery:
    """Which runs ``chaosrun history`` lists: newest first."""

    limit: int | None = 20
    labels: tuple[tuple[str, str], ...] = ()
    title: str | None = None  # a part of the title, any case
    since: str | None = None  # UTC ISO 8601: runs started at or after
