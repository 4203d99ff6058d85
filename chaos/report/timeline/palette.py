"""The timeline's colours, what each probe outcome is drawn as, and the legend that says so."""

from __future__ import annotations

from html import escape

from chaos.measure import Sample
from services.contract import BREAKER_CLOSED, BREAKER_HALF_OPEN, BREAKER_OPEN

OK = "#2f9e44"
COLOURS = {
    "ok": OK,
    "http_5xx": "#e03131",
    "http_other": "#f08c00",
    "connect": "#862e9c",
    "timeout": "#c2255c",
    "transport": "#5f3dc4",
}
BREAKER_COLOURS = {BREAKER_CLOSED: OK, BREAKER_HALF_OPEN: "#f59f00", BREAKER_OPEN: "#e03131"}
#: A breaker state without a colour of its own (forced open, disabled...).
OTHER_STATE = "#868e96"
LEGEND = [
    ("2xx", COLOURS["ok"]),
    ("5xx", COLOURS["http_5xx"]),
    ("other status", COLOURS["http_other"]),
    ("refused", COLOURS["connect"]),
    ("timeout", COLOURS["timeout"]),
    ("other error", COLOURS["transport"]),
]
BREAKER_LEGEND = [
    ("breaker closed", BREAKER_COLOURS[BREAKER_CLOSED]),
    ("half-open", BREAKER_COLOURS[BREAKER_HALF_OPEN]),
    ("open", BREAKER_COLOURS[BREAKER_OPEN]),
]


def outcome(sample: Sample) -> str:
    """The key in ``COLOURS`` a probe is drawn with."""
    if sample.error is None:
        return "ok"
    if sample.error.startswith("http_"):
        return "http_5xx" if sample.error.startswith("http_5") else "http_other"
    return sample.error if sample.error in COLOURS else "transport"


def describe(sample: Sample) -> str:
    """A probe's tooltip: when, what came back, how long it took, the breaker's state."""
    what = str(sample.status) if sample.status is not None else (sample.error or "error")
    text = f"t={sample.t:.2f}s {what} {sample.latency_ms:.1f} ms"
    if sample.breaker:
        text += f", breaker {sample.breaker}"
    return text


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
