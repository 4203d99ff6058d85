"""One stored run: the figures ``chaosrun history`` lists and ``compare`` weighs, taken from
its journal, and the journal itself, compressed."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from chaos.history.ids import derived_run_id
from chaos.history.score import score_value

# Columns of the ``runs`` table, in order, the journal aside.
FIELDS = (
    "id",
    "started",
    "ended",
    "title",
    "target",
    "namespace",
    "status",
    "deviated",
    "score",
    "availability",
    "p50",
    "p95",
    "p99",
    "outage",
    "recovery",
    "gates_met",
    "gates_total",
)


@dataclass(frozen=True)
class RunRow:
    id: str
    started: str
    ended: str | None
    title: str
    target: str
    namespace: str
    status: str
    deviated: bool
    score: float | None
    availability: float | None
    p50: float | None
    p95: float | None
    p99: float | None
    outage: float | None
    recovery: float | None
    gates_met: int
    gates_total: int
    labels: dict[str, str] = field(default_factory=dict)
    journal: bytes | None = None  # zlib of the journal's JSON; None when not read

    def values(self) -> tuple[Any, ...]:
        """The columns' values, as both databases take them (``deviated`` as 0 or 1)."""
        return tuple(
            int(self.deviated) if name == "deviated" else getattr(self, name) for name in FIELDS
        )

    def to_json(self) -> dict[str, Any]:
        shown = {name: getattr(self, name) for name in FIELDS}
        return {**shown, "labels": dict(self.labels)}

    def journal_text(self) -> str:
        return zlib.decompress(self.journal).decode() if self.journal is not None else ""

    def with_labels(self, labels: tuple[tuple[str, str], ...]) -> RunRow:
        return replace(self, labels={**self.labels, **dict(labels)})


def utc_iso(text: Any) -> str:
    """A journal's time as UTC ISO 8601 to the millisecond (naive times are UTC, as the
    Chaos Toolkit writes them), so that stored times sort as text."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text or "")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _namespace(experiment: dict[str, Any]) -> str:
    for activity in experiment.get("method") or []:
        arguments = (
            (activity.get("provider") or {}).get("arguments")
            if isinstance(activity, dict)
            else None
        )
        if isinstance(arguments, dict) and isinstance(arguments.get("ns"), str):
            return str(arguments["ns"])
    return ""


def run_id_of(journal: dict[str, Any], text: str) -> str:
    own = (journal.get("chaosrun") or {}).get("run_id")
    return str(own) if own else derived_run_id(utc_iso(journal.get("start")), text)


def row_of(journal: dict[str, Any], labels: dict[str, str] | None = None) -> RunRow:
    """The row of ``journal`` (any journal: chaosrun's, cut short, or the Chaos Toolkit's)."""
    text = json.dumps(journal, ensure_ascii=False, default=str, separators=(",", ":"))
    experiment = journal.get("experiment") or {}
    measurements = journal.get("measurements") or {}
    summary = measurements.get("summary") or {}
    gates = [g for g in journal.get("slo") or [] if isinstance(g, dict)]
    own = journal.get("chaosrun") or {}
    score = score_value(journal)
    outage = _number(summary.get("longest_outage")) if summary else None
    return RunRow(
        id=run_id_of(journal, text),
        started=utc_iso(journal.get("start")),
        ended=utc_iso(journal["end"]) if journal.get("end") else None,
        title=str(experiment.get("title") or ""),
        target=str(own.get("target") or measurements.get("url") or ""),
        namespace=str(own.get("namespace") or _namespace(experiment)),
        status=str(journal.get("status") or "unknown"),
        deviated=bool(journal.get("deviated")),
        score=_number(score),
        availability=_number(summary.get("availability")),
        p50=_number(summary.get("latency_p50_ms")),
        p95=_number(summary.get("latency_p95_ms")),
        p99=_number(summary.get("latency_p99_ms")),
        outage=outage,
        recovery=_number(summary.get("time_to_recover")),
        gates_met=sum(1 for g in gates if g.get("passed")),
        gates_total=len(gates),
        labels={**(own.get("labels") or {}), **(labels or {})},
        # The fastest level: a run's end pays it (a third of level 6's time, 10 % larger).
        journal=zlib.compress(text.encode(), zlib.Z_BEST_SPEED),
    )
