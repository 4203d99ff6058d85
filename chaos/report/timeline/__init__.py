"""An inline SVG timeline of one live measurement: answers, breaker state, latency, outages.

Each module draws one part (``outages``, ``rows``, ``latency``, ``axis``) on the geometry of
``frame``, in the colours of ``palette``; ``timeline_svg`` stacks them in drawing order.
"""

from __future__ import annotations

from html import escape

from chaos.measure import Measurement
from chaos.report.timeline.axis import time_axis
from chaos.report.timeline.frame import LEFT, TOP, Frame
from chaos.report.timeline.latency import latency_plot
from chaos.report.timeline.outages import outage_bands
from chaos.report.timeline.palette import BREAKER_COLOURS, COLOURS, legend_html
from chaos.report.timeline.rows import answers_strip, breaker_strip, row_labels

__all__ = ["BREAKER_COLOURS", "COLOURS", "legend_html", "timeline_svg"]


def timeline_svg(
    m: Measurement, *, x_max: float | None = None, width: int = 640, breaker_row: bool = False
) -> str:
    """The measurement drawn on a time axis from 0 to ``x_max`` seconds (default: its own).

    ``breaker_row`` keeps an (empty) breaker row when the measurement has no breaker, so
    that timelines drawn side by side line up.
    """
    frame = Frame.of(m, x_max, width, breaker_row)
    out = _canvas(frame, m)
    out += outage_bands(frame, m)
    out += row_labels(frame)
    out += answers_strip(frame, m.samples)
    if frame.has_breaker:
        out += breaker_strip(frame, m)
    out += latency_plot(frame, m.samples)
    out += time_axis(frame, m)
    out.append("</svg>")
    return "\n".join(out)


def _canvas(frame: Frame, m: Measurement) -> list[str]:
    """The opening tag, the title a reader's tools show, and the plot's background."""
    return [
        f'<svg viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" role="img" class="timeline" font-family="sans-serif" font-size="10">',
        f"<title>{escape(m.url)}: {len(m.samples)} probes over {m.duration:.1f} s</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{frame.plot_w}" height="{frame.axis_y - TOP}" '
        'fill="#f8f9fa"/>',
    ]
