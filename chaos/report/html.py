"""One self-contained HTML page (inline CSS and SVG, no script, no network) for a set of runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from chaos.experiment.journal import Journal
from chaos.history.score import score_of, score_text, score_value
from chaos.measure import Measurement
from chaos.measure.text import millis, percent, seconds
from chaos.report.timeline import legend_html, timeline_svg

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       background: #f1f3f5; color: #212529; line-height: 1.45; }
header { background: #212529; color: #f8f9fa; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: #ced4da; }
main { padding: 20px 28px 40px; max-width: 1400px; }
.banner { padding: 12px 16px; border-radius: 6px; font-weight: 600; margin-bottom: 18px; }
.banner.good { background: #d3f9d8; color: #2b8a3e; border: 1px solid #8ce99a; }
.banner.bad { background: #ffe3e3; color: #c92a2a; border: 1px solid #ffa8a8; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #dee2e6; padding: 5px 9px; text-align: left; vertical-align: top; }
th { background: #e9ecef; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 18px;
        margin-top: 18px; }
.card { background: #fff; border: 1px solid #dee2e6; border-radius: 8px; padding: 14px 18px;
        margin-top: 18px; }
.grid .card { margin-top: 0; }
.card h2 { margin: 0 0 4px; font-size: 18px; }
.card .story { margin: 0 0 8px; color: #495057; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px;
         font-weight: 600; white-space: nowrap; }
.badge.good { background: #d3f9d8; color: #2b8a3e; }
.badge.bad { background: #ffe3e3; color: #c92a2a; }
.badge.neutral { background: #e9ecef; color: #495057; }
ul.checks { margin: 6px 0 8px; padding-left: 20px; }
ul.checks li.ok::marker { content: "✓ "; color: #2b8a3e; }
ul.checks li.ko::marker { content: "✗ "; color: #c92a2a; }
.figures td:first-child { color: #495057; white-space: nowrap; }
.figures { font-size: 13px; margin-top: 8px; }
svg.timeline { display: block; max-width: 820px; height: auto; margin: 8px 0; }
.legend { font-size: 12px; color: #495057; margin: 6px 0; }
.swatch { margin-right: 12px; white-space: nowrap; }
.swatch i { display: inline-block; width: 11px; height: 11px; margin-right: 4px;
            vertical-align: -1px; border-radius: 2px; }
.swatch i.outage { background: rgba(224, 49, 49, 0.12); border: 1px dashed #e03131; }
details { margin-top: 8px; font-size: 13px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
              font-size: 12.5px; }
h3.group { margin: 28px 0 0; font-size: 16px; color: #343a40; }
footer { color: #868e96; font-size: 12px; margin-top: 28px; }
"""


@dataclass
class ReportSection:
    """One run (or one observation) drawn as a card."""

    title: str
    story: str = ""
    frontend: str | None = None
    expected: str | None = None
    verdict: str | None = None
    as_expected: bool | None = None
    measurement: Measurement | None = None
    journal: Journal | None = None
    journal_file: str | None = None
    checks: list[tuple[str, bool]] = field(default_factory=list)
    group: str | None = None  # sections of a group are drawn side by side on one time scale
    note: str | None = None
    trend: str = ""  # the experiment's last runs, as chaos.report.trend draws them


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[ReportSection]
    as_expected: bool | None = None
    headline: str = ""
    groups: dict[str, str] = field(default_factory=dict)  # group key -> heading
    facts: list[tuple[str, str]] = field(default_factory=list)  # footer key/values


def _verdict_badge(section: ReportSection, with_expected: bool = True) -> str:
    if section.verdict is None:
        return ""
    cls = "neutral" if section.as_expected is None else ("good" if section.as_expected else "bad")
    expected = (
        f" (expected {escape(section.expected)})" if section.expected and with_expected else ""
    )
    mark = "" if section.as_expected is None else (" ✓" if section.as_expected else " ✗")
    return f'<span class="badge {cls}">{escape(section.verdict)}{expected}{mark}</span>'


def _hypothesis_html(journal: Journal) -> str:
    rows = []
    states = journal.get("steady_states")
    checks = (states.get("before"), states.get("after")) if states else ()
    for phase, state in zip(("before", "after"), checks, strict=False):
        if not state:
            continue
        for probe in state.get("probes", []):
            name = probe.get("activity", {}).get("name", "?")
            output = probe.get("output")
            if isinstance(output, dict) and "status" in output:
                shown = f"status {output['status']}"
            elif probe.get("status") == "failed":
                shown = "".join(probe.get("exception") or ["failed"]).strip()
            else:
                shown = repr(output)
            met = probe.get("tolerance_met")
            mark = "✓" if met else "✗"
            rows.append(
                f"<tr><td>{phase}</td><td class='mono'>{escape(name)}</td>"
                f"<td>{mark}</td><td class='mono'>{escape(shown[:160])}</td></tr>"
            )
    if not rows:
        return ""
    return (
        "<details><summary>Steady-state hypothesis, before and after</summary>"
        "<table><tr><th>when</th><th>probe</th><th>met</th><th>output</th></tr>"
        + "".join(rows)
        + "</table></details>"
    )


def _gates_html(journal: Journal) -> str:
    gates = journal.get("slo") or []
    if not gates:
        return ""
    rows = "".join(
        f"<tr><td class='mono'>{escape(str(g.get('gate')))}</td>"
        f"<td class='num'>{escape(str(g.get('shown', '-')))}</td>"
        f"<td>{'✓ met' if g.get('passed') else '✗ not met'}</td></tr>"
        for g in gates
    )
    return (
        '<table class="figures gates"><tr><th>SLO gate</th><th>seen</th><th>verdict</th></tr>'
        f"{rows}</table>"
    )


def _card(section: ReportSection, x_max: float | None, breaker_row: bool = False) -> str:
    parts = [f'<section class="card"><h2>{escape(section.title)}</h2>']
    if section.story:
        parts.append(f'<p class="story">{escape(section.story)}</p>')
    badge = _verdict_badge(section)
    if badge or section.frontend:
        front = f" frontend <b>{escape(section.frontend)}</b>" if section.frontend else ""
        parts.append(f"<div>{badge}{front}</div>")
    if section.checks:
        items = "".join(
            f'<li class="{"ok" if ok else "ko"}">{escape(text)}</li>' for text, ok in section.checks
        )
        parts.append(f'<ul class="checks">{items}</ul>')
    if section.note:
        parts.append(f"<p>{escape(section.note)}</p>")
    if section.trend:
        parts.append(section.trend)
    m = section.measurement
    if m is not None:
        parts.append(timeline_svg(m, x_max=x_max, breaker_row=breaker_row))
        rows = "".join(
            f"<tr><td>{escape(label)}</td><td>{escape(value)}</td></tr>"
            for label, value in m.summary_rows()
        )
        parts.append(f'<table class="figures">{rows}</table>')
    if section.journal is not None:
        parts.append(f'<p class="score">{escape(score_of(section.journal).line())}</p>')
        parts.append(_gates_html(section.journal))
        parts.append(_hypothesis_html(section.journal))
    if section.journal_file:
        href = escape(section.journal_file, quote=True)
        parts.append(
            f'<p>Journal: <a href="{href}"><code>{escape(section.journal_file)}</code></a></p>'
        )
    parts.append("</section>")
    return "\n".join(parts)


def _summary_table(sections: list[ReportSection]) -> str:
    # A story's runs say which frontend they hit and what was expected; plain journals do not.
    story = any(s.frontend or s.expected for s in sections)
    head = (
        "<tr><th>Run</th>"
        + ("<th>Frontend</th><th>Expected</th>" if story else "")
        + "<th>Result</th><th>Score</th><th>Availability</th>"
        "<th>Requests</th><th>Longest outage</th><th>Time to recover</th><th>p95 latency</th>"
        "<th>Breaker transitions</th></tr>"
    )
    rows = []
    for s in sections:
        m = s.measurement
        summary = m.summary if m is not None else None
        transitions = "-"
        if m is not None and m.breaker_url is not None:
            transitions = str(len(summary.breaker_transitions)) if summary else "-"
        rows.append(
            "<tr>"
            f"<td>{escape(s.title)}</td>"
            + (
                f"<td>{escape(s.frontend or '-')}</td><td>{escape(s.expected or '-')}</td>"
                if story
                else ""
            )
            + f"<td>{_verdict_badge(s, with_expected=False) or '-'}</td>"
            f"<td class='num'>{score_text(score_value(s.journal)) if s.journal else '-'}</td>"
            f"<td class='num'>{percent(summary.availability if summary else None)}</td>"
            f"<td class='num'>{summary.requests if summary else '-'}</td>"
            f"<td class='num'>{seconds(summary.longest_outage if summary else None)}</td>"
            f"<td class='num'>{seconds(summary.time_to_recover if summary else None)}</td>"
            f"<td class='num'>{millis(summary.latency_p95_ms if summary else None)}</td>"
            f"<td class='num'>{transitions}</td>"
            "</tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def render_html(report: Report) -> str:
    """The whole page as one string."""
    body: list[str] = []
    if report.as_expected is not None:
        cls = "good" if report.as_expected else "bad"
        body.append(f'<div class="banner {cls}">{escape(report.headline)}</div>')
    body.append(_summary_table(report.sections))
    has_breaker = any(s.measurement and s.measurement.breaker_url for s in report.sections)
    body.append(legend_html(with_breaker=has_breaker))

    done: set[str] = set()
    for section in report.sections:
        if section.group is None:
            x_max = section.measurement.duration if section.measurement else None
            body.append(_card(section, x_max))
            continue
        if section.group in done:
            continue
        done.add(section.group)
        members = [s for s in report.sections if s.group == section.group]
        x_max = max((s.measurement.duration for s in members if s.measurement), default=None)
        row = any(s.measurement and s.measurement.breaker_url for s in members)
        heading = report.groups.get(section.group)
        if heading:
            body.append(f'<h3 class="group">{escape(heading)}</h3>')
        cards = "".join(_card(s, x_max, breaker_row=row) for s in members)
        body.append(f'<div class="grid">{cards}</div>')

    if report.facts:
        facts = "".join(
            f"<tr><td>{escape(k)}</td><td class='mono'>{escape(v)}</td></tr>"
            for k, v in report.facts
        )
        body.append(f"<footer><table>{facts}</table></footer>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(report.title)}</h1><p>{escape(report.subtitle)}</p></header>"
        f"<main>{''.join(body)}</main></body></html>\n"
    )


def write_report(path: Path, report: Report) -> Path:
    from chaos.files import write_output

    write_output(path, render_html(report))
    return path
