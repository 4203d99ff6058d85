"""What the runner tells as it goes, beyond its log: the events file, the abort rules' watch
and the SLO gates' verdict. The runner calls one method per moment of the run."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chaos.engine.events import EventLog, SecondFeed
from chaos.engine.settings import RunHooks, RunSettings
from chaos.engine.watch import MeasurementWatch
from chaos.experiment.journal import ActivityRun, Journal, SteadyState
from chaos.experiment.model import Activity

if TYPE_CHECKING:
    from chaos.measure.gates import Gate, GateResult

logger = logging.getLogger("chaosrun")


class RunObserver:
    def __init__(
        self,
        gates: tuple[Gate, ...] = (),
        abort_rules: tuple[Gate, ...] = (),
        events: EventLog | None = None,
    ) -> None:
        self.gates = gates
        self.abort_rules = abort_rules
        self.events = events
        self.journal: Journal | None = None
        self.results: list[GateResult] = []
        self._watch: MeasurementWatch | None = None
        self._feed = SecondFeed(events) if events is not None else None

    @classmethod
    def of(cls, settings: RunSettings, hooks: RunHooks | None = None) -> RunObserver:
        events = None
        sink = hooks.on_event if hooks is not None else None
        if (settings.events_file or sink) and not settings.dry_run:
            events = EventLog(settings.events_file, sink)
        return cls(settings.gates, settings.abort_rules, events)

    def emit(self, event: str, **fields: Any) -> None:
        if self.events is not None:
            self.events.emit(event, **fields)

    # -- the run's moments ---------------------------------------------------------------
    def begin(self, journal: Journal, title: str) -> None:
        self.journal = journal
        if self.events is not None:
            self.events.open()
        self.emit("start", title=title, gates=[g.text for g in self.gates])

    def activity_started(self, activity: Activity, into: list[ActivityRun]) -> None:
        self.emit("activity_start", name=activity.name, type=activity.type, phase=self._phase(into))

    def activity_ended(
        self, activity: Activity, into: list[ActivityRun], entry: ActivityRun
    ) -> None:
        self.emit(
            "activity_end",
            name=activity.name,
            type=activity.type,
            phase=self._phase(into),
            status=entry.get("status"),
            duration=entry.get("duration"),
        )

    def _phase(self, into: list[ActivityRun]) -> str:
        journal = self.journal
        if journal is not None and into is journal.get("rollbacks"):
            return "rollback"
        if journal is not None and into is journal.get("run"):
            return "method"
        return "hypothesis"

    def paused(self, seconds: float, when: str) -> None:
        self.emit("pause", seconds=seconds, when=when)

    def hypothesis(self, state: SteadyState, phase: str) -> None:
        self.emit("hypothesis", phase=phase, met=state["steady_state_met"])

    def measuring(self, prober: Any) -> None:
        self.emit("measurement_start", url=prober.url, interval=prober.interval)
        if self.abort_rules or self._feed is not None:
            self._watch = MeasurementWatch(prober, self.abort_rules, self._feed).start()

    def measured(self, measurement: Any) -> None:
        """The prober stopped (``measurement`` None if it failed)."""
        watch, self._watch = self._watch, None
        if watch is not None:
            watch.stop()
            if watch.abort is not None and self.journal is not None:
                self.journal["interruption"] = watch.abort.to_journal()
                self.emit("abort", **watch.abort.to_journal())
        if self._feed is not None and measurement is not None:
            self._feed.feed(measurement.samples, measurement.duration + 1)

    def judge(self, journal: Journal, measurement: Any) -> None:
        """Each SLO gate against the measurement; one not met makes the run deviated."""
        if not self.gates:
            return
        if measurement is None:
            logger.warning("No live measurement: the SLO gates cannot be judged")
            journal["slo"] = [
                {"gate": g.text, "passed": False, "shown": "no measurement"} for g in self.gates
            ]
            missed = True
        else:
            from chaos.measure.gates import judge

            self.results = judge(self.gates, measurement.summary)
            journal["slo"] = [r.to_journal() for r in self.results]
            missed = not all(r.passed for r in self.results)
            logger.info("SLO gates:")
            for r in self.results:
                log = logger.info if r.passed else logger.critical
                verdict = "met" if r.passed else "NOT met"
                log("  %s: seen %s, %s", r.gate.text, r.shown, verdict)
        for entry in journal["slo"]:
            self.emit("gate", **entry)
        if missed and journal.get("status") == "completed":
            # As a hypothesis broken after the method: deviated, and the run fails.
            journal["deviated"] = True
            journal["status"] = "failed"
            logger.critical("An SLO gate is not met, so the experiment deviated")

    def end(self, journal: Journal) -> None:
        self.emit(
            "end",
            status=journal.get("status"),
            deviated=journal.get("deviated"),
            duration=journal.get("duration"),
            score=(journal.get("chaosrun") or {}).get("score"),
        )
        if self.events is not None:
            self.events.close()
