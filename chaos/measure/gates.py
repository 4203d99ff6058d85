"""SLO gates and abort rules on the live measurement: ``METRIC OP BOUND``.

One grammar for both (``--slo`` and ``--abort-if``)::

    availability>=99.5%      percent of probes answered 2xx ("%" optional)
    p50<=250ms  p95<300ms  p99<=1s       latency of the answered probes (ms or s)
    outage<=2s               the longest outage
    recovery<=5s             time to recover: first error to the first success after the last
    first_error>=3s          time to the first error
    errors<=0                failed probes, any kind
    errors[connect]<=0       failed probes of one kind (connect, timeout, transport, http_502...)

``OP`` is one of ``<=``, ``<``, ``>=``, ``>``. Times need a unit (``ms`` or ``s``) and are
compared in seconds, latencies in milliseconds. Where nothing failed, ``outage`` and
``recovery`` are 0 and ``first_error`` is infinite; a run that never recovered has an
infinite ``recovery``. A gate with no value (no probe answered) is not met.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chaos.measure.models import Summary

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
LATENCIES = ("p50", "p95", "p99")
TIMES = ("outage", "recovery", "first_error")
METRICS = ("availability", *LATENCIES, *TIMES, "errors")

_GATE = re.compile(
    r"^\s*(?P<metric>[a-z_0-9]+)(?:\[(?P<kind>[a-z_0-9]+)\])?\s*(?P<op><=|>=|<|>)\s*"
    r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%|ms|s)?\s*$"
)


class GateSyntaxError(ValueError):
    """A gate that does not parse; the message is one sentence naming it."""


@dataclass(frozen=True)
class Gate:
    text: str  # as written
    metric: str
    op: str
    bound: float  # in the metric's unit: percent, milliseconds, seconds or a count
    kind: str | None = None  # errors[kind]

    @property
    def unit(self) -> str:
        if self.metric == "availability":
            return "%"
        if self.metric in LATENCIES:
            return "ms"
        return "s" if self.metric in TIMES else ""

    def value(self, summary: Summary) -> float | None:
        """The figure this gate reads from ``summary``, in its unit."""
        s = summary
        if self.metric == "availability":
            return s.availability
        if self.metric in LATENCIES:
            latency: float | None = getattr(s, f"latency_{self.metric}_ms")
            return latency
        if self.metric == "outage":
            return s.longest_outage
        if self.metric == "first_error":
            return math.inf if s.time_to_first_error is None else s.time_to_first_error
        if self.metric == "recovery":
            if not s.outages:
                return 0.0
            return math.inf if s.time_to_recover is None else s.time_to_recover
        if self.kind is not None:
            return float(s.errors_by_kind.get(self.kind, 0))
        return float(sum(s.errors_by_kind.values()))

    def holds(self, summary: Summary) -> bool:
        value = self.value(summary)
        return value is not None and OPERATORS[self.op](value, self.bound)

    def check(self, summary: Summary) -> GateResult:
        return GateResult(gate=self, value=self.value(summary), passed=self.holds(summary))


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    value: float | None
    passed: bool

    @property
    def shown(self) -> str:
        """The value seen, in the gate's unit."""
        return format_value(self.value, self.gate.unit)

    def to_journal(self) -> dict[str, object]:
        g = self.gate
        value = None if self.value is None or math.isinf(self.value) else round(self.value, 4)
        return {
            "gate": g.text,
            "metric": g.metric if g.kind is None else f"{g.metric}[{g.kind}]",
            "op": g.op,
            "bound": g.bound,
            "unit": g.unit,
            "value": value,
            "shown": self.shown,
            "passed": self.passed,
        }


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "no value"
    if math.isinf(value):
        return "never"
    if unit == "%":
        return f"{value:.2f}%"
    if unit == "ms":
        return f"{value:.1f}ms"
    if unit == "s":
        return f"{value:.2f}s"
    return f"{value:g}"


def parse_gate(text: str) -> Gate:
    """``text`` as a gate; ``GateSyntaxError`` with one sentence naming it if it is not one."""
    match = _GATE.match(text)
    if match is None:
        raise GateSyntaxError(
            f"{text!r} is not a gate: write METRIC OP BOUND, such as 'availability>=99.5%', "
            "'p99<=250ms' or 'outage<=2s'"
        )
    metric, kind, op, unit = match["metric"], match["kind"], match["op"], match["unit"]
    number = float(match["number"])
    if metric not in METRICS:
        raise GateSyntaxError(f"{text!r}: unknown metric {metric!r} (one of {', '.join(METRICS)})")
    if kind is not None and metric != "errors":
        raise GateSyntaxError(f"{text!r}: only errors[KIND] takes a kind")
    if metric == "availability":
        if unit not in (None, "%"):
            raise GateSyntaxError(f"{text!r}: availability is a percentage")
        if number > 100:
            raise GateSyntaxError(f"{text!r}: availability is at most 100%")
    elif metric in LATENCIES or metric in TIMES:
        if unit not in ("ms", "s"):
            raise GateSyntaxError(f"{text!r}: give the time with a unit, ms or s")
        if metric in LATENCIES:
            number = number * 1000 if unit == "s" else number
        else:
            number = number / 1000 if unit == "ms" else number
    elif unit is not None:
        raise GateSyntaxError(f"{text!r}: errors is a count, without a unit")
    return Gate(text=text.strip(), metric=metric, op=op, bound=number, kind=kind)


def parse_gates(texts: list[str] | tuple[str, ...], what: str = "--slo") -> tuple[Gate, ...]:
    """Every gate parsed; the first bad one raises ``GateSyntaxError`` prefixed with ``what``."""
    gates = []
    for text in texts:
        if not isinstance(text, str):
            raise GateSyntaxError(f"{what}: {text!r} is not a gate (a string such as 'p99<=250ms')")
        try:
            gates.append(parse_gate(text))
        except GateSyntaxError as exc:
            raise GateSyntaxError(f"{what} {exc}") from None
    return tuple(gates)


def judge(gates: tuple[Gate, ...], summary: Summary) -> list[GateResult]:
    return [gate.check(summary) for gate in gates]
