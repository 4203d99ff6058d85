"""Blast-radius limits: how much of what matches one change may hit (``--max-percent``) and
how many Ready pods every affected workload keeps (``--min-healthy``).

The functions that change pods or Deployments check them right before each change; the
engine checks them once more before any change (a refusal then is bad input, exit 2) and
watches the floors while the run lasts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from chaos.actions.errors import ActivityFailed


class BlastRefused(ActivityFailed):
    """A change refused by a blast-radius limit (one sentence naming it and the numbers)."""


@dataclass(frozen=True)
class Floor:
    """``--min-healthy N`` or ``--min-healthy P%``."""

    text: str  # as written, for the messages
    count: int | None = None
    percent: float | None = None

    def required(self, desired: int) -> int:
        """Ready pods a workload of ``desired`` replicas must keep."""
        if self.count is not None:
            return self.count
        assert self.percent is not None
        return math.ceil(self.percent * desired / 100 - 1e-9)


_FLOOR = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


def parse_floor(text: str, where: str = "--min-healthy") -> Floor:
    """``ValueError`` (one sentence) unless ``text`` is ``N`` or ``P%``."""
    match = _FLOOR.match(str(text))
    if match is None:
        raise ValueError(
            f"{where} takes a number of pods or a percentage such as 50%, not {text!r}"
        )
    number, percent = match.groups()
    if percent:
        value = float(number)
        if value > 100:
            raise ValueError(f"{where} {text}: a percentage is at most 100")
        return Floor(text.strip(), percent=value)
    if "." in number:
        raise ValueError(f"{where} takes a whole number of pods, not {text!r}")
    return Floor(text.strip(), count=int(number))


@dataclass(frozen=True)
class BlastLimits:
    max_percent: float | None = None
    min_healthy: Floor | None = None

    def __bool__(self) -> bool:
        return self.max_percent is not None or self.min_healthy is not None


def _number(value: float) -> str:
    return f"{value:g}"


def check_share(limits: BlastLimits, chosen: int, matching: int, what: str) -> None:
    """Refuse when ``chosen`` of ``matching`` (e.g. "pods matching app=back") is more than
    ``--max-percent``."""
    if limits.max_percent is None or matching == 0:
        return
    if chosen * 100 > limits.max_percent * matching:
        share = _number(round(chosen * 100 / matching, 1))
        raise BlastRefused(
            f"--max-percent {_number(limits.max_percent)}: the selection is {chosen} of "
            f"{matching} {what} ({share} %)"
        )


@dataclass(frozen=True)
class Workload:
    """A set of pods whose Ready count has a floor: one selector in one namespace."""

    label: str  # e.g. "pods matching app=back in default", "Deployment default/back"
    namespace: str
    selector: str
    desired: int
    name_pattern: str | None = None


def check_floor(limits: BlastLimits, workload: Workload, remaining: int) -> None:
    """Refuse when ``workload`` would keep fewer Ready pods than ``--min-healthy``."""
    floor = limits.min_healthy
    if floor is None:
        return
    need = floor.required(workload.desired)
    if remaining < need:
        raise BlastRefused(
            f"--min-healthy {floor.text}: {workload.label} would keep {remaining} Ready "
            f"pod(s) of {workload.desired}, fewer than {need}"
        )


def floor_broken(limits: BlastLimits, workload: Workload, ready: int) -> str | None:
    """Why the run must stop (one sentence) when ``workload`` has ``ready`` Ready pods."""
    floor = limits.min_healthy
    if floor is None:
        return None
    need = floor.required(workload.desired)
    if ready >= need:
        return None
    return (
        f"--min-healthy {floor.text}: {workload.label} has {ready} Ready pod(s), fewer than {need}"
    )
