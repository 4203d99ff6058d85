"""``chaosrun demo``: the whole story on this machine, through the same engine as ``pod``
and ``deployment``, against the local supervisord stack, with live measurement."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import httpx
from pydantic import BaseModel, Field
from rich.console import Console

from chaos.defaults import (
    DEMO_BREAKER_WAIT,
    DEMO_PAGE_TIMEOUT,
    DEMO_PAUSE,
    DEMO_SLOW_DELAY,
    DEMO_SLOW_PAUSE,
    NAMESPACE,
    PROBE_INTERVAL,
)
from chaos.demo.acts import ACTS, Act, ActResult, story_checks
from chaos.demo.progress import ProgressDisplay
from chaos.drivers.base import DriverError
from chaos.drivers.factory import Target, TargetRef
from chaos.drivers.local import LocalDriver, LocalSettings, LocalStack
from chaos.engine.options import MeasureOptions, RunOptions
from chaos.engine.runner import RunHooks
from chaos.engine.session import Session
from chaos.engine.signals import handling
from chaos.experiment.builtin import Chaos, DeploymentChaos, LatencyChaos, PodChaos
from chaos.history import HistoryOptions
from chaos.measure import Measurement, Prober, breaker_url_of
from services.contract import BACKEND_MESSAGE, BREAKER_CLOSED


class DemoOptions(BaseModel):
    output_dir: Path
    pause: float = Field(default=DEMO_PAUSE, ge=0, description="seconds after each chaos action")
    breaker_wait: float = Field(
        default=DEMO_BREAKER_WAIT, gt=0, description="v2's breaker open-state wait"
    )
    probe_interval: float = Field(
        default=PROBE_INTERVAL, gt=0, description="live measurement interval"
    )
    # Act 4's pause: v2's breaker opens within it and is still open at its end.
    slow_pause: float = Field(default=DEMO_SLOW_PAUSE, gt=0, description="act 4's pause")
    recovery_timeout: float = Field(default=20.0, gt=0)
    ready_timeout: float = Field(default=60.0, gt=0)


@dataclass
class Recovery:
    """After act 3's restore: how long until v2 shows the backend's message again."""

    measurement: Measurement | None = None
    seconds: float | None = None

    @property
    def recovered(self) -> bool:
        return self.seconds is not None


@dataclass
class DemoOutcome:
    options: DemoOptions
    acts: list[ActResult] = field(default_factory=list)
    recovery: Recovery = field(default_factory=Recovery)
    started_at: str = ""
    wall_time: float = 0.0
    interrupted: bool = False
    error: str | None = None
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def as_expected(self) -> bool:
        return (
            not self.interrupted
            and self.error is None
            and len(self.acts) == len(ACTS)
            and all(a.as_expected for a in self.acts)
            and self.recovery.recovered
        )


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """Outside the engine's runs, SIGTERM and SIGHUP stop the demo like Ctrl-C."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    with handling(handler, (signal.SIGTERM, signal.SIGHUP)):
        yield


@contextlib.contextmanager
def _no_interrupts() -> Iterator[None]:
    """While the stack goes down, Ctrl-C and SIGTERM wait: no process may be left behind."""
    with handling(signal.SIG_IGN):
        yield


def act_chaos(act: Act, options: DemoOptions) -> Chaos:
    """The same chaos ``chaosrun pod`` / ``deployment`` / ``latency`` bring."""
    if act.chaos == "pod":
        return PodChaos(namespace=NAMESPACE, pause=options.pause, label_selector=act.selector)
    if act.chaos == "latency":
        return LatencyChaos(
            namespace=NAMESPACE,
            delay=DEMO_SLOW_DELAY,
            duration=options.slow_pause,
            page_timeout=DEMO_PAGE_TIMEOUT,
        )
    return DeploymentChaos(namespace=NAMESPACE, pause=options.pause)


def run_act(
    act: Act, driver: LocalDriver, options: DemoOptions, hooks: RunHooks | None = None
) -> ActResult:
    """Run one act through the same session as the CLI; the journal goes to the output dir."""
    url = driver.service_url(act.service, NAMESPACE)
    if url is None:
        raise DriverError(f"The local stack has no {act.service} service.")
    journal_path = options.output_dir / act.journal_name
    run_options = RunOptions(
        target=TargetRef(Target.local, state_dir=str(driver.stack.state_dir)),
        journal_path=journal_path,
        measurement=MeasureOptions(
            probe_interval=options.probe_interval,
            breaker_url=breaker_url_of(url) if act.frontend == "v2" else None,
            slo=act.slo,
        ),
        history=HistoryOptions(labels=(("act", act.slug), ("frontend", act.frontend))),
    )
    session = Session(run_options, hooks=hooks, driver=driver)
    result = session.run_builtin(act_chaos(act, options), frontend_url=url)
    measurement = result.measurement if isinstance(result.measurement, Measurement) else None
    return ActResult(
        act=act,
        journal=result.journal,
        journal_path=journal_path,
        measurement=measurement,
        checks=story_checks(act, result.journal, measurement),
    )


def _shows_backend(url: str) -> bool:
    try:
        page = httpx.get(f"{url}/", timeout=1.0, trust_env=False)
        state = httpx.get(breaker_url_of(url), timeout=1.0, trust_env=False).json().get("state")
    except (httpx.HTTPError, ValueError, AttributeError):
        return False
    return page.status_code == 200 and BACKEND_MESSAGE in page.text and state == BREAKER_CLOSED


def watch_recovery(url: str, options: DemoOptions) -> Recovery:
    """Probe v2 (and its breaker) until it serves the backend message with a closed breaker."""
    prober = Prober(url, interval=options.probe_interval, breaker_url=breaker_url_of(url))
    prober.start()
    started = time.monotonic()
    seconds: float | None = None
    try:
        while time.monotonic() - started < options.recovery_timeout:
            if _shows_backend(url):
                seconds = time.monotonic() - started
                break
            time.sleep(options.probe_interval)
        if seconds is not None:
            time.sleep(min(0.5, 5 * options.probe_interval))  # a few healthy samples after
    finally:
        measurement = prober.stop()
    return Recovery(measurement=measurement, seconds=seconds)


def _verdict_line(result: ActResult) -> str:
    mark = "[green]as expected[/green]" if result.as_expected else "[red]NOT as expected[/red]"
    act = result.act
    line = f"{act.title}: [bold]{result.verdict}[/bold] (expected {act.expected}), {mark}"
    m = result.measurement
    if m is not None and m.summary.availability is not None:
        line += (
            f" - availability {m.summary.availability:.1f} %, "
            f"longest outage {m.summary.longest_outage:.2f} s"
        )
    for check, ok in result.checks:
        if not ok:
            line += f"\n  [red]failed check: {check}[/red]"
    return line


def _recover(url: str, options: DemoOptions, console: Console) -> Recovery:
    console.rule("[bold]After the restore")
    recovery = watch_recovery(url, options)
    if recovery.seconds is not None:
        console.print(
            "v2 serves the backend message again, breaker closed, "
            f"{recovery.seconds:.1f} s after the restore.",
            highlight=False,
        )
    else:
        console.print(f"[red]v2 did not recover within {options.recovery_timeout:.0f} s.[/red]")
    return recovery


def run_demo(options: DemoOptions, console: Console) -> DemoOutcome:
    """Bring the stack up, play the acts (v2's recovery after act 3), bring it down."""
    from datetime import UTC, datetime

    outcome = DemoOutcome(options=options, started_at=datetime.now(UTC).isoformat())
    started = time.monotonic()
    options.output_dir.mkdir(parents=True, exist_ok=True)
    stack = LocalStack(
        options.output_dir / "stack",
        LocalSettings(
            backend_port=0,
            front_v1_port=0,
            front_v2_port=0,
            breaker_wait=options.breaker_wait,
            backend_timeout=1.0,
        ),
    )
    display = ProgressDisplay(console)
    try:
        with _sigterm_as_ctrl_c(), display.running():
            display.phase("Bringing the local stack up (supervisord)")
            layout = stack.up(timeout=options.ready_timeout).layout
            driver = LocalDriver(stack.state_dir)
            outcome.urls = {p.name: p.url for p in layout.programs.values()}
            console.print(
                "Local stack up: "
                + ", ".join(f"{name} {url}" for name, url in outcome.urls.items()),
                highlight=False,
            )
            for act in ACTS:
                display.phase(act.title)
                stack.wait_ready(list(layout.programs.values()), options.ready_timeout)
                console.rule(f"[bold]{act.title}")
                console.print(act.story, style="italic", highlight=False)
                result = run_act(act, driver, options, RunHooks(on_pause=display.countdown))
                outcome.acts.append(result)
                if result.journal.get("status") == "interrupted":
                    raise KeyboardInterrupt
                console.print(_verdict_line(result), highlight=False)
                if act.recovery:
                    display.phase("Waiting for v2 to show the backend message again")
                    outcome.recovery = _recover(outcome.urls["front-v2"], options, console)
    except KeyboardInterrupt:
        outcome.interrupted = True
        console.print("[yellow]Interrupted: bringing the local stack down.[/yellow]")
    except DriverError as exc:
        outcome.error = str(exc)
        console.print(f"[red]{exc}[/red]", highlight=False)
    finally:
        with _no_interrupts(), console.status("Bringing the local stack down"):
            stack.down()
    outcome.wall_time = time.monotonic() - started
    return outcome
