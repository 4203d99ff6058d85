"""Controls, as chaostoolkit-lib runs them: real control modules, a real HTTP target."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chaos.engine.strategies import Runtime
from chaos.errors import BadInput
from tests.chaos.engine import sample_controls
from tests.chaos.engine.http_target import Target
from tests.chaos.engine.test_runner import (
    experiment,
    python_action,
    read_journal,
    run,
    set_status,
)

SAMPLE = "tests.chaos.engine.sample_controls"


def control(module: str = SAMPLE, name: str = "recorder", **extra: Any) -> dict[str, Any]:
    return {"name": name, "provider": {"type": "python", "module": module}, **extra}


@pytest.fixture(autouse=True)
def calls() -> Iterator[list[str]]:
    sample_controls.CALLS.clear()
    yield sample_controls.CALLS
    sample_controls.CALLS.clear()


def test_every_level_is_called_in_order_with_the_toolkit_arguments(
    target: Target, tmp_path: Path, calls: list[str]
) -> None:
    raw = experiment(
        target,
        [python_action("echo", "echo_configuration", key="set_by_control")],
        controls=[control()],
    )
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("completed", 0)
    assert calls == [
        "configure:Runner test",
        "before_experiment:Runner test",
        "before_hypothesis:Target answers",
        "before_activity:up",
        "after_activity:up:succeeded",
        "after_hypothesis:True",
        "before_method",
        "before_activity:echo",
        "after_activity:echo:succeeded",
        "after_method:1",
        "before_hypothesis:Target answers",
        "before_activity:up",
        "after_activity:up:succeeded",
        "after_hypothesis:True",
        "before_rollback",
        "before_activity:fix-it",
        "after_activity:fix-it:succeeded",
        "after_rollback:1",
        "after_experiment:completed",
        "cleanup",
    ]
    # The control changed the configuration the activity then read.
    assert read_journal(tmp_path)["run"][0]["output"] == "before echo"


def test_activity_and_global_controls_and_scope(
    target: Target, tmp_path: Path, calls: list[str]
) -> None:
    action = python_action("echo", "echo_configuration", key="set_by_control")
    action["controls"] = [
        {**control(name="own"), "provider": {**control()["provider"], "arguments": {"label": "!"}}}
    ]
    raw = experiment(target, [action])
    raw["rollbacks"] = []
    scoped = control(name="global", scope="after")
    result = run(raw, tmp_path, controls=[scoped])
    assert result.status == "completed"
    assert "before_activity:echo!" in calls  # the activity's own control, its arguments
    assert "before_activity:up" not in calls  # the global one runs only "after"
    assert "after_activity:up:succeeded" in calls
    assert "after_experiment:completed" in calls


@pytest.mark.parametrize(
    ("strategy", "rollbacks"), [("default", 0), ("always", 1)], ids=["default", "always"]
)
def test_a_toolkit_interrupt_stops_the_run_before_the_method(
    target: Target,
    tmp_path: Path,
    calls: list[str],
    log_lines: list[str],
    strategy: str,
    rollbacks: int,
) -> None:
    raw = experiment(
        target,
        [set_status(target.url, 503)],
        controls=[control("tests.chaos.engine.controls_pkg.ctk_interrupt", "window")],
    )
    result = run(raw, tmp_path, runtime=Runtime(rollbacks=strategy))
    assert (result.status, result.exit_code) == ("interrupted", 1)
    journal = read_journal(tmp_path)
    assert journal["status"] == "interrupted"
    assert journal["run"] == []
    assert len(journal["rollbacks"]) == rollbacks
    assert "interrupting" in calls
    assert any("the change window is closed" in line for line in log_lines)
    assert "the change window is closed" in journal["interruption"]["reason"]


def test_chaosruns_own_interrupt_after_an_activity_plays_the_rollbacks(
    target: Target, tmp_path: Path
) -> None:
    raw = experiment(
        target,
        [set_status(target.url, 503, "stop-here"), set_status(target.url, 500, "never")],
    )
    raw["method"][0]["controls"] = [
        control("tests.chaos.engine.controls_pkg.own_interrupt", "stopper")
    ]
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("interrupted", 1)
    journal = read_journal(tmp_path)
    assert [r["activity"]["name"] for r in journal["run"]] == ["stop-here"]
    assert journal["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200


def test_a_failing_control_is_logged_and_the_run_goes_on(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(
        target,
        [set_status(target.url, 200)],
        controls=[control("tests.chaos.engine.controls_pkg.broken", "broken")],
    )
    assert run(raw, tmp_path).status == "completed"
    assert any("Control 'broken' failed" in line for line in log_lines)


def test_a_global_control_that_cannot_be_imported_refuses_the_run(
    target: Target, tmp_path: Path
) -> None:
    raw = experiment(target, [set_status(target.url, 503)])
    with pytest.raises(BadInput, match="cannot import the control module 'no_such_control'"):
        run(raw, tmp_path, controls=[control("no_such_control", "missing")])
    assert target.hits == []
