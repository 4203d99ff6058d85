"""Every kind of tolerance on every kind of probe output: chaosrun's verdict is the Chaos
Toolkit's. The Chaos Toolkit's verdicts are committed (``ctk_tolerance_verdicts.json``,
made by chaostoolkit-lib from ``ctk_tolerances.CASES``); when chaostoolkit-lib is
importable, they are checked against it too."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.engine.activity import ActivityRunner
from chaos.engine.hypothesis import Hypothesis
from chaos.engine.settings import RunHooks, RunSettings
from chaos.experiment import validate_experiment
from chaos.experiment.validate import read_activity
from chaos.providers import Call
from tests.chaos.engine.ctk_tolerances import CASES, OUTPUTS, TOLERANCES, VERDICTS, ctk_verdicts

EXPECTED: dict[str, str] = json.loads(VERDICTS.read_text())

# chaosrun's one stricter rule, in README's "Where chaosrun differs" table: booleans and
# numbers do not stand for each other (chaostoolkit-lib compares them with ``==``).
STRICTER = {
    "bool true | python 1": "not met",
    "bool false | python 0": "not met",
    "int 0 | python false": "not met",
    "int 1 | python true": "not met",
    "range | python true": "not met",
}
# Where chaostoolkit-lib raises (the Chaos Toolkit aborts the run), chaosrun's verdict is
# "not met", except that a regex reads the output's text (README's table says so too).
WHERE_CTK_RAISES = {
    "regex | http 200 text": "met",
    "regex | http 200 json": "met",
    "regex | process ok": "met",
    "regex | python 200": "met",
}


def hypothesis() -> Hypothesis:
    raw = {"title": "t", "description": "d", "method": []}
    experiment = validate_experiment(raw)
    activities = ActivityRunner(
        experiment, Call(RunContext(), {}, {}), {}, RunSettings(), RunHooks()
    )
    return Hypothesis(experiment, activities, None)


def chaosrun_met(tolerance: Any, output: Any) -> bool:
    probe = read_activity(
        {
            "type": "probe",
            "name": "checked",
            "tolerance": tolerance,
            "provider": {"type": "process", "path": "true"},
        }
    )
    return hypothesis().met(probe, {"activity": {}, "status": "succeeded", "output": output})


def test_the_table_covers_every_case() -> None:
    assert sorted(EXPECTED) == sorted(f"{t} | {o}" for t, o in CASES)
    assert all(EXPECTED[case] == "met" for case in STRICTER)
    assert all(EXPECTED[case].startswith("error") for case in WHERE_CTK_RAISES)


@pytest.mark.skipif(
    importlib.util.find_spec("chaoslib") is None,
    reason="chaostoolkit-lib is not installed (not a project dependency): the committed "
    "verdicts stand for it",
)
def test_the_table_is_chaostoolkit_libs() -> None:
    assert ctk_verdicts() == EXPECTED


@pytest.mark.parametrize(("tolerance", "output"), CASES, ids=[f"{t} | {o}" for t, o in CASES])
def test_chaosrun_gives_the_chaos_toolkits_verdict(tolerance: str, output: str) -> None:
    case = f"{tolerance} | {output}"
    expected = STRICTER.get(case, EXPECTED[case])
    if expected.startswith("error"):
        expected = WHERE_CTK_RAISES.get(case, "not met")
    met = chaosrun_met(TOLERANCES[tolerance], OUTPUTS[output])
    assert ("met" if met else "not met") == expected
