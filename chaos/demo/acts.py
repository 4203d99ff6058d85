"""The four acts of the story the demo tells (see the README) and their verdicts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chaos.defaults import DEMO_PAGE_TIMEOUT, DEMO_SLOW_DELAY
from chaos.experiment.builtin import FRONTEND_PROBE
from chaos.experiment.journal import Journal, probe_output
from chaos.measure import Measurement
from services.contract import BACKEND_MESSAGE, BREAKER_OPEN, FALLBACK_MESSAGE


@dataclass(frozen=True)
class Check:
    """One more thing an act promises beyond its verdict, judged from what the run left."""

    description: str
    holds: Callable[[Journal, Measurement | None], bool]


def _page(journal: Journal) -> dict[str, object]:
    output = probe_output(journal, "after", FRONTEND_PROBE)
    return output if isinstance(output, dict) else {}


def page_shows(text: str) -> Callable[[Journal, Measurement | None], bool]:
    return lambda journal, _: text in str(_page(journal).get("body"))


def page_status(status: int) -> Callable[[Journal, Measurement | None], bool]:
    return lambda journal, _: _page(journal).get("status") == status


def breaker_opened(journal: Journal, measurement: Measurement | None) -> bool:
    return measurement is not None and any(
        t.to_state == BREAKER_OPEN for t in measurement.summary.breaker_transitions
    )


def measured(journal: Journal, measurement: Measurement | None) -> bool:
    return measurement is None or measurement.summary.requests > 0


def rolled_back(journal: Journal, measurement: Measurement | None) -> bool:
    rollbacks = journal.get("rollbacks") or []
    return bool(rollbacks) and all(r.get("status") == "succeeded" for r in rollbacks)


def pages_take(seconds: float) -> Callable[[Journal, Measurement | None], bool]:
    """The median page took ``seconds`` or longer."""

    def holds(journal: Journal, measurement: Measurement | None) -> bool:
        p50 = measurement.summary.latency_p50_ms if measurement is not None else None
        return p50 is not None and p50 >= seconds * 1000

    return holds


MEASURED = Check("live measurement recorded", measured)
RESTORED = Check("the backend was restored", rolled_back)
SPED_UP = Check("the backend answers at full speed again", rolled_back)


@dataclass(frozen=True)
class Act:
    number: int
    slug: str
    title: str
    short: str  # for narrow tables
    story: str
    chaos: str  # "pod", "deployment" or "latency"
    service: str  # the local Service probed and checked
    frontend: str  # "v1" or "v2"
    expected: str  # "completed" or "deviated"
    checks: tuple[Check, ...] = ()
    selector: str | None = None
    group: str | None = None  # acts of a group are drawn side by side in the report
    slo: tuple[str, ...] = ()  # SLO gates on the live measurement (chaosrun --slo)
    recovery: bool = False  # then watch v2 recover after the restore

    @property
    def journal_name(self) -> str:
        return f"act{self.number}-{self.slug}.json"


# Act 4's gate for v1: half the pages within the hypothesis' page timeout. (v2's first slow
# calls, before its breaker opens, take a good part of a short pause: no latency gate there.)
PAGE_LATENCY_GATE = f"p50<={DEMO_PAGE_TIMEOUT * 1000:g}ms"

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
        checks=(
            MEASURED,
            Check("the new pod serves the backend message", page_shows(BACKEND_MESSAGE)),
        ),
        selector="app=front,version=v1",
        slo=("recovery<=10s",),
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
        checks=(MEASURED, Check("v1 answers 502 without its backend", page_status(502)), RESTORED),
        group="backend",
        slo=("availability>=99%",),
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
        checks=(
            MEASURED,
            Check("v2 serves the fallback page", page_shows(FALLBACK_MESSAGE)),
            Check("v2's breaker opened", breaker_opened),
            RESTORED,
        ),
        group="backend",
        slo=("availability>=100%", "errors<=0"),
        recovery=True,
    ),
    Act(
        number=4,
        slug="slow-backend-v1",
        title="Act 4: slow backend, frontend v1",
        short="slow backend",
        story=f"Chaos makes the backend answer {DEMO_SLOW_DELAY:g} s late. v1 waits for it on "
        f"every page, longer than the hypothesis allows ({DEMO_PAGE_TIMEOUT:g} s): it is "
        "broken, though every page still answers 200.",
        chaos="latency",
        service="frontend-v1",
        frontend="v1",
        expected="deviated",
        checks=(
            MEASURED,
            Check("v1's pages took the whole delay", pages_take(DEMO_SLOW_DELAY)),
            SPED_UP,
        ),
        group="slow",
        slo=(PAGE_LATENCY_GATE,),
    ),
    Act(
        number=4,
        slug="slow-backend-v2",
        title="Act 4: slow backend, frontend v2",
        short="slow backend",
        story="The same slow backend under v2: its slow calls open the breaker (slow-call "
        "rate), and the page answers the fallback at once.",
        chaos="latency",
        service="frontend-v2",
        frontend="v2",
        expected="completed",
        checks=(
            MEASURED,
            Check("v2 serves the fallback page", page_shows(FALLBACK_MESSAGE)),
            Check("v2's breaker opened", breaker_opened),
            SPED_UP,
        ),
        group="slow",
        slo=("availability>=100%",),
    ),
)


@dataclass
class ActResult:
    act: Act
    journal: Journal
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


def story_checks(
    act: Act, journal: Journal, measurement: Measurement | None
) -> list[tuple[str, bool]]:
    """What the act promises beyond the verdict, each with whether it held."""
    return [(check.description, check.holds(journal, measurement)) for check in act.checks]
