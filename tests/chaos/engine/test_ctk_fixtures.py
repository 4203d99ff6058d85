"""chaostoolkit-lib's own fixture experiments (``tests/fixtures/experiments.py`` of its
repository): ``chaosrun validate`` gives ``chaos validate``'s verdict on each, but where
chaosrun is stricter (README's "Where chaosrun differs" table).

``ctk_fixture_verdicts.json`` holds ``chaos validate``'s verdicts (chaostoolkit 1.19,
chaostoolkit-lib 1.44). The fixtures import chaoslib and chaostoolkit-lib's test modules, so
the comparison runs only where both are at hand: ``CHAOSTOOLKIT_LIB_TESTS`` names the
``tests`` directory of a chaostoolkit-lib source tree (its sdist has one) and chaoslib is
importable.
"""

from __future__ import annotations

import enum
import importlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

from chaos.experiment import ExperimentError
from chaos.experiment.validate import check_experiment

VERDICTS: dict[str, str] = json.loads(
    Path(__file__).with_name("ctk_fixture_verdicts.json").read_text()
)
# chaosrun's stricter rules, each a row of README's table.
STRICTER = {
    "ExperimentWithDeprecatedProcArgsProbe": "process arguments as a mapping",
    "ExperimentWithDeprecatedVaultPayload": "vault secrets",
}
TESTS_DIR = os.environ.get("CHAOSTOOLKIT_LIB_TESTS", "")


def _plain(value: Any) -> Any:
    """A fixture as a file holds it (chaoslib's ``Dry`` enum as its text)."""
    return json.loads(
        json.dumps(value, default=lambda o: o.value if isinstance(o, enum.Enum) else str(o))
    )


def test_the_stricter_rules_are_in_the_table() -> None:
    assert all(VERDICTS[name] == "valid" for name in STRICTER)


@pytest.mark.skipif(
    not TESTS_DIR or importlib.util.find_spec("chaoslib") is None,
    reason="needs chaostoolkit-lib installed and CHAOSTOOLKIT_LIB_TESTS naming its tests directory",
)
def test_chaosrun_validate_agrees_with_chaos_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(TESTS_DIR)
    fixtures = importlib.import_module("fixtures.experiments")
    found = {
        name: _plain(value)
        for name, value in vars(fixtures).items()
        if isinstance(value, dict) and "title" in value
    }
    assert sorted(found) == sorted(VERDICTS)
    verdicts = {}
    for name, raw in found.items():
        try:
            check_experiment(raw, source=name)
            verdicts[name] = "valid"
        except ExperimentError:
            verdicts[name] = "invalid"
    expected = {name: "invalid" if name in STRICTER else v for name, v in VERDICTS.items()}
    assert verdicts == expected
