"""The three acts of the story the demo tells (see the README) and their verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaos.measure import Measurement
from services.contract import BACKEND_MESSAGE, FALLBACK_MESSAGE


@dataclass(frozen=True)
class Act:
    number: int
    slug: str
    title: str
    short: str  # for narrow tables
    story: str
    chaos: str  # "pod" or "deployment"
    service: str  # the local Service probed and checked
    frontend: str  # "v1" or "v2"
    expected: str  # "completed" or "deviated"
    selector: str | None = None
    group: str | None = None  # acts of a group are drawn side by side in the report

    @property
    def journal_name(self) -> str:
        return f"act{self.number}-{self.slug}.json"


ACTS = (
    Act(
        number=1,
        slug="kill-frontend-pod",
        title="Act 1: kill the frontend pod",
        short="kill front pod",
        story="Chaos terminates the frontend v1 pod; supervisord (the ReplicaSet) starts a new "
        "one; the hypothesis still holds.",
        chaos="pod",
        service="frontend-v1",
        frontend="v1",
        expected="completed",
        selector="app=front,version=v1",
    ),
    Act(
        number=2,
        slug="delete-backend-v1",
        title="Act 2: delete the backend, frontend v1",
        short="delete backend",
        story="Chaos deletes the backend Deployment. v1 calls it directly, so its page fails "
        "with 502: the hypothesis is broken.",
        chaos="deployment",
        service="frontend-v1",
        frontend="v1",
        expected="deviated",
        group="backend",
    ),
    Act(
        number=3,
        slug="delete-backend-v2",
        title="Act 3: delete the backend, frontend v2",
        short="delete backend",
        story="Same chaos against v2: its circuit breaker opens and the page still answers 200 "
        "with the fallback text.",
        chaos="deployment",
        service="frontend-v2",
        frontend="v2",
        expected="completed",
        group="backend",
    ),
)


@dataclass
class ActResult:
    act: Act
    journal: dict[str, Any]
    journal_path: Path
    measurement: Measurement | None
    checks: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """``deviated`` when the hypothesis broke after the chaos, else the journal's status."""
        return "deviated" if self.journal.get("deviated") else str(self.journal.get("status"))

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.act.expected and all(ok for _, ok in self.checks)


def _after_probe_output(journal: dict[str, Any], name: str) -> Any:
    after = (journal.get("steady_states") or {}).get("after") or {}
    for probe in after.get("probes", []):
        if probe.get("activity", {}).get("name") == name:
            return probe.get("output")
    return None


def story_checks(
    act: Act, journal: dict[str, Any], measurement: Measurement | None
) -> list[tuple[str, bool]]:
    """What else the story promises beyond the verdict, checked from the journal."""
    checks: list[tuple[str, bool]] = []
    if measurement is not None:
        checks.append(("live measurement recorded", measurement.summary.requests > 0))
    output = _after_probe_output(journal, "front-service-must-still-respond")
    body = output.get("body") if isinstance(output, dict) else None
    if act.number == 1:
        checks.append(("the new pod serves the backend message", BACKEND_MESSAGE in str(body)))
    elif act.number == 2:
        status = output.get("status") if isinstance(output, dict) else None
        checks.append(("v1 answers 502 without its backend", status == 502))
    elif act.number == 3:
        checks.append(("v2 serves the fallback page", FALLBACK_MESSAGE in str(body)))
        if measurement is not None:
            opened = any(t.to_state == "open" for t in measurement.summary.breaker_transitions)
            checks.append(("v2's breaker opened", opened))
    rollbacks = journal.get("rollbacks") or []
    if act.chaos == "deployment":
        restored = bool(rollbacks) and all(r.get("status") == "succeeded" for r in rollbacks)
        checks.append(("the backend was restored", restored))
    return checks
