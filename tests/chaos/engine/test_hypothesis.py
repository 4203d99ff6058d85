"""The hypothesis as the specification has it: hypothesis-only experiments, and the
``jsonpath`` and ``probe`` tolerances, against a real HTTP target."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaos.engine.tolerance import within_tolerance
from tests.chaos.engine.http_target import Target
from tests.chaos.engine.test_runner import experiment, http_probe, read_journal, run


def test_a_hypothesis_only_experiment_checks_twice_and_completes(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(target, [])
    raw["rollbacks"] = []
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("completed", 0)
    states = read_journal(tmp_path)["steady_states"]
    assert states["before"]["steady_state_met"] and states["after"]["steady_state_met"]
    assert "No declared activities, let's move on." in log_lines
    assert target.hits == ["GET /", "GET /"]


@pytest.mark.parametrize(("status", "met"), [(200, True), (503, False)])
def test_a_probe_tolerance_gets_the_output_as_value(
    target: Target, tmp_path: Path, status: int, met: bool
) -> None:
    target.status = status
    tolerance = {
        "type": "probe",
        "name": "answered-200",
        "provider": {
            "type": "python",
            "module": "tests.chaos.engine.sample_functions",
            "func": "answered",
            "arguments": {"expected": 200},
        },
    }
    raw = experiment(target, [])
    raw["steady-state-hypothesis"]["probes"] = [http_probe("up", tolerance=tolerance)]
    raw["rollbacks"] = []
    run(raw, tmp_path)
    before = read_journal(tmp_path)["steady_states"]["before"]
    assert before["probes"][0]["tolerance_met"] is met


def test_a_probe_tolerance_without_value_is_not_met(target: Target, tmp_path: Path) -> None:
    """chaostoolkit-lib passes ``value`` to a probe tolerance whatever its function declares:
    ``os.path.exists`` rejects it, the call fails, so the tolerance is not met."""
    path = str(tmp_path)
    tolerance = {
        "type": "probe",
        "name": "path-must-exist",
        "provider": {
            "type": "python",
            "module": "os.path",
            "func": "exists",
            "arguments": {"path": path},
        },
    }
    raw = experiment(target, [])
    raw["steady-state-hypothesis"]["probes"] = [http_probe("up", tolerance=tolerance)]
    raw["rollbacks"] = []
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("failed", 1)
    before = read_journal(tmp_path)["steady_states"]["before"]
    assert before["probes"][0]["status"] == "succeeded"
    assert before["probes"][0]["tolerance_met"] is False


def test_a_jsonpath_tolerance_on_a_real_json_answer(target: Target, tmp_path: Path) -> None:
    tolerance = {"type": "jsonpath", "path": "$.body.state", "expect": "closed"}
    raw = experiment(target, [])
    raw["steady-state-hypothesis"]["probes"] = [
        http_probe("json", url="${url}json", tolerance=tolerance)
    ]
    raw["rollbacks"] = []
    assert run(raw, tmp_path).status == "completed"


@pytest.mark.parametrize(
    ("tolerance", "value", "met"),
    [
        ({"type": "jsonpath", "path": "$.items[*]"}, {"items": [1, 2]}, True),
        ({"type": "jsonpath", "path": "$.items[*]", "count": 3}, {"items": [1, 2]}, False),
        ({"type": "jsonpath", "path": "$.items[*]", "expect": [1, 2]}, {"items": [1, 2]}, True),
        (
            {"type": "jsonpath", "path": "$.n", "expect": 3, "target": "body"},
            {"body": '{"n": 3}'},
            True,
        ),
        ({"type": "jsonpath", "path": "$.missing"}, {"items": []}, False),
    ],
)
def test_jsonpath_semantics(tolerance: dict[str, object], value: object, met: bool) -> None:
    assert within_tolerance(tolerance, value) is met
