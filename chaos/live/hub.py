"""The run's events, kept in order with an id each, for any number of readers.

Every reader keeps only a cursor into the one shared list: a slow or stuck browser costs no
memory of its own and never makes the run wait (``publish`` only appends under a lock).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

# A run emits a few events a second; this bounds a very long run's memory all the same.
MAX_EVENTS = 200_000


class LiveHub:
    """Events as published (``publish``), each with an id (1, 2, ...), and the journal once
    the run ended (``finish``)."""

    def __init__(self) -> None:
        self._lines: list[str] = []  # each event, as its JSON text
        self._first_id = 1  # the id of ``_lines[0]`` (older ones dropped past MAX_EVENTS)
        self._changed = threading.Condition()
        self._journals: list[dict[str, Any]] = []
        self._closed = False

    def publish(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._changed:
            self._lines.append(line)
            if len(self._lines) > MAX_EVENTS:
                del self._lines[0]
                self._first_id += 1
            self._changed.notify_all()

    def add_journal(self, journal: Mapping[str, object]) -> None:
        """A run's journal, at its end (the demo's acts each add theirs)."""
        with self._changed:
            self._journals.append(dict(journal))

    def close(self) -> None:
        """No more events: readers waiting are woken and end their streams."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def journals(self) -> list[dict[str, Any]]:
        with self._changed:
            return list(self._journals)

    @property
    def last_id(self) -> int:
        with self._changed:
            return self._first_id + len(self._lines) - 1

    def after(self, last_id: int, timeout: float) -> tuple[list[tuple[int, str]], bool]:
        """The events whose id is above ``last_id``, waiting up to ``timeout`` seconds for one;
        and whether the stream is over (closed and nothing left to read)."""
        with self._changed:
            if self._newest() <= last_id and not self._closed:
                self._changed.wait(timeout)
            start = max(last_id + 1, self._first_id)
            lines = self._lines[start - self._first_id :]
            events = [(start + i, line) for i, line in enumerate(lines)]
            return events, self._closed and not events

    def _newest(self) -> int:
        return self._first_id + len(self._lines) - 1
