"""``--events-file``: the run as it happens, one JSON object per line, flushed as written.

Every event has ``event`` (its kind), ``time`` (ISO 8601 UTC) and ``t`` (seconds since the run
started). Kinds: ``start``, ``activity_start``, ``activity_end`` (``phase`` method, rollback or
hypothesis), ``hypothesis`` (``phase`` before or after, ``met``), ``measurement_start``,
``samples`` (one per second of the measurement: requests, ok, errors by kind, p50/max latency,
breaker state), ``breaker`` (a transition), ``gate`` (one per SLO gate), ``abort``,
``end`` (status, deviated, duration).
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from chaos.files import is_special, is_stdout, why_not_written

logger = logging.getLogger("chaosrun")

if TYPE_CHECKING:
    from chaos.measure.models import Sample


class EventLog:
    """An NDJSON file, written from any thread; each line is flushed at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._t0 = time.monotonic()

    def open(self) -> None:
        """Open the file (``-``: standard output); one that cannot be opened is told, and
        the run goes on without events."""
        self._t0 = time.monotonic()
        try:
            if is_stdout(self.path):
                self._file = sys.stdout
                return
            if not is_special(self.path):
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8", errors="backslashreplace")
        except Exception as exc:
            self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        logger.error(
            "Could not write the events to %s (%s); the run goes on without them.",
            self.path,
            why_not_written(exc),
        )
        self._close(told=True)

    def emit(self, event: str, **fields: Any) -> None:
        if self._file is None:
            return
        record = {
            "event": event,
            "time": datetime.now(UTC).isoformat(),
            "t": round(time.monotonic() - self._t0, 4),
            **fields,
        }
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            if self._file is None:
                return
            try:
                if self._file is sys.stdout:
                    line = line.encode("utf-8", "backslashreplace").decode("utf-8")
                self._file.write(line + "\n")
                self._file.flush()
            except Exception as exc:
                self._give_up(exc)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self, told: bool = False) -> None:
        file, self._file = self._file, None
        if file is None or file is sys.stdout:
            return
        try:
            file.close()
        except Exception as exc:  # a last buffered write that fails (a full device)
            if not told:
                logger.error(
                    "Could not write the events to %s (%s).", self.path, why_not_written(exc)
                )


class SecondFeed:
    """Turns a measurement's samples into ``samples`` and ``breaker`` events, one second of
    the measurement at a time, each second once."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.next_second = 0
        self._breaker: str | None = None

    def feed(self, samples: list[Sample], up_to: float) -> None:
        """Emit every whole second before ``up_to`` (seconds of the measurement) not yet sent."""
        last = math.floor(up_to)
        if last <= self.next_second:
            return
        by_second: dict[int, list[Sample]] = {}
        for sample in samples:
            second = int(sample.t)
            if self.next_second <= second < last:
                by_second.setdefault(second, []).append(sample)
        for second in range(self.next_second, last):
            self._emit_second(second, by_second.get(second, []))
        self.next_second = last

    def _emit_second(self, second: int, samples: list[Sample]) -> None:
        # Only a measured run feeds seconds: its models (pydantic) are imported by then.
        from chaos.measure.models import Transition, percentile

        for sample in samples:
            if sample.breaker is None:
                continue
            if self._breaker is not None and sample.breaker != self._breaker:
                move = Transition(t=sample.t, from_state=self._breaker, to_state=sample.breaker)
                self.log.emit("breaker", **move.model_dump())
            self._breaker = sample.breaker
        if not samples:
            return
        errors: dict[str, int] = {}
        for sample in samples:
            if sample.error is not None:
                errors[sample.error] = errors.get(sample.error, 0) + 1
        latencies = [s.latency_ms for s in samples if s.status is not None]
        self.log.emit(
            "samples",
            second=second,
            requests=len(samples),
            ok=sum(1 for s in samples if s.ok),
            errors=errors,
            p50_ms=percentile(latencies, 50),
            max_ms=max(latencies, default=None),
            breaker=self._breaker,
        )
