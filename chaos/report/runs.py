"""A journal as the reports read it: chaosrun's or the Chaos Toolkit's (which has no
``measurements``, ``slo`` or ``interruption``); any key may be missing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chaos.experiment.journal import ActivityRun, Journal
from chaos.history.score import score_value
from chaos.measure import Measurement


@dataclass(frozen=True)
class Check:
    """One thing a run was judged on: a hypothesis probe, an SLO gate or a rollback."""

    kind: str  # hypothesis, slo or rollback
    name: str
    passed: bool
    detail: str = ""  # what was seen, or why it failed
    phase: str = ""  # before, after, during (hypothesis probes)
    duration: float = 0.0


@dataclass
class RunView:
    name: str  # the journal's file name
    journal: Journal
    title: str
    status: str
    deviated: bool
    duration: float | None
    measurement: Measurement | None
    checks: list[Check] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "deviated" if self.deviated else self.status

    @property
    def ok(self) -> bool:
        return self.status == "completed" and not self.deviated

    @property
    def target(self) -> str:
        if self.measurement is not None:
            return self.measurement.url
        return ""

    @property
    def interruption(self) -> str | None:
        why = self.journal.get("interruption")
        return str(why.get("reason")) if isinstance(why, dict) else None

    @property
    def score(self) -> float | None:
        return score_value(self.journal)

    def checks_of(self, kind: str) -> list[Check]:
        return [c for c in self.checks if c.kind == kind]


def _shown_output(probe: ActivityRun) -> str:
    output = probe.get("output")
    if probe.get("status") == "failed":
        return "".join(probe.get("exception") or ["failed"]).strip().splitlines()[-1][:300]
    if isinstance(output, dict) and "status" in output:
        return f"status {output['status']}"
    return repr(output)[:300]


def _probe_check(probe: ActivityRun, phase: str) -> Check:
    name = str(probe.get("activity", {}).get("name", "?"))
    met = probe.get("tolerance_met")
    passed = bool(met) if met is not None else probe.get("status") == "succeeded"
    detail = _shown_output(probe)
    if not passed:
        tolerance = probe.get("activity", {}).get("tolerance")
        detail = f"got {detail}, tolerance {json.dumps(tolerance, default=str)}"
    return Check("hypothesis", name, passed, detail, phase, float(probe.get("duration") or 0))


def _checks(journal: Journal) -> list[Check]:
    checks: list[Check] = []
    states: Any = journal.get("steady_states") or {}
    for phase in ("before", "after"):
        state = states.get(phase)
        for probe in (state or {}).get("probes", []):
            checks.append(_probe_check(probe, phase))
    for state in states.get("during") or []:
        for probe in (state or {}).get("probes", []):
            checks.append(_probe_check(probe, "during"))
    for gate in journal.get("slo") or []:
        bound = f"{gate.get('op', '')}{gate.get('bound', '')}{gate.get('unit', '')}"
        detail = f"seen {gate.get('shown', '?')}, bound {bound}"
        checks.append(Check("slo", str(gate.get("gate")), bool(gate.get("passed")), detail))
    for rollback in journal.get("rollbacks") or []:
        name = str(rollback.get("activity", {}).get("name", "?"))
        passed = rollback.get("status") == "succeeded"
        detail = "" if passed else _shown_output(rollback)
        duration = float(rollback.get("duration") or 0)
        checks.append(Check("rollback", name, passed, detail, duration=duration))
    return checks


def view_of(journal: Journal, name: str) -> RunView:
    measurement = None
    raw = journal.get("measurements")
    if isinstance(raw, dict):
        try:
            measurement = Measurement.model_validate(raw)
        except ValueError:
            measurement = None
    duration = journal.get("duration")
    return RunView(
        name=name,
        journal=journal,
        title=str(journal.get("experiment", {}).get("title") or name),
        status=str(journal.get("status") or "unknown"),
        deviated=bool(journal.get("deviated")),
        duration=float(duration) if isinstance(duration, int | float) else None,
        measurement=measurement,
        checks=_checks(journal),
    )
