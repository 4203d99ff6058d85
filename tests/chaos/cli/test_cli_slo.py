"""SLO gates and abort rules on a real HTTP target that goes down during the method."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.engine.http_target import Target
from tests.support.outage import outage_experiment


def _run(target: Target, tmp_path: Path, raw: dict[str, Any], *args: str) -> Any:
    return chaosrun(
        "run",
        write(tmp_path / "e.json", raw),
        "--measure-url",
        target.url,
        "--probe-interval",
        "0.05",
        "--journal-path",
        tmp_path / "j.json",
        *args,
    )


def test_gate_not_met_makes_the_run_deviated(target: Target, tmp_path: Path) -> None:
    result = _run(
        target,
        tmp_path,
        outage_experiment(target),
        "--slo",
        "availability>=99.5%",
        "--slo",
        "p99<=5s",
    )
    assert result.exit_code == 1, result.output
    journal = json.loads((tmp_path / "j.json").read_text())
    assert journal["steady_states"]["after"]["steady_state_met"] is True
    assert (journal["status"], journal["deviated"]) == ("failed", True)
    availability, latency = journal["slo"]
    assert availability["gate"] == "availability>=99.5%"
    assert availability["passed"] is False
    assert availability["bound"] == 99.5 and availability["value"] < 99.5
    assert latency["passed"] is True
    assert "availability>=99.5%: seen" in result.output
    assert "NOT met" in result.output


def test_gates_met_keep_it_completed(target: Target, tmp_path: Path) -> None:
    result = _run(target, tmp_path, outage_experiment(target), "--slo", "availability>=1%")
    assert result.exit_code == 0, result.output
    journal = json.loads((tmp_path / "j.json").read_text())
    assert (journal["status"], journal["deviated"]) == ("completed", False)
    assert journal["slo"][0]["passed"] is True


def test_gates_in_the_experiment_file(target: Target, tmp_path: Path) -> None:
    raw = outage_experiment(target)
    raw["extensions"] = [{"name": "chaosrun", "slo": ["errors[http_503]<=0"]}]
    result = _run(target, tmp_path, raw)
    assert result.exit_code == 1, result.output
    (gate,) = json.loads((tmp_path / "j.json").read_text())["slo"]
    assert gate["metric"] == "errors[http_503]" and gate["value"] > 0


def test_bad_gate_is_bad_input_before_any_chaos(target: Target, tmp_path: Path) -> None:
    result = _run(target, tmp_path, outage_experiment(target), "--slo", "p99<=250")
    assert result.exit_code == 2
    assert "--slo 'p99<=250'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "j.json").exists()
    assert target.hits == []


def test_bad_gate_in_the_file_is_bad_input(target: Target, tmp_path: Path) -> None:
    raw = outage_experiment(target)
    raw["extensions"] = [{"name": "chaosrun", "abort_if": ["availability<<5%"]}]
    result = _run(target, tmp_path, raw)
    assert result.exit_code == 2
    assert "extensions[chaosrun].abort_if 'availability<<5%'" in result.stderr
    assert target.hits == []


def test_gates_need_the_measurement(target: Target, tmp_path: Path) -> None:
    result = _run(target, tmp_path, outage_experiment(target), "--no-measure", "--slo", "p99<=1s")
    assert result.exit_code == 2
    assert "live measurement" in result.stderr


def test_abort_rule_interrupts_mid_pause_and_rolls_back(target: Target, tmp_path: Path) -> None:
    raw = outage_experiment(target, down_for=60)
    result = _run(target, tmp_path, raw, "--abort-if", "availability<50%")
    assert result.exit_code == 1, result.output
    journal = json.loads((tmp_path / "j.json").read_text())
    assert journal["status"] == "interrupted"
    assert journal["interruption"]["gate"] == "availability<50%"
    assert "abort rule availability<50% met" in journal["interruption"]["reason"]
    assert "The run was interrupted: abort rule availability<50% met" in result.output
    assert [r["activity"]["name"] for r in journal["rollbacks"]] == ["restore-target"]
    assert target.status == 200
    assert journal["duration"] < 60


def test_pod_and_deployment_refuse_a_bad_gate_before_the_cluster(tmp_path: Path) -> None:
    for command in ("pod", "deployment"):
        result = chaosrun(
            command,
            "--kubeconfig",
            tmp_path / "missing-kubeconfig",
            "--journal-path",
            tmp_path / "j.json",
            "--abort-if",
            "latency<=1s",
        )
        assert result.exit_code == 2, result.output
        assert "--abort-if 'latency<=1s': unknown metric 'latency'" in result.stderr


def test_an_output_that_cannot_be_written_is_bad_input(target: Target, tmp_path: Path) -> None:
    for option in ("--events-file", "--report", "--junit", "--metrics-file"):
        result = _run(target, tmp_path, outage_experiment(target), option, str(tmp_path))
        assert result.exit_code == 2, (option, result.output)
        assert f"{option} {tmp_path} cannot be written (it is a directory)" in result.stderr
    assert target.hits == []


def test_validate_checks_the_gates_in_the_file(target: Target, tmp_path: Path) -> None:
    raw = outage_experiment(target)
    raw["extensions"] = [{"name": "chaosrun", "slo": ["availability>=99%", "p95<=2"]}]
    result = chaosrun("validate", write(tmp_path / "e.json", raw))
    assert result.exit_code == 2
    assert "extensions[chaosrun].slo 'p95<=2': give the time with a unit" in result.stderr
    raw["extensions"] = [{"name": "chaosrun", "slo": ["p95<=2s"]}, {"name": "other", "x": 1}]
    result = chaosrun("validate", write(tmp_path / "e.json", raw))
    assert result.exit_code == 0, result.output
