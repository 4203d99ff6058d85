"""Runtime strategies: when the hypothesis is checked, when the rollbacks are played."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.engine.strategies import Runtime, RuntimeFlags, resolve_runtime
from chaos.errors import BadInput
from tests.chaos.engine.http_target import Target
from tests.chaos.engine.test_runner import experiment, read_journal, run, set_status


def broken_for(target: Target, seconds: float) -> list[dict[str, object]]:
    return [{**set_status(target.url, 503, "break-it"), "pauses": {"after": seconds}}]


def test_never_is_honoured_said_and_recorded(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    result = run(
        experiment(target, broken_for(target, 0)), tmp_path, runtime=Runtime(rollbacks="never")
    )
    assert result.status == "failed" and result.deviated
    journal = read_journal(tmp_path)
    assert journal["rollbacks"] == []
    assert target.status == 503
    assert journal["chaosrun"]["runtime"]["rollbacks"] == {"strategy": "never"}
    assert "Rollbacks were explicitly requested to not be played" in log_lines


@pytest.mark.parametrize(("status", "played"), [(503, 1), (200, 0)], ids=["deviated", "met"])
def test_deviated_plays_them_only_after_a_deviation(
    target: Target, tmp_path: Path, status: int, played: int
) -> None:
    raw = experiment(target, [set_status(target.url, status)])
    run(raw, tmp_path, runtime=Runtime(rollbacks="deviated"))
    assert len(read_journal(tmp_path)["rollbacks"]) == played


@pytest.mark.parametrize(("strategy", "played"), [("default", 0), ("always", 1)])
def test_always_plays_them_even_when_the_method_never_ran(
    target: Target, tmp_path: Path, strategy: str, played: int
) -> None:
    target.status = 500  # the hypothesis is not met before the method
    result = run(
        experiment(target, broken_for(target, 0)), tmp_path, runtime=Runtime(rollbacks=strategy)
    )
    journal = read_journal(tmp_path)
    assert result.status == "failed" and journal["run"] == []
    assert len(journal["rollbacks"]) == played


@pytest.mark.parametrize(
    ("strategy", "before", "after"),
    [
        ("default", True, True),
        ("before-method-only", True, False),
        ("after-method-only", False, True),
        ("during-method-only", False, False),
    ],
)
def test_hypothesis_strategies_check_where_they_say(
    target: Target, tmp_path: Path, strategy: str, before: bool, after: bool
) -> None:
    raw = experiment(target, [{**set_status(target.url, 200), "pauses": {"after": 0.2}}])
    result = run(raw, tmp_path, runtime=Runtime(hypothesis=strategy, frequency=0.05))
    assert result.status == "completed"
    states = read_journal(tmp_path)["steady_states"]
    assert (states["before"] is not None, states["after"] is not None) == (before, after)
    assert bool(states["during"]) == (strategy == "during-method-only")


def test_continuously_records_each_check_and_a_deviation_during_the_method(
    target: Target, tmp_path: Path
) -> None:
    raw = experiment(target, [*broken_for(target, 0.5), set_status(target.url, 200, "heal")])
    result = run(raw, tmp_path, runtime=Runtime(hypothesis="continuously", frequency=0.05))
    journal = read_journal(tmp_path)
    during = journal["steady_states"]["during"]
    assert len(during) >= 2
    assert any(not state["steady_state_met"] for state in during)
    assert journal["steady_states"]["before"]["steady_state_met"] is True
    assert journal["steady_states"]["after"]["steady_state_met"] is True
    # Met before and after, broken in between: chaosrun calls that a deviation.
    assert (result.status, result.deviated) == ("failed", True)


def test_fail_fast_stops_the_method_at_the_first_deviation(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(target, [*broken_for(target, 30), set_status(target.url, 500, "never")])
    runtime = Runtime(hypothesis="during-method-only", frequency=0.05, fail_fast=True)
    result = run(raw, tmp_path, runtime=runtime)
    journal = read_journal(tmp_path)
    assert (result.status, result.deviated, result.exit_code) == ("failed", True, 1)
    assert [r["activity"]["name"] for r in journal["run"]] == ["break-it"]
    assert journal["rollbacks"][0]["status"] == "succeeded" and target.status == 200
    assert any("deviated during the method (fail fast)" in line for line in log_lines)


def test_flags_win_over_the_experiment_which_wins_over_the_settings() -> None:
    file_block = {"rollbacks": {"strategy": "always"}, "hypothesis": {"frequency": 2}}
    settings_block = {"rollbacks": {"strategy": "deviated"}, "hypothesis": {"fail_fast": True}}
    assert resolve_runtime(RuntimeFlags(rollbacks="never"), file_block, settings_block) == Runtime(
        rollbacks="never", frequency=2.0, fail_fast=True
    )
    assert resolve_runtime(RuntimeFlags(), None, settings_block).rollbacks == "deviated"
    with pytest.raises(BadInput, match=r"runtime\.rollbacks\.strategy: must be one of"):
        resolve_runtime(RuntimeFlags(), {"rollbacks": {"strategy": "sometimes"}})
