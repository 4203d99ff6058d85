"""The rows' labels, the answers strip (a bar per probe) and the breaker strip (a segment per
run of the same state)."""

from __future__ import annotations

from html import escape

from chaos.measure import Sample
from chaos.report.timeline.frame import ANSWERS_H, BREAKER_H, LEFT, Frame
from chaos.report.timeline.palette import BREAKER_COLOURS, COLOURS, OTHER_STATE, describe, outcome


def row_labels(frame: Frame) -> list[str]:
    out = [f'<text x="{LEFT - 6}" y="{frame.answers_y + 15}" text-anchor="end">answers</text>']
    if frame.show_breaker:
        out.append(
            f'<text x="{LEFT - 6}" y="{frame.breaker_y + 10}" text-anchor="end">breaker</text>'
        )
    if frame.show_breaker and not frame.has_breaker:
        out.append(
            f'<text x="{LEFT + 4}" y="{frame.breaker_y + 10}" fill="#868e96" font-style="italic">'
            "none: this frontend calls the backend directly</text>"
        )
    out.append(
        f'<text x="{LEFT - 6}" y="{frame.latency_y + 10}" text-anchor="end" fill="#495057">'
        "latency</text>"
    )
    return out


def answers_strip(frame: Frame, samples: list[Sample]) -> list[str]:
    return [
        f'<rect x="{frame.x(s.t):.1f}" y="{frame.answers_y}" width="{frame.bar_w:.1f}" '
        f'height="{ANSWERS_H}" fill="{COLOURS[outcome(s)]}"><title>{escape(describe(s))}</title>'
        "</rect>"
        for s in samples
    ]


def breaker_strip(frame: Frame, samples: list[Sample]) -> list[str]:
    """Each state from the probe that first read it to the next change (the last one to the
    end of the measurement)."""
    known = [s for s in samples if s.breaker]
    out: list[str] = []
    start = 0
    for i in range(1, len(known) + 1):
        if i == len(known) or known[i].breaker != known[start].breaker:
            state = known[start].breaker or ""
            t0 = known[start].t
            t1 = known[i].t if i < len(known) else frame.end
            x0, x1 = frame.x(t0), frame.x(t1)
            out.append(
                f'<rect x="{x0:.1f}" y="{frame.breaker_y}" width="{max(x1 - x0, 1):.1f}" '
                f'height="{BREAKER_H}" fill="{BREAKER_COLOURS.get(state, OTHER_STATE)}">'
                f"<title>breaker {escape(state)} {t0:.2f}-{t1:.2f} s</title></rect>"
            )
            start = i
    return out
