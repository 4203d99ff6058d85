"""``chaosrun run``'s Chaos Toolkit inputs: --var-file, --dry, the strategy flags, and
experiment files from an http(s) URL."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from testbed.serving import serving
from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.engine.http_target import Target


def dry_experiment(target: Target) -> dict[str, Any]:
    return {
        "title": "Dry modes",
        "description": "What each --dry leaves out",
        "configuration": {"url": target.url},
        "steady-state-hypothesis": {
            "title": "Target answers",
            "probes": [
                {
                    "type": "probe",
                    "name": "up",
                    "tolerance": 200,
                    "provider": {"type": "http", "url": "${url}"},
                }
            ],
        },
        "method": [
            {
                "type": "action",
                "name": "break-it",
                "provider": {"type": "http", "method": "POST", "url": "${url}set?status=503"},
                "pauses": {"after": 30},
            }
        ],
        "rollbacks": [
            {
                "type": "action",
                "name": "fix-it",
                "provider": {"type": "http", "method": "POST", "url": "${url}set?status=200"},
            }
        ],
    }


@pytest.mark.parametrize(
    ("mode", "hits", "status"),
    [
        ("actions", ["GET /", "GET /"], "completed"),
        ("probes", ["POST /set", "POST /set"], "completed"),
        ("activities", [], "completed"),
    ],
)
def test_dry_modes_leave_out_what_they_name(
    target: Target, tmp_path: Path, mode: str, hits: list[str], status: str
) -> None:
    journal = tmp_path / "j.json"
    raw = dry_experiment(target)
    if mode == "probes":  # the action runs, and so does its pause
        raw["method"][0]["pauses"] = {"after": 0.01}
    path = write(tmp_path / "e.json", raw)
    result = chaosrun("run", path, "--journal-path", journal, "--dry", mode)
    assert result.exit_code == 0, result.output
    assert f"Running experiment with dry {mode}" in result.output
    data = json.loads(journal.read_text())
    assert data["status"] == status
    assert target.hits == hits
    skipped = [r for r in data["run"] + data["rollbacks"] if r["output"] is None]
    assert all(r["status"] == "succeeded" for r in skipped)
    assert "Pausing after activity for 30s" not in result.output


def test_dry_pause_runs_everything_but_the_pauses(target: Target, tmp_path: Path) -> None:
    path = write(tmp_path / "e.json", dry_experiment(target))
    result = chaosrun("run", path, "--journal-path", tmp_path / "j.json", "--dry", "pause")
    assert result.exit_code == 1  # the target answers 503 after the method: deviated
    assert "skipping the 30s pause" in result.output
    assert target.hits == ["GET /", "POST /set", "GET /", "POST /set"]
    assert target.status == 200


def test_var_file_json_and_yaml_with_var_on_top(target: Target, tmp_path: Path) -> None:
    raw = dry_experiment(target)
    raw["configuration"] = {"url": {"type": "env", "key": "CHAOSRUN_TEST_UNSET_URL"}}
    raw["method"][0]["pauses"] = {"after": "${wait}"}
    path = write(tmp_path / "e.json", raw)
    json_vars = write(tmp_path / "v.json", {"configuration": {"url": target.url, "wait": 30}})
    yaml_vars = tmp_path / "v.yaml"
    yaml_vars.write_text(yaml.safe_dump({"configuration": {"wait": 0}, "secrets": {"s": {"k": 1}}}))
    result = chaosrun(
        "run", path, "--journal-path", tmp_path / "j.json",
        "--var-file", json_vars, "--var-file", yaml_vars, "--var", "wait:float=0.01",
    )  # fmt: skip
    assert "Pausing after activity for 0.01s" in result.output, result.output
    assert "POST /set" in target.hits
    bad = write(tmp_path / "bad.json", {"config": {}})
    result = chaosrun("run", path, "--var-file", bad)
    assert result.exit_code == 2
    assert "may hold only 'configuration' and 'secrets'" in result.stderr


def test_strategy_flags_win_over_the_file(target: Target, tmp_path: Path) -> None:
    raw = dry_experiment(target)
    raw["method"][0]["pauses"] = {}
    raw["runtime"] = {"rollbacks": {"strategy": "always"}}
    path = write(tmp_path / "e.json", raw)
    journal = tmp_path / "j.json"
    result = chaosrun("run", path, "--journal-path", journal, "--rollback-strategy", "never")
    assert result.exit_code == 1
    data = json.loads(journal.read_text())
    assert data["rollbacks"] == [] and target.status == 503
    assert data["chaosrun"]["runtime"]["rollbacks"]["strategy"] == "never"
    for option, value in (
        ("--rollback-strategy", "sometimes"),
        ("--hypothesis-strategy", "sometimes"),
        ("--dry", "everything"),
    ):
        result = chaosrun("run", path, option, value)
        assert result.exit_code == 2
        assert f"{option} must be one of" in result.stderr


def test_hypothesis_strategy_flags(target: Target, tmp_path: Path) -> None:
    raw = dry_experiment(target)
    raw["method"][0]["pauses"] = {"after": 0.3}
    path = write(tmp_path / "e.json", raw)
    journal = tmp_path / "j.json"
    result = chaosrun(
        "run", path, "--journal-path", journal, "--hypothesis-strategy", "continuously",
        "--hypothesis-frequency", "0.05", "--fail-fast",
    )  # fmt: skip
    assert result.exit_code == 1
    data = json.loads(journal.read_text())
    assert (data["status"], data["deviated"]) == ("failed", True)
    assert data["steady_states"]["during"][-1]["steady_state_met"] is False
    assert target.status == 200


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[str]:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/"


def test_experiment_from_an_http_url(target: Target, tmp_path: Path, file_server: str) -> None:
    raw = dry_experiment(target)
    raw["method"][0]["pauses"] = {}
    (tmp_path / "e.yaml").write_text(yaml.safe_dump(raw))
    journal = tmp_path / "j.json"
    for args in (["validate"], ["run", "--journal-path", journal]):
        result = chaosrun(*args, f"{file_server}e.yaml")
        assert "Experiment looks valid" in result.output, result.output
    assert json.loads(journal.read_text())["experiment"]["title"] == "Dry modes"
    result = chaosrun("validate", f"{file_server}missing.yaml")
    assert result.exit_code == 2
    assert "the server answered 404" in result.stderr
