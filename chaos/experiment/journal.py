"""The journal's layout, as the Chaos Toolkit's journal reference gives it, plus chaosrun's keys.

The runner writes it; the demo and the report read it. Keys are optional for a reader: a
journal written by the Chaos Toolkit, or cut short, may lack any of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, TypedDict

from chaos.errors import BadInput


class ActivityRun(TypedDict, total=False):
    """One activity as it ran: what it was, what it returned, how it ended."""

    activity: dict[str, Any]
    output: Any
    start: str
    end: str
    duration: float
    status: str  # succeeded, failed or skipped
    exception: list[str]
    tolerance_met: bool  # probes of a steady-state hypothesis


class SteadyState(TypedDict):
    steady_state_met: bool
    probes: list[ActivityRun]


class SteadyStates(TypedDict):
    before: SteadyState | None
    after: SteadyState | None
    during: list[SteadyState]


Journal = TypedDict(
    "Journal",
    {
        "chaoslib-version": str | None,
        "chaosrun-version": str,
        "platform": str,
        "node": str,
        "experiment": dict[str, Any],
        "start": str,
        "end": str | None,
        "duration": float | None,
        "status": str | None,  # completed, failed, aborted or interrupted
        "deviated": bool,
        "steady_states": SteadyStates,
        "run": list[ActivityRun],
        "rollbacks": list[ActivityRun],
        "measurements": dict[str, Any],  # chaosrun's live measurement
        "slo": list[dict[str, Any]],  # chaosrun's SLO gates: gate, bound, value, passed
        "interruption": dict[
            str, Any
        ],  # why the run stopped early: a signal, a control, a safeguard, an abort rule
        "chaosrun": dict[str, Any],  # chaosrun's record: seed, snapshots, restores, run record
    },
    total=False,
)


def probe_output(journal: Journal, phase: Literal["before", "after"], name: str) -> Any:
    """The output of probe ``name`` in the hypothesis check ``phase``, if it ran."""
    states = journal.get("steady_states")
    state = states.get(phase) if states else None
    for probe in state["probes"] if state else []:
        if probe.get("activity", {}).get("name") == name:
            return probe.get("output")
    return None


def load_journal(path: Path) -> Journal:
    """The journal in ``path``; ``BadInput`` with one sentence if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"cannot read journal {path}: {exc.strerror or exc}.") from None
    except ValueError as exc:
        raise BadInput(f"{path} is not JSON ({exc}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("experiment"), dict):
        raise BadInput(f"{path} is not a journal: it has no 'experiment' object.")
    return data  # type: ignore[return-value]


__all__ = [
    "ActivityRun",
    "Journal",
    "SteadyState",
    "SteadyStates",
    "load_journal",
    "probe_output",
]
