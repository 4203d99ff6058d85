"""A thread that follows the live measurement while the run goes: it checks the abort rules
on the samples so far and feeds the events file one second at a time."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chaos.engine import signals
from chaos.engine.events import SecondFeed

if TYPE_CHECKING:
    from chaos.measure.gates import Gate, GateResult

logger = logging.getLogger("chaosrun")

WATCH_PERIOD = 0.1  # seconds between two looks at the samples


@dataclass(frozen=True)
class Abort:
    """An abort rule found met, and when."""

    result: GateResult
    at: float  # seconds into the measurement

    @property
    def reason(self) -> str:
        return (
            f"abort rule {self.result.gate.text} met after {self.at:.1f}s of measurement "
            f"({self.result.gate.metric} {self.result.shown})"
        )

    def to_journal(self) -> dict[str, Any]:
        return {"reason": self.reason, "at": round(self.at, 3), **self.result.to_journal()}


class MeasurementWatch:
    def __init__(self, prober: Any, rules: tuple[Gate, ...], feed: SecondFeed | None) -> None:
        self.prober = prober
        self.rules = rules
        self.feed = feed
        # Samples still in flight when a second ends land up to a timeout (and a breaker
        # read) later: a second is sent once they all had the time to come back.
        self.lag = 2 * float(getattr(prober, "timeout", 1.0))
        self.abort: Abort | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="chaosrun-watch", daemon=True)

    def start(self) -> MeasurementWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(WATCH_PERIOD):
            try:
                self.look()
            except Exception as exc:  # a watcher must never take the run down
                logger.debug("The measurement watch failed: %s", exc)

    def look(self) -> None:
        samples, elapsed = self.prober.snapshot()
        if self.feed is not None:
            self.feed.feed(samples, elapsed - self.lag)
        if self.abort is not None or not self.rules or not samples:
            return
        from chaos.measure.models import summarise

        summary = summarise(samples, elapsed)
        for rule in self.rules:
            result = rule.check(summary)
            if result.passed:
                self.abort = Abort(result=result, at=elapsed)
                logger.critical("Abort rule %s is met: %s", rule.text, result.shown)
                signals.request_stop(self.abort.reason)
                return
