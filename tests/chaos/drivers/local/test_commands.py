"""``chaosrun pod`` and ``chaosrun deployment`` with ``--target local``: the same engine."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from chaos.drivers.local import LocalDriver, LocalStack
from services.contract import BACKEND_MESSAGE
from testbed.polling import answers, wait_until
from tests.support.cli import run_chaosrun


def chaosrun(*args: str) -> subprocess.CompletedProcess[str]:
    return run_chaosrun(*args, timeout=90, env={"COLUMNS": "200"})


def _pid(driver: LocalDriver, selector: str) -> str:
    (pod,) = driver.list_pods("default", selector)
    return pod.name


def test_pod_command_kills_the_v1_pod_and_completes(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    before = _pid(driver, "app=front,version=v1")
    journal = tmp_path / "pod.json"
    result = chaosrun(
        "pod",
        "--target", "local",
        "--state-dir", str(stack.state_dir),
        "--selector", "app=front,version=v1",
        "--pause", "2",
        "--journal-path", str(journal),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Experiment ended with status: completed" in result.stdout
    data = json.loads(journal.read_text())
    assert data["status"] == "completed" and data["deviated"] is False
    assert data["measurements"]["summary"]["requests"] > 0
    assert _pid(driver, "app=front,version=v1") != before


def test_deployment_command_deviates_on_v1_and_completes_on_v2(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    v2 = driver.service_url("frontend-v2", "default")
    assert v2 is not None
    common = ["--target", "local", "--state-dir", str(stack.state_dir), "--pause", "1"]

    v1_run = chaosrun("deployment", *common, "--journal-path", str(tmp_path / "v1.json"))
    assert v1_run.returncode == 1, v1_run.stdout + v1_run.stderr
    v1_journal = json.loads((tmp_path / "v1.json").read_text())
    assert v1_journal["deviated"] is True
    assert v1_journal["measurements"]["summary"]["errors_by_kind"].get("http_502", 0) > 0
    assert driver.get_deployment("back", "default").name == "back"  # rolled back

    wait_until(lambda: all(p.ready for p in driver.list_pods("default")), what="ready pods")
    v2_run = chaosrun(
        "deployment", *common, "--frontend-url", v2, "--journal-path", str(tmp_path / "v2.json")
    )
    assert v2_run.returncode == 0, v2_run.stdout + v2_run.stderr
    v2_journal = json.loads((tmp_path / "v2.json").read_text())
    assert v2_journal["status"] == "completed" and v2_journal["deviated"] is False
    assert v2_journal["measurements"]["summary"]["availability"] == 100.0
    wait_until(lambda: answers(v2 + "/", BACKEND_MESSAGE), what="v2 to recover")


def test_commands_without_a_local_stack_exit_2(tmp_path: Path) -> None:
    result = chaosrun("pod", "--target", "local", "--state-dir", str(tmp_path / "none"))
    assert result.returncode == 2
    assert "chaosrun local up" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_on_a_stack_with_an_unreadable_program_file_exit_2(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    before = _pid(driver, "app=front,version=v1")
    program_file = stack.paths.programs / "front-v1.json"
    text = program_file.read_text()
    try:
        program_file.write_text(text[: len(text) // 2])  # a write cut short
        result = chaosrun(
            "pod",
            "--target", "local",
            "--state-dir", str(stack.state_dir),
            "--selector", "app=front,version=v1",
            "--journal-path", str(tmp_path / "pod.json"),
        )  # fmt: skip
    finally:
        program_file.write_text(text)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr  # one sentence
    assert f"{program_file} is corrupt" in result.stderr
    assert _pid(driver, "app=front,version=v1") == before  # no chaos was run


def test_the_safeguarded_experiment_stops_v1_early_and_restores_the_backend(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    """The shipped safeguard (chaosaddons.controls.safeguards, run natively) interrupts the
    30 s pause once v1 answers 502, and the rollback puts the backend back."""
    wait_until(lambda: all(p.ready for p in driver.list_pods("default")), what="ready pods")
    v1 = driver.service_url("frontend", "default")
    assert v1 is not None
    journal = tmp_path / "safeguarded.json"
    result = chaosrun(
        "run", "experiments/deployment-safeguarded.yaml",
        "--target", "local",
        "--state-dir", str(stack.state_dir),
        "--var", f"frontend_url={v1}",
        "--no-measure",
        "--journal-path", str(journal),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The run was interrupted: safeguard 'frontend-answers-200'" in result.stdout
    data = json.loads(journal.read_text())
    assert data["status"] == "interrupted"
    assert [r["status"] for r in data["rollbacks"]] == ["succeeded"]
    assert driver.get_deployment("back", "default").name == "back"
    wait_until(lambda: answers(v1, BACKEND_MESSAGE), what="v1 to answer again")
