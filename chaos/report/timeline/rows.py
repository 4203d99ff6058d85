"""The rows' labels, the answers strip (a bar per probe) and the breaker strip (a segment per
run of the same state)."""

from __future__ import annotations

from html import escape

from chaos.measure import Measurement, Sample
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


def breaker_segments(m: Measurement, end: float) -> list[tuple[float, float, str]]:
    """``(from, to, state)`` for each state the breaker was in. From v2's events the lane
    starts at 0 and changes at the exact transition times; from ``/breaker`` readings it
    starts at the first probe that read a state and changes at the probe that saw a new one."""
    known = [s for s in m.samples if s.breaker]
    transitions = m.summary.breaker_transitions
    if m.breaker_source == "events":
        start = 0.0
        state = transitions[0].from_state if transitions else (known[0].breaker if known else "")
    elif known:
        start, state = known[0].t, known[0].breaker or ""
    else:
        return []
    if not state:
        return []
    out: list[tuple[float, float, str]] = []
    for transition in transitions:
        out.append((start, transition.t, state))
        start, state = transition.t, transition.to_state
    out.append((start, end, state))
    # Two transitions within the same 0.1 ms leave a state of no width: not drawn.
    return [seg for i, seg in enumerate(out) if seg[1] > seg[0] or i == len(out) - 1]


def breaker_strip(frame: Frame, m: Measurement) -> list[str]:
    """Each state from when it began to the next change (the last one to the end)."""
    out: list[str] = []
    for t0, t1, state in breaker_segments(m, frame.end):
        x0, x1 = frame.x(t0), frame.x(t1)
        out.append(
            f'<rect x="{x0:.1f}" y="{frame.breaker_y}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{BREAKER_H}" fill="{BREAKER_COLOURS.get(state, OTHER_STATE)}">'
            f"<title>breaker {escape(state)} {t0:.3f}-{t1:.3f} s</title></rect>"
        )
    return out
