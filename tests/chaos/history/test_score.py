"""The resilience score on cases worked out by hand (README gives the formula)."""

from __future__ import annotations

import pytest

from chaos.history import score_of
from chaos.history.score import score_value
from tests.support.journals import made_journal


def test_a_run_nothing_could_fault_scores_100() -> None:
    score = score_of(made_journal(availability=100.0))
    assert score.value == 100
    assert {p.name for p in score.parts} == {
        "hypothesis_before",
        "hypothesis_after",
        "availability",
        "outage",
        "recovery",
    }


def test_v1_under_the_deletion() -> None:
    # before met 10/10, after broken 0/20, availability 60% 0/30, outage 12 s 0/15,
    # recovered after 12 s: half of 10 -> 15 points of 85.
    journal = made_journal(
        after=False, deviated=True, availability=60.0, outage=12.0, recovery=12.0
    )
    assert score_of(journal).value == round(100 * 15 / 85, 1) == 17.6


def test_every_part_and_the_gates_weighed_as_krkn_does() -> None:
    # 10 + 20 + 0.75 * (30 + 15 + 10) + 15 * (3 of 4 gate points: a critical met, a
    # warning missed) = 30 + 41.25 + 11.25 = 82.5 of 100.
    journal = made_journal(
        availability=99.5,
        outage=1.0,
        recovery=1.0,
        p99=300.0,
        gates=(("availability>=99%", True), ("p99<=250ms", False)),
    )
    score = score_of(journal)
    assert score.value == 82.5
    assert score.to_journal()["parts"]["slo"] == {"weight": 15, "value": 0.75, "seen": "1/2 met"}


@pytest.mark.parametrize(
    ("availability", "points"),
    [(100.0, 30), (99.9, 30), (99.89, 22.5), (99.0, 22.5), (95.0, 15), (94.99, 0)],
)
def test_availability_tiers(availability: float, points: float) -> None:
    score = score_of(made_journal(before=None, after=None, availability=availability))
    # outage 0 and nothing to recover: 25 of 25 points beside availability's
    assert score.value == round(100 * (25 + points) / 55, 1)


def test_an_outage_still_going_at_the_end_costs_outage_and_recovery() -> None:
    journal = made_journal(availability=99.95, outage=0.5, ongoing=True)
    # 10 + 20 + 30, outage and recovery nothing: 60 of 85
    assert score_of(journal).value == round(100 * 60 / 85, 1)


def test_a_hypothesis_broken_before_the_method_scores_0() -> None:
    assert score_of(made_journal(status="failed", before=False, after=None)).value == 0


def test_nothing_to_judge_has_no_score() -> None:
    score = score_of(made_journal(before=None, after=None))
    assert score.value is None
    assert "n/a" in score.line()


def test_the_console_line_names_each_part() -> None:
    line = score_of(made_journal(after=False, availability=100.0)).line()
    assert line.startswith("Resilience score: 76.5/100 (")  # 65 of 85 points
    assert "hypothesis after 0/20" in line
    assert "availability 30/30" in line


def test_the_score_a_run_was_given_is_kept() -> None:
    journal = made_journal(availability=100.0)
    assert score_value(journal) == 100
    journal["chaosrun"] = {"score": {"value": 42.0, "parts": {}}}
    assert score_value(journal) == 42
