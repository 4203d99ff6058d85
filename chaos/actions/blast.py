"""Blast-radius limits: how much of what matches one change may hit (``--max-percent``) and
how many Ready pods every affected workload keeps (``--min-healthy``).

The functions that change pods or Deployments check them right before each change; the
engine checks them once more before any change (a refusal then is bad input, exit 2) and
watches the floors while the run lasts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
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
        """Ready pods a workload of ``desired`` replicas must keep (the higher of a count
        and a percentage, when a policy gave one and a flag the other)."""
        by_share = math.ceil(self.percent * desired / 100 - 1e-9) if self.percent else 0
        return max(self.count or 0, by_share)


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
    require_label: str | None = None  # key or key=value every object hit carries
    # The namespace policy each limit comes from ("chaosrun-policy in default"), if one.
    share_by: str | None = None
    floor_by: str | None = None
    label_by: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.max_percent, self.min_healthy, self.require_label))


# The limits in a namespace whose policy is read only as the pods a change reaches are picked
# (a drain's evicted pods): (namespace, function) -> the run's own limits tightened by that
# namespace's policy; ``BlastRefused`` naming the policy when it refuses the function or the hour.
PolicyReader = Callable[[str, str], BlastLimits]


def strictest_share(limits: Iterable[BlastLimits]) -> BlastLimits:
    """Of ``limits`` (the first is the run's own), the one whose ``max-percent`` is lowest."""
    given = list(limits)
    shares = [lim for lim in given if lim.max_percent is not None]
    return min(shares, key=lambda lim: lim.max_percent or 0.0) if shares else given[0]


def _number(value: float) -> str:
    return f"{value:g}"


def check_share(limits: BlastLimits, chosen: int, matching: int, what: str) -> None:
    """Refuse when ``chosen`` of ``matching`` (e.g. "pods matching app=back") is more than
    ``--max-percent``."""
    if limits.max_percent is None or matching == 0:
        return
    if chosen * 100 > limits.max_percent * matching:
        share = _number(round(chosen * 100 / matching, 1))
        if limits.share_by:
            raise BlastRefused(
                f"refused by {limits.share_by}: max-percent {_number(limits.max_percent)}, the "
                f"selection is {share} % ({chosen} of {matching} {what})"
            )
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
        guard = f"refused by {limits.floor_by}: min-healthy" if limits.floor_by else "--min-healthy"
        raise BlastRefused(
            f"{guard} {floor.text}: {workload.label} would keep {remaining} Ready "
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
    guard = f"{limits.floor_by}: min-healthy" if limits.floor_by else "--min-healthy"
    return f"{guard} {floor.text}: {workload.label} has {ready} Ready pod(s), fewer than {need}"


def carries(labels: dict[str, str], required: str) -> bool:
    key, _, value = required.partition("=")
    return key in labels and (not value or labels[key] == value)


def check_labels(limits: BlastLimits, kind: str, hit: list[tuple[str, dict[str, str]]]) -> None:
    """Refuse when an object about to be hit lacks the policy's ``require-label``."""
    if limits.require_label is None:
        return
    for name, labels in hit:
        if not carries(labels, limits.require_label):
            raise BlastRefused(
                f"refused by {limits.label_by or 'the policy'}: require-label "
                f"{limits.require_label}, {kind} {name} does not carry it"
            )
