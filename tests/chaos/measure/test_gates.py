"""The SLO gates' grammar and how each is judged on a measurement's summary."""

from __future__ import annotations

import math

import pytest

from chaos.measure.gates import GateSyntaxError, judge, parse_gate, parse_gates
from tests.support.measurements import measurement, sample


def _down_then_up() -> list:
    """0.0-0.3 ok, 0.4-0.6 refused, 0.7-0.9 ok: 70 % available, a 0.3 s outage."""
    samples = [sample(t / 10, 200, 10.0 + t) for t in range(4)]
    samples += [sample(t / 10, None, 5.0) for t in range(4, 7)]
    samples += [sample(t / 10, 200, 20.0) for t in range(7, 10)]
    return samples


SUMMARY = measurement(_down_then_up(), 1.0).summary


@pytest.mark.parametrize(
    ("text", "passed", "value"),
    [
        ("availability>=99.5%", False, 70.0),
        ("availability>=70", True, 70.0),
        ("availability > 69.9%", True, 70.0),
        ("outage<=2s", True, 0.3),
        ("outage<250ms", False, 0.3),
        ("recovery<=1s", True, 0.3),
        ("first_error>=0.5s", False, 0.4),
        ("first_error>=300ms", True, 0.4),
        ("errors<=0", False, 3),
        ("errors[connect]<=3", True, 3),
        ("errors[timeout]<=0", True, 0),
        ("p50<=15ms", True, 13.0),
        ("p99<=0.015s", False, 20.0),
    ],
)
def test_gate_judged_on_summary(text: str, passed: bool, value: float) -> None:
    (result,) = judge(parse_gates([text]), SUMMARY)
    assert result.passed is passed, result
    assert result.value == pytest.approx(value)


def test_nothing_failed_and_never_recovered() -> None:
    clean = measurement([sample(0.0, 200, 1.0), sample(0.1, 200, 1.0)], 0.2).summary
    assert parse_gate("first_error>=10s").check(clean).value == math.inf
    assert parse_gate("recovery<=0s").holds(clean)
    down = measurement([sample(0.0, 200, 1.0), sample(0.1, None, 1.0)], 0.2).summary
    result = parse_gate("recovery<=60s").check(down)
    assert (result.passed, result.shown) == (False, "never")


def test_no_answer_is_not_met() -> None:
    empty = measurement([], 0.0).summary
    result = parse_gate("availability>=0%").check(empty)
    assert (result.passed, result.shown) == (False, "no value")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("availability=>99%", "is not a gate"),
        ("uptime>=99%", "unknown metric 'uptime'"),
        ("p99<=250", "with a unit"),
        ("availability>=101%", "at most 100%"),
        ("availability>=99ms", "percentage"),
        ("outage[connect]<=1s", "only errors[KIND]"),
        ("errors<=3s", "count"),
    ],
)
def test_bad_gate_names_it(text: str, says: str) -> None:
    with pytest.raises(GateSyntaxError) as caught:
        parse_gates(["p99<=1s", text], "--slo")
    message = str(caught.value)
    assert message.startswith(f"--slo {text!r}")
    assert says in message
