"""The time axis under the rows: ticks in seconds, the start of the chaos (where the
measurement starts, with the action) and, on a shared scale, where this measurement ended."""

from __future__ import annotations

from chaos.measure import Measurement
from chaos.report.timeline.frame import LEFT, TOP, Frame

#: Tick steps in seconds, the first that gives at most ``MAX_TICKS`` ticks is used.
TICK_STEPS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)
MAX_TICKS = 12
LONGEST_STEP = 600.0


def tick_step(span: float) -> float:
    for step in TICK_STEPS:
        if span / step <= MAX_TICKS:
            return float(step)
    return LONGEST_STEP


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def time_axis(frame: Frame, m: Measurement) -> list[str]:
    axis_y = frame.axis_y
    out = [
        f'<line x1="{LEFT}" x2="{LEFT + frame.plot_w}" y1="{axis_y}" y2="{axis_y}" '
        'stroke="#495057"/>'
    ]
    step = tick_step(frame.span)
    tick = 0.0
    while tick <= frame.span + 1e-9:
        tx = frame.x(tick)
        out.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{axis_y}" y2="{axis_y + 4}" stroke="#495057"/>'
        )
        out.append(
            f'<text x="{tx:.1f}" y="{axis_y + 15}" text-anchor="middle">{_seconds(tick)} s</text>'
        )
        tick += step
    out.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP - 2}" y2="{axis_y}" stroke="#212529" '
        'stroke-width="1.5"/>'
    )
    if m.duration < frame.span:
        xe = frame.x(m.duration)
        out.append(
            f'<line x1="{xe:.1f}" x2="{xe:.1f}" y1="{TOP}" y2="{axis_y}" '
            'stroke="#868e96" stroke-dasharray="2 2"><title>end of measurement</title></line>'
        )
    return out
