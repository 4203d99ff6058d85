"""Outages: a band shaded across every row, labelled above the plot."""

from __future__ import annotations

from html import escape

from chaos.measure import Measurement
from chaos.report.timeline.frame import TOP, Frame


def outage_bands(frame: Frame, m: Measurement) -> list[str]:
    out: list[str] = []
    for outage in m.summary.outages:
        x0, x1 = frame.x(outage.start), frame.x(outage.end)
        label = f"{'down to the end' if outage.ongoing else 'outage'} {outage.duration:.2f} s"
        out.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{frame.axis_y - TOP}" fill="#e03131" fill-opacity="0.10" stroke="#e03131" '
            f'stroke-opacity="0.5" stroke-dasharray="3 2"><title>{escape(label)}</title></rect>'
        )
        out.append(f'<text x="{x0 + 2:.1f}" y="{TOP - 6}" fill="#c92a2a">{escape(label)}</text>')
    return out
