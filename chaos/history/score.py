"""The resilience score: 0 to 100 per run, from what users felt and what the run decided.

Each part is a value between 0 and 1 with a weight in points; the score is the weighted mean
of the parts the run has data for, times 100 (Litmus' weighted probe success: a part with no
data, say no live measurement, is left out rather than counted as a failure). README's
"Resilience score" section gives the weights and their reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Points per part; they add up to 100.
WEIGHTS = {
    "hypothesis_before": 10,
    "hypothesis_after": 20,
    "availability": 30,
    "outage": 15,
    "recovery": 10,
    "slo": 15,
}
# Gremlin's reliability tiers: full, three quarters, half, nothing.
TIERS = (1.0, 0.75, 0.5, 0.0)
AVAILABILITY_TIERS = (99.9, 99.0, 95.0)  # percent at or above: tier 1, 2, 3
OUTAGE_TIERS = (0.0, 2.0, 10.0)  # seconds at or below
RECOVERY_TIERS = (0.0, 5.0, 30.0)  # seconds at or below (0: nothing failed)
# krkn's SLO points: a critical alert weighs 3, a warning 1. A gate on what users felt
# (answers, outages) is critical; one on speed or timing is a warning.
CRITICAL_GATES = frozenset({"availability", "outage", "errors"})
CRITICAL_POINTS, WARNING_POINTS = 3, 1


@dataclass(frozen=True)
class Part:
    name: str
    weight: int
    value: float  # 0 to 1
    seen: str

    def to_journal(self) -> dict[str, Any]:
        return {"weight": self.weight, "value": round(self.value, 4), "seen": self.seen}


@dataclass(frozen=True)
class Score:
    value: float | None  # None: the run has nothing to score
    parts: tuple[Part, ...]

    def to_journal(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "parts": {part.name: part.to_journal() for part in self.parts},
        }

    def line(self) -> str:
        """One console line: the score and each part's points."""
        if self.value is None:
            return "Resilience score: n/a (no hypothesis, measurement or gate to judge)"
        shown = ", ".join(
            f"{p.name.replace('_', ' ')} {p.value * p.weight:g}/{p.weight}" for p in self.parts
        )
        return f"Resilience score: {self.value:g}/100 ({shown})"


def _tier_at_least(value: float, bounds: tuple[float, ...]) -> float:
    for bound, tier in zip(bounds, TIERS, strict=False):
        if value >= bound:
            return tier
    return TIERS[-1]


def _tier_at_most(value: float, bounds: tuple[float, ...]) -> float:
    for bound, tier in zip(bounds, TIERS, strict=False):
        if value <= bound:
            return tier
    return TIERS[-1]


def _hypothesis_parts(journal: dict[str, Any]) -> list[Part]:
    states = journal.get("steady_states") or {}
    parts = []
    before = states.get("before")
    if isinstance(before, dict):
        met = bool(before.get("steady_state_met"))
        parts.append(Part("hypothesis_before", WEIGHTS["hypothesis_before"], float(met), _met(met)))
    after = states.get("after")
    during = [s for s in states.get("during") or [] if isinstance(s, dict)]
    if isinstance(after, dict) or during:
        checks = [after] if isinstance(after, dict) else []
        met = all(bool(s.get("steady_state_met")) for s in checks + during)
        parts.append(Part("hypothesis_after", WEIGHTS["hypothesis_after"], float(met), _met(met)))
    return parts


def _met(met: bool) -> str:
    return "met" if met else "not met"


def _measurement_parts(summary: dict[str, Any]) -> list[Part]:
    parts = []
    availability = summary.get("availability")
    if isinstance(availability, int | float):
        value = _tier_at_least(float(availability), AVAILABILITY_TIERS)
        parts.append(Part("availability", WEIGHTS["availability"], value, f"{availability:.2f}%"))
    outages = summary.get("outages") or []
    longest = float(summary.get("longest_outage") or 0.0)
    ongoing = any(isinstance(o, dict) and o.get("ongoing") for o in outages)
    if ongoing:
        parts.append(Part("outage", WEIGHTS["outage"], 0.0, f"{longest:.2f}s, still down"))
        parts.append(Part("recovery", WEIGHTS["recovery"], 0.0, "never recovered"))
        return parts
    parts.append(
        Part("outage", WEIGHTS["outage"], _tier_at_most(longest, OUTAGE_TIERS), f"{longest:.2f}s")
    )
    recover = summary.get("time_to_recover")
    recovery = float(recover) if isinstance(recover, int | float) else 0.0
    value = _tier_at_most(recovery, RECOVERY_TIERS)
    parts.append(Part("recovery", WEIGHTS["recovery"], value, f"{recovery:.2f}s"))
    return parts


def gate_points(gate: str) -> int:
    metric = re.match(r"\s*([a-z_0-9]+)", gate)
    critical = metric is not None and metric.group(1) in CRITICAL_GATES
    return CRITICAL_POINTS if critical else WARNING_POINTS


def _slo_part(gates: list[Any]) -> list[Part]:
    judged = [g for g in gates if isinstance(g, dict)]
    if not judged:
        return []
    total = sum(gate_points(str(g.get("gate", ""))) for g in judged)
    met = sum(gate_points(str(g.get("gate", ""))) for g in judged if g.get("passed"))
    seen = f"{sum(1 for g in judged if g.get('passed'))}/{len(judged)} met"
    return [Part("slo", WEIGHTS["slo"], met / total, seen)]


def score_of(journal: Any) -> Score:
    """The score of any journal, chaosrun's or the Chaos Toolkit's (fewer parts)."""
    parts = _hypothesis_parts(journal)
    measurements = journal.get("measurements")
    summary = measurements.get("summary") if isinstance(measurements, dict) else None
    if isinstance(summary, dict):
        parts += _measurement_parts(summary)
    parts += _slo_part(journal.get("slo") or [])
    weight = sum(p.weight for p in parts)
    if not weight:
        return Score(None, ())
    value = round(100 * sum(p.value * p.weight for p in parts) / weight, 1)
    return Score(value, tuple(parts))


def score_value(journal: Any) -> float | None:
    """The score the run was given when it ended, else (a journal from before scores, or
    the Chaos Toolkit's) the score computed now."""
    own = journal.get("chaosrun") if isinstance(journal, dict) else None
    stored = own.get("score") if isinstance(own, dict) else None
    if isinstance(stored, dict) and isinstance(stored.get("value"), int | float | None):
        value = stored.get("value")
        return float(value) if value is not None else None
    return score_of(journal).value


def score_text(value: float | None) -> str:
    return "-" if value is None else f"{value:g}/100"
