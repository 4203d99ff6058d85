"""The trend of an experiment's last runs: score and availability as a small inline SVG (no
script, no CDN), one point per run, oldest on the left."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chaos.history import RunRow

WIDTH, HEIGHT, PAD = 360, 90, 8
LINES = (("score", "#1f77b4"), ("availability", "#2ca02c"))


def _y(value: float) -> float:
    return PAD + (HEIGHT - 2 * PAD) * (1 - max(0.0, min(100.0, value)) / 100)


def trend_svg(rows: list[RunRow]) -> str:
    """The chart of ``rows`` (oldest first); "" for fewer than two runs."""
    if len(rows) < 2:
        return ""
    step = (WIDTH - 2 * PAD) / (len(rows) - 1)
    parts = [
        f'<svg class="trend" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="score and availability of the last {len(rows)} runs">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f8f9fa"/>',
    ]
    for name, colour in LINES:
        points = [
            (PAD + i * step, _y(value), row)
            for i, row in enumerate(rows)
            if (value := getattr(row, name)) is not None
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>'
        )
        for x, y, row in points:
            label = f"{row.id} {row.started[:16]} {name} {getattr(row, name):.1f}"
            parts.append(
                f'<circle class="{name}" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">'
                f"<title>{escape(label)}</title></circle>"
            )
    parts.append("</svg>")
    legend = " ".join(
        f'<span style="color:{colour}">&#9679; {name}</span>' for name, colour in LINES
    )
    return (
        f'<div class="trend"><div>Last {len(rows)} runs of this experiment: {legend}</div>'
        + "".join(parts)
        + "</div>"
    )
