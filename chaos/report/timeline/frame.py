"""Where things go on the timeline: the rows from top to bottom and the time axis's scale."""

from __future__ import annotations

from dataclasses import dataclass

from chaos.measure import Measurement

LEFT = 62
RIGHT = 14
TOP = 24
ANSWERS_H = 24
BREAKER_H = 12
LATENCY_H = 84
GAP = 10
AXIS_H = 22


@dataclass(frozen=True)
class Frame:
    """One timeline's geometry: rows (answers, breaker if shown, latency) above a time axis
    from 0 to ``span`` seconds."""

    width: int
    span: float  # seconds the axis covers
    end: float  # seconds the measurement covers, up to its last probe's interval
    interval: float
    has_breaker: bool  # the breaker's state is known at some point
    show_breaker: bool  # the breaker row is drawn (possibly empty, to line up side by side)

    @classmethod
    def of(cls, m: Measurement, x_max: float | None, width: int, breaker_row: bool) -> Frame:
        samples = m.samples
        end = max(m.duration, (samples[-1].t + m.interval) if samples else 0.0, 0.1)
        has_breaker = any(s.breaker for s in samples) or bool(m.summary.breaker_transitions)
        return cls(
            width=width,
            span=max(x_max or 0.0, end),
            end=end,
            interval=m.interval,
            has_breaker=has_breaker,
            show_breaker=has_breaker or breaker_row,
        )

    @property
    def plot_w(self) -> int:
        return self.width - LEFT - RIGHT

    @property
    def answers_y(self) -> int:
        return TOP

    @property
    def breaker_y(self) -> int:
        return self.answers_y + ANSWERS_H + GAP

    @property
    def latency_y(self) -> int:
        return (self.breaker_y + BREAKER_H + GAP) if self.show_breaker else self.breaker_y

    @property
    def axis_y(self) -> int:
        return self.latency_y + LATENCY_H

    @property
    def height(self) -> int:
        return self.axis_y + AXIS_H

    @property
    def bar_w(self) -> float:
        """The width of one probe's bar: its interval, less a hairline between bars."""
        return max(self.plot_w * self.interval / self.span - 0.6, 1.0)

    def x(self, t: float) -> float:
        """The horizontal position of ``t`` seconds, clamped to the axis."""
        return LEFT + max(0.0, min(t, self.span)) / self.span * self.plot_w
