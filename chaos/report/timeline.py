"""An inline SVG timeline of one live measurement: answers, breaker state, latency, outages."""

from __future__ import annotations

import math
from html import escape

from chaos.measure import Measurement, Sample

OK = "#2f9e44"
COLOURS = {
    "ok": OK,
    "http_5xx": "#e03131",
    "http_other": "#f08c00",
    "connect": "#862e9c",
    "timeout": "#c2255c",
    "transport": "#5f3dc4",
}
BREAKER_COLOURS = {"closed": OK, "half_open": "#f59f00", "open": "#e03131"}
LEGEND = [
    ("2xx", COLOURS["ok"]),
    ("5xx", COLOURS["http_5xx"]),
    ("other status", COLOURS["http_other"]),
    ("refused", COLOURS["connect"]),
    ("timeout", COLOURS["timeout"]),
    ("other error", COLOURS["transport"]),
]
BREAKER_LEGEND = [
    ("breaker closed", BREAKER_COLOURS["closed"]),
    ("half-open", BREAKER_COLOURS["half_open"]),
    ("open", BREAKER_COLOURS["open"]),
]

LEFT = 62
RIGHT = 14
TOP = 24
ANSWERS_H = 24
BREAKER_H = 12
LATENCY_H = 84
GAP = 10
AXIS_H = 22


def outcome(sample: Sample) -> str:
    if sample.error is None:
        return "ok"
    if sample.error.startswith("http_"):
        return "http_5xx" if sample.error.startswith("http_5") else "http_other"
    return sample.error if sample.error in COLOURS else "transport"


def _describe(sample: Sample) -> str:
    what = str(sample.status) if sample.status is not None else (sample.error or "error")
    text = f"t={sample.t:.2f}s {what} {sample.latency_ms:.1f} ms"
    if sample.breaker:
        text += f", breaker {sample.breaker}"
    return text


def _tick_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300):
        if span / step <= 12:
            return float(step)
    return 600.0


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def timeline_svg(
    m: Measurement, *, x_max: float | None = None, width: int = 640, breaker_row: bool = False
) -> str:
    """The measurement drawn on a time axis from 0 to ``x_max`` seconds (default: its own).

    ``breaker_row`` keeps an (empty) breaker row when the measurement has no breaker, so
    that timelines drawn side by side line up.
    """
    samples = m.samples
    end = max(m.duration, (samples[-1].t + m.interval) if samples else 0.0, 0.1)
    span = max(x_max or 0.0, end)
    plot_w = width - LEFT - RIGHT
    has_breaker = any(s.breaker for s in samples)
    show_breaker = has_breaker or breaker_row

    def x(t: float) -> float:
        return LEFT + max(0.0, min(t, span)) / span * plot_w

    answers_y = TOP
    breaker_y = answers_y + ANSWERS_H + GAP
    latency_y = (breaker_y + BREAKER_H + GAP) if show_breaker else breaker_y
    axis_y = latency_y + LATENCY_H
    height = axis_y + AXIS_H
    out: list[str] = [
        f'<svg viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="timeline" font-family="sans-serif" font-size="10">',
        f"<title>{escape(m.url)}: {len(samples)} probes over {m.duration:.1f} s</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{axis_y - TOP}" fill="#f8f9fa"/>',
    ]

    # outages: shaded across every row, labelled above
    for outage in m.summary.outages:
        x0, x1 = x(outage.start), x(outage.end)
        label = f"{'down to the end' if outage.ongoing else 'outage'} {outage.duration:.2f} s"
        out.append(
            f'<rect x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{axis_y - TOP}" fill="#e03131" fill-opacity="0.10" stroke="#e03131" '
            f'stroke-opacity="0.5" stroke-dasharray="3 2"><title>{escape(label)}</title></rect>'
        )
        out.append(f'<text x="{x0 + 2:.1f}" y="{TOP - 6}" fill="#c92a2a">{escape(label)}</text>')

    # row labels
    out.append(f'<text x="{LEFT - 6}" y="{answers_y + 15}" text-anchor="end">answers</text>')
    if show_breaker:
        out.append(f'<text x="{LEFT - 6}" y="{breaker_y + 10}" text-anchor="end">breaker</text>')
    if show_breaker and not has_breaker:
        out.append(
            f'<text x="{LEFT + 4}" y="{breaker_y + 10}" fill="#868e96" font-style="italic">'
            "none: this frontend calls the backend directly</text>"
        )
    out.append(
        f'<text x="{LEFT - 6}" y="{latency_y + 10}" text-anchor="end" fill="#495057">latency</text>'
    )

    # answers strip: one bar per probe
    bar_w = max(plot_w * m.interval / span - 0.6, 1.0)
    for s in samples:
        colour = COLOURS[outcome(s)]
        out.append(
            f'<rect x="{x(s.t):.1f}" y="{answers_y}" width="{bar_w:.1f}" height="{ANSWERS_H}" '
            f'fill="{colour}"><title>{escape(_describe(s))}</title></rect>'
        )

    # breaker strip: a segment per run of the same state
    if has_breaker:
        known = [s for s in samples if s.breaker]
        start = 0
        for i in range(1, len(known) + 1):
            if i == len(known) or known[i].breaker != known[start].breaker:
                state = known[start].breaker or ""
                t0 = known[start].t
                t1 = known[i].t if i < len(known) else end
                colour = BREAKER_COLOURS.get(state, "#868e96")
                out.append(
                    f'<rect x="{x(t0):.1f}" y="{breaker_y}" width="{max(x(t1) - x(t0), 1):.1f}" '
                    f'height="{BREAKER_H}" fill="{colour}"><title>breaker {escape(state)} '
                    f"{t0:.2f}-{t1:.2f} s</title></rect>"
                )
                start = i

    # latency: log scale, decades as grid lines
    lo = 0.5
    top_ms = max([s.latency_ms for s in samples] + [10.0])
    hi = 10 ** math.ceil(math.log10(top_ms))

    def y(ms: float) -> float:
        ratio = (math.log10(max(ms, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        return latency_y + LATENCY_H - ratio * LATENCY_H

    decade = 1.0
    while decade <= hi:
        gy = y(decade)
        label = f"{decade:g} ms" if decade < 1000 else f"{decade / 1000:g} s"
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#dee2e6"/>'
        )
        out.append(
            f'<text x="{LEFT + plot_w - 2}" y="{gy - 2:.1f}" text-anchor="end" '
            f'fill="#adb5bd">{label}</text>'
        )
        decade *= 10
    for s in samples:
        out.append(
            f'<circle cx="{x(s.t) + bar_w / 2:.1f}" cy="{y(s.latency_ms):.1f}" r="1.8" '
            f'fill="{COLOURS[outcome(s)]}"><title>{escape(_describe(s))}</title></circle>'
        )

    # time axis, and the moment the chaos started (the measurement starts with the action)
    out.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{axis_y}" y2="{axis_y}" stroke="#495057"/>'
    )
    step = _tick_step(span)
    tick = 0.0
    while tick <= span + 1e-9:
        tx = x(tick)
        out.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{axis_y}" y2="{axis_y + 4}" stroke="#495057"/>'
        )
        out.append(
            f'<text x="{tx:.1f}" y="{axis_y + 15}" text-anchor="middle">{_fmt(tick)} s</text>'
        )
        tick += step
    out.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP - 2}" y2="{axis_y}" stroke="#212529" '
        'stroke-width="1.5"/>'
    )
    if m.duration < span:
        out.append(
            f'<line x1="{x(m.duration):.1f}" x2="{x(m.duration):.1f}" y1="{TOP}" y2="{axis_y}" '
            'stroke="#868e96" stroke-dasharray="2 2"><title>end of measurement</title></line>'
        )
    out.append("</svg>")
    return "\n".join(out)


def legend_html(with_breaker: bool = True) -> str:
    items = LEGEND + (BREAKER_LEGEND if with_breaker else [])
    swatches = "".join(
        f'<span class="swatch"><i style="background:{colour}"></i>{escape(label)}</span>'
        for label, colour in items
    )
    return (
        f'<div class="legend">{swatches}<span class="swatch"><i class="outage"></i>'
        "outage (from the first failed probe to the next good one)</span></div>"
    )
