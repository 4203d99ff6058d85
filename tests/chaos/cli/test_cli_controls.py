"""Controls from the command line: declared in the file, in ``--control-file`` and in the
settings file; one that cannot run refuses the run (exit 2, one sentence)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.cli.test_cli_files import http_experiment
from tests.chaos.engine.http_target import Target

INTERRUPT = "tests.chaos.engine.controls_pkg.ctk_interrupt"


def _control(module: str) -> dict[str, Any]:
    return {"provider": {"type": "python", "module": module}}


def _set_503(target: Target) -> list[dict[str, Any]]:
    return [
        {
            "type": "action",
            "name": "break-it",
            "provider": {"type": "http", "method": "POST", "url": f"{target.url}set?status=503"},
        }
    ]


def test_a_missing_control_module_refuses_validate_and_run(target: Target, tmp_path: Path) -> None:
    raw = http_experiment(target, _set_503(target))
    raw["controls"] = [{"name": "gone", **_control("no_such_control_module")}]
    path = write(tmp_path / "e.json", raw)
    for args in (["validate"], ["run", "--journal-path", tmp_path / "j.json"]):
        result = chaosrun(*args, path)
        assert result.exit_code == 2, result.output
        errors = result.stderr.strip().splitlines()
        assert len(errors) == 1, errors
        assert "controls[0].provider.module: cannot import the control module " in errors[0]
        assert "'no_such_control_module'" in errors[0]
    assert target.hits == [] and target.status == 200
    assert not (tmp_path / "j.json").exists()


def test_validate_checks_the_shape_of_controls(tmp_path: Path, target: Target) -> None:
    raw = http_experiment(target)
    raw["controls"] = [{"provider": {"type": "process", "module": ""}, "scope": "during"}]
    raw["method"][0]["controls"] = "safeguard"
    result = chaosrun("validate", write(tmp_path / "e.json", raw))
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert errors == [
        f"Error: invalid experiment {tmp_path / 'e.json'}: {line}"
        for line in (
            "controls[0].name: is required",
            "controls[0].provider.type: must be 'python' (the only kind of control that runs)",
            "controls[0].provider.module: must name the control's Python module",
            "controls[0].scope: must be 'before' or 'after'",
            "method[0].controls: must be a list of controls",
        )
    ]


def test_global_controls_from_a_control_file_and_the_settings_file(
    target: Target, tmp_path: Path
) -> None:
    path = write(tmp_path / "e.json", http_experiment(target, _set_503(target)))
    control_file = tmp_path / "controls.yaml"
    control_file.write_text(yaml.safe_dump({"window": _control(INTERRUPT)}))
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump({"controls": {"window": _control(INTERRUPT)}}))
    for option in (["--control-file", control_file], ["--settings", settings]):
        journal = tmp_path / "j.json"
        result = chaosrun("run", path, "--journal-path", journal, *option)
        assert result.exit_code == 1, result.output
        assert "The run was interrupted: the change window is closed" in result.output
        assert json.loads(journal.read_text())["status"] == "interrupted"
        assert target.status == 200  # the method never ran
        journal.unlink()
    missing = tmp_path / "missing.yaml"
    missing.write_text(yaml.safe_dump({"controls": {"x": _control("no_such_control_module")}}))
    result = chaosrun("run", path, "--settings", missing)
    assert result.exit_code == 2
    assert "the settings file: control 'x': cannot import the control module" in result.stderr
    assert target.status == 200


def test_the_default_settings_file_is_read_when_it_exists(
    target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "e.json", http_experiment(target))
    journal = tmp_path / "j.json"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = chaosrun("run", path, "--journal-path", journal)  # no settings file: runs
    assert result.exit_code == 0, result.output
    settings = tmp_path / "home" / ".chaostoolkit" / "settings.yaml"
    settings.parent.mkdir(parents=True)
    settings.write_text(yaml.safe_dump({"controls": {"window": _control(INTERRUPT)}}))
    result = chaosrun("run", path, "--journal-path", journal)
    assert result.exit_code == 1
    assert json.loads(journal.read_text())["status"] == "interrupted"
