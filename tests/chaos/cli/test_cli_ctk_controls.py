"""Controls as the Chaos Toolkit handles them (chaostoolkit-lib's own fixtures): a control
module's own validation, ``ref``, functions that do not take the arguments given, the
loader level, and ``dry`` on one activity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.cli.test_cli_files import http_experiment
from tests.chaos.engine import sample_controls
from tests.chaos.engine.http_target import Target

PICKY = "tests.chaos.engine.controls_pkg.picky"
LOADER = "tests.chaos.engine.controls_pkg.loader"
SAMPLE = "tests.chaos.engine.sample_controls"


def control(name: str, module: str, **arguments: Any) -> dict[str, Any]:
    return {"name": name, "provider": {"type": "python", "module": module, "arguments": arguments}}


def break_it(target: Target, **extra: Any) -> dict[str, Any]:
    provider = {"type": "http", "method": "POST", "url": f"{target.url}set?status=503"}
    return {"type": "action", "name": "break-it", "provider": provider, **extra}


@pytest.fixture(autouse=True)
def calls() -> Iterator[list[str]]:
    sample_controls.CALLS.clear()
    yield sample_controls.CALLS
    sample_controls.CALLS.clear()


def test_validate_refuses_what_the_chaos_toolkit_refuses(target: Target, tmp_path: Path) -> None:
    raw = http_experiment(target)
    raw["controls"] = [{**control("picky", PICKY), "should-not-be-here": "boom"}]
    raw["method"][0]["controls"] = [{**control("mine", SAMPLE), "ref": "nowhere"}]
    raw["method"][0]["dry"] = "everything"
    path = write(tmp_path / "e.json", raw)
    result = chaosrun("validate", path)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: invalid experiment {path}: {line}"
        for line in (
            "method[0].dry: must be one of actions, probes, activities, pause (got 'everything')",
            f"controls[0]: the control module '{PICKY}' refuses it: invalid key on control",
            "method[0].controls[0].ref: no control named 'nowhere' is declared",
        )
    ]


def test_functions_not_taking_the_arguments_are_skipped(
    target: Target, tmp_path: Path, calls: list[str]
) -> None:
    raw = http_experiment(target)
    raw["controls"] = [control("picky", PICKY, joke="onyou")]
    result = chaosrun("run", write(tmp_path / "e.json", raw), "--journal-path", tmp_path / "j")
    assert result.exit_code == 0, result.output
    assert "Control 'picky': configure_control does not take the arguments given" in result.output
    assert calls == []
    del raw["controls"][0]["provider"]["arguments"]
    result = chaosrun("run", write(tmp_path / "e.json", raw), "--journal-path", tmp_path / "j")
    assert result.exit_code == 0, result.output
    assert calls[0] == "picky:configure" and "picky:before_activity:noop" in calls


def test_a_control_given_by_ref_applies_where_it_is_named(
    target: Target, tmp_path: Path, calls: list[str]
) -> None:
    raw = http_experiment(target)
    raw["controls"] = [{**control("picky", PICKY), "automatic": False}]
    raw["method"][0]["controls"] = [{**control("mine", SAMPLE), "ref": "picky"}]
    result = chaosrun("run", write(tmp_path / "e.json", raw), "--journal-path", tmp_path / "j")
    assert result.exit_code == 0, result.output
    name = raw["method"][0]["name"]
    assert [c for c in calls if c.startswith("picky:before")] == [f"picky:before_activity:{name}"]


def test_dry_on_one_activity(target: Target, tmp_path: Path) -> None:
    raw = http_experiment(target, [break_it(target, dry="actions")])
    result = chaosrun("run", write(tmp_path / "e.json", raw), "--journal-path", tmp_path / "j")
    assert result.exit_code == 0, result.output
    assert "Dry run (dry actions): not running 'break-it'" in result.output
    assert target.status == 200 and "POST /set" not in target.hits


def test_loader_level_controls(target: Target, tmp_path: Path, calls: list[str]) -> None:
    path = write(tmp_path / "e.json", http_experiment(target, [break_it(target)]))
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump({"controls": {"loader": control("x", LOADER)}}))
    journal = tmp_path / "j.json"
    result = chaosrun("run", path, "--settings", settings, "--journal-path", journal)
    assert result.exit_code == 1, result.output  # the target broke: deviated
    assert calls[:2] == [f"before_loading:{path}", "after_loading"]
    assert "Running experiment: BOOM I changed it" in result.output
    assert json.loads(journal.read_text())["experiment"]["title"] == "BOOM I changed it"
    target.status = 200
    target.hits.clear()
    journal.unlink()
    stop = {"controls": {"loader": control("x", LOADER, stop=True)}}
    settings.write_text(yaml.safe_dump(stop))
    result = chaosrun("run", path, "--settings", settings, "--journal-path", journal)
    assert result.exit_code == 1, result.output
    assert f"control 'loader' stopped the run while {path} was loading" in result.stderr
    assert "Traceback" not in result.output
    assert target.hits == [] and not journal.exists()
