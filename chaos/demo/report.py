"""The demo's outcome as console tables and the self-contained HTML report."""

from __future__ import annotations

import os
from pathlib import Path

from rich import box
from rich.table import Table

from chaos.defaults import (
    DEMO_PAGE_TIMEOUT,
    DEMO_SLOW_CALL_RATE,
    DEMO_SLOW_CALL_THRESHOLD,
    DEMO_SLOW_DELAY,
)
from chaos.demo.acts import ActResult
from chaos.demo.story import DemoOutcome, Recovery
from chaos.measure import Measurement
from chaos.measure.text import percent
from chaos.report import Report, ReportSection, write_report
from chaos.report.pages import section_of
from chaos.report.runs import view_of
from services.contract import BREAKER_CLOSED, BREAKER_HALF_OPEN, BREAKER_OPEN

REPORT_NAME = "report.html"


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()


def _act_section(r: ActResult, out: Path) -> ReportSection:
    """The act's run as ``chaosrun report`` draws any run, told as the story's act."""
    section = section_of(view_of(r.journal, r.journal_path.name), group=r.act.group)
    section.title = r.act.title
    section.story = r.act.story
    section.frontend = r.act.frontend
    section.expected = r.act.expected
    section.verdict = r.verdict
    section.as_expected = r.as_expected
    section.measurement = r.measurement
    section.journal_file = _relative(r.journal_path, out)
    section.checks = r.checks
    return section


def _recovery_section(recovery: Recovery) -> ReportSection:
    note = (
        f"v2 showed the backend's message again, with its breaker closed, "
        f"{recovery.seconds:.1f} s after the backend was restored."
        if recovery.seconds is not None
        else "v2 did not show the backend's message again in time."
    )
    return ReportSection(
        title="After the restore: v2 closes its breaker",
        story="The backend is back; v2's breaker waits, half-opens, lets trial calls "
        "through and closes.",
        frontend="v2",
        expected="recovered",
        verdict="recovered" if recovery.recovered else "not recovered",
        as_expected=recovery.recovered,
        measurement=recovery.measurement,
        note=note,
    )


def build_report(outcome: DemoOutcome) -> Report:
    out = outcome.options.output_dir
    sections = []
    for r in outcome.acts:
        sections.append(_act_section(r, out))
        if r.act.recovery and outcome.recovery.measurement is not None:
            sections.append(_recovery_section(outcome.recovery))
    if outcome.interrupted:
        headline = "Interrupted: the story was not played to the end."
    elif outcome.error:
        headline = f"The demo could not run: {outcome.error}"
    elif outcome.as_expected:
        headline = (
            "The story came out as expected: the pod kill is absorbed, v1 fails without its "
            "backend, v2 serves its fallback and recovers; with a slow backend v1 is slow, "
            "v2's breaker opens on the slow calls and answers at once."
        )
    else:
        headline = "The story did NOT come out as expected: see the runs marked ✗."
    o = outcome.options
    facts = [
        ("Started", outcome.started_at),
        ("Wall time", f"{outcome.wall_time:.1f} s"),
        ("Pause after each chaos action", f"{o.pause:g} s (act 4: {o.slow_pause:g} s)"),
        ("Act 4's backend delay", f"{DEMO_SLOW_DELAY:g} s"),
        ("Act 4's page timeout (hypothesis)", f"{DEMO_PAGE_TIMEOUT:g} s"),
        (
            "v2 slow-call threshold / rate",
            f"{DEMO_SLOW_CALL_THRESHOLD:g} s / {DEMO_SLOW_CALL_RATE:g} %",
        ),
        ("v2 breaker wait in the open state", f"{o.breaker_wait:g} s"),
        ("Probe interval", f"{o.probe_interval * 1000:g} ms"),
        *[(f"URL of {name}", url) for name, url in outcome.urls.items()],
        ("Services' logs", _relative(o.output_dir / "stack" / "logs", out)),
    ]
    return Report(
        title="chaosrun demo",
        subtitle="The chaos-engineering story on a local supervisord stack: "
        "kill the frontend pod, delete the backend under frontend v1 and v2, then make it slow.",
        sections=sections,
        as_expected=outcome.as_expected,
        headline=headline,
        groups={
            "backend": "The backend is deleted: frontend v1 and v2 side by side",
            "slow": "The backend is slow: frontend v1 and v2 side by side",
        },
        facts=facts,
    )


def write_demo_report(outcome: DemoOutcome) -> Path:
    return write_report(outcome.options.output_dir / REPORT_NAME, build_report(outcome))


_SHORT_STATES = {BREAKER_CLOSED: "C", BREAKER_OPEN: "O", BREAKER_HALF_OPEN: "H"}


def _breaker_path(m: Measurement | None) -> str:
    if m is None or not m.summary.breaker_transitions:
        return "-"
    transitions = m.summary.breaker_transitions
    states = [transitions[0].from_state] + [t.to_state for t in transitions]
    return "→".join(_SHORT_STATES.get(state, state) for state in states)


def _result(verdict: str, expected: str, ok: bool) -> str:
    if ok:
        return f"{verdict} [green]✓[/green]"
    return f"{verdict} [red]✗[/red] (expected {expected})"


def summary_table(outcome: DemoOutcome) -> Table:
    """Fits 80 columns: one row per act, plus v2's recovery after the restore."""
    table = Table(
        title="chaosrun demo: summary",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption="Breaker: C closed, O open, H half-open. Outage: longest, in seconds.",
        caption_justify="left",
    )
    table.add_column("Act", no_wrap=True)
    table.add_column("Front", no_wrap=True)
    table.add_column("Result")
    table.add_column("Avail.", justify="right", no_wrap=True)
    table.add_column("Outage", justify="right", no_wrap=True)
    table.add_column("p95", justify="right", no_wrap=True)
    table.add_column("Breaker")
    for r in outcome.acts:
        s = r.measurement.summary if r.measurement else None
        table.add_row(
            f"{r.act.number} {r.act.short}",
            r.act.frontend,
            _result(r.verdict, r.act.expected, r.as_expected),
            percent(s.availability if s else None),
            "-" if s is None else f"{s.longest_outage:.2f}",
            "-" if s is None or s.latency_p95_ms is None else f"{s.latency_p95_ms:.0f} ms",
            _breaker_path(r.measurement),
        )
        rec = outcome.recovery
        if r.act.recovery and rec.measurement is not None:
            s = rec.measurement.summary
            verdict = "recovered" if rec.seconds is not None else "stuck"
            table.add_row(
                "  after restore",
                "v2",
                _result(verdict, "recovered", rec.recovered),
                percent(s.availability),
                f"{s.longest_outage:.2f}",
                "-" if s.latency_p95_ms is None else f"{s.latency_p95_ms:.0f} ms",
                _breaker_path(rec.measurement),
            )
    return table
