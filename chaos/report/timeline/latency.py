"""The latency row: a dot per probe on a log scale, with a grid line per decade."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from chaos.measure import Sample
from chaos.report.timeline.frame import LATENCY_H, LEFT, Frame
from chaos.report.timeline.palette import COLOURS, describe, outcome

#: The bottom of the scale: faster answers are drawn there.
LOWEST_MS = 0.5


def latency_plot(frame: Frame, samples: list[Sample]) -> list[str]:
    top_ms = max([s.latency_ms for s in samples] + [10.0])
    highest_ms = 10 ** math.ceil(math.log10(top_ms))

    def y(ms: float) -> float:
        span = math.log10(highest_ms) - math.log10(LOWEST_MS)
        ratio = (math.log10(max(ms, LOWEST_MS)) - math.log10(LOWEST_MS)) / span
        return frame.latency_y + LATENCY_H - ratio * LATENCY_H

    return _decade_lines(frame, y, highest_ms) + [
        f'<circle cx="{frame.x(s.t) + frame.bar_w / 2:.1f}" cy="{y(s.latency_ms):.1f}" r="1.8" '
        f'fill="{COLOURS[outcome(s)]}"><title>{escape(describe(s))}</title></circle>'
        for s in samples
    ]


def _decade_lines(frame: Frame, y: Callable[[float], float], highest_ms: float) -> list[str]:
    """1 ms, 10 ms, ... up to the top of the scale, each labelled at the right."""
    out: list[str] = []
    right = LEFT + frame.plot_w
    decade = 1.0
    while decade <= highest_ms:
        gy = y(decade)
        label = f"{decade:g} ms" if decade < 1000 else f"{decade / 1000:g} s"
        out.append(f'<line x1="{LEFT}" x2="{right}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#dee2e6"/>')
        out.append(
            f'<text x="{right - 2}" y="{gy - 2:.1f}" text-anchor="end" fill="#adb5bd">'
            f"{label}</text>"
        )
        decade *= 10
    return out
