"""The HTML report of any journals: one card per run, several runs side by side on one scale."""

from __future__ import annotations

from chaos.report.html import Report, ReportSection, render_html
from chaos.report.runs import RunView

SIDE_BY_SIDE = "runs"


def section_of(view: RunView, group: str | None = None) -> ReportSection:
    """A run's card: its verdict, its checks, its timeline if it was measured, the trend of
    the experiment's last stored runs."""
    from chaos.history.trend import recent_runs
    from chaos.report.trend import trend_svg

    checks = [
        (f"{c.kind} {c.phase} {c.name}: {c.detail}".replace("  ", " ").strip(": "), c.passed)
        for c in view.checks
        if c.kind == "rollback"
    ]
    note = None
    if view.interruption:
        note = f"Interrupted: {view.interruption}"
    elif view.measurement is None:
        note = "No live measurement in this journal."
    return ReportSection(
        title=view.title,
        story=view.name,
        verdict=view.verdict,
        as_expected=view.ok,
        measurement=view.measurement,
        journal=view.journal,
        checks=checks,
        group=group,
        note=note,
        trend=trend_svg(recent_runs(view.title)),
    )


def runs_report(views: list[RunView]) -> Report:
    group = SIDE_BY_SIDE if len(views) > 1 else None
    sections = [section_of(view, group) for view in views]
    ok = all(view.ok for view in views)
    passed = sum(1 for view in views if view.ok)
    return Report(
        title="chaosrun report",
        subtitle=", ".join(view.name for view in views),
        sections=sections,
        as_expected=ok,
        headline=f"{passed} of {len(views)} run(s) completed without deviation.",
        groups={SIDE_BY_SIDE: "Side by side, on one time scale"} if group else {},
    )


def html_of(views: list[RunView]) -> str:
    return render_html(runs_report(views))
