"""``chaosrun latency --target local``: the backend is slow while the run lasts, and fast again
after it, whether it ends, is interrupted (SIGINT, SIGTERM) or is killed (then ``restore``)."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from chaos.drivers.local import LocalDriver, LocalStack
from services.contract import FAULTS_PATH, FAULTS_TOKEN_HEADER
from testbed.polling import wait_until
from tests.chaos.cli.helpers import read_until
from tests.support.cli import run_chaosrun, spawn_chaosrun


def fault(driver: LocalDriver) -> dict[str, object]:
    """The backend's fault, asked with the stack's token."""
    token = driver.faults_token("backend", "default")
    assert token
    answer: dict[str, object] = driver.call_service(
        "backend", "default", "GET", FAULTS_PATH, None, {FAULTS_TOKEN_HEADER: token}
    )
    return answer


def latency(stack: LocalStack, journal: Path, *args: str) -> list[str]:
    return [
        "latency",
        "--target", "local",
        "--state-dir", str(stack.state_dir),
        "--journal-path", str(journal),
        *args,
    ]  # fmt: skip


def test_v1_deviates_while_the_backend_is_slow_and_the_rollback_ends_it(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    journal = tmp_path / "latency.json"
    args = latency(stack, journal, "--delay", "2", "--duration", "1", "--page-timeout", "0.3")
    result = run_chaosrun(*args, timeout=90, env={"COLUMNS": "200"})
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads(journal.read_text())
    assert data["deviated"] is True
    assert [r["status"] for r in data["rollbacks"]] == ["succeeded"]
    assert data["chaosrun"]["faults"][0]["delay"] == 2
    assert data["measurements"]["summary"]["requests"] > 0
    assert fault(driver)["active"] is False
    token = driver.faults_token("backend", "default")
    assert token and token not in journal.read_text()


def test_the_stack_keeps_its_token_to_itself_and_the_route_wants_it(
    stack: LocalStack, driver: LocalDriver
) -> None:
    token = driver.faults_token("backend", "default")
    assert token and len(token) >= 32
    assert stat.S_IMODE(stack.paths.faults_token.stat().st_mode) == 0o600
    conf = stack.paths.programs / "back.conf"
    assert stat.S_IMODE(conf.stat().st_mode) == 0o600 and token in conf.read_text()
    # Not in the program's definition, which snapshots (and so journals) are made of.
    assert token not in (stack.paths.programs / "back.json").read_text()
    assert token not in stack.paths.layout.read_text()
    backend = driver.service_url("backend", "default")
    assert backend is not None
    assert httpx.get(backend + FAULTS_PATH, timeout=5).status_code == 401
    wrong = {FAULTS_TOKEN_HEADER: token[::-1]}
    assert httpx.get(backend + FAULTS_PATH, headers=wrong, timeout=5).status_code == 401


def test_a_wrong_token_in_the_environment_is_bad_input_before_any_chaos(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    journal = tmp_path / "latency.json"
    env = {"COLUMNS": "200", "CHAOSRUN_FAULTS_TOKEN": "not-the-stack-token-0123456"}
    result = run_chaosrun(*latency(stack, journal, "--duration", "0"), timeout=90, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "refused the fault request" in result.stderr
    assert "not-the-stack-token" not in result.stdout + result.stderr
    assert not journal.exists() and fault(driver)["active"] is False


def test_a_service_that_does_not_accept_faults_is_bad_input_before_any_chaos(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    journal = tmp_path / "latency.json"
    for service in ("frontend", "no-such-service"):
        args = latency(stack, journal, "--service", service, "--duration", "0")
        result = run_chaosrun(*args, timeout=90, env={"COLUMNS": "200"})
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"Service '{service}' in namespace 'default' does not accept faults" in (
            result.stderr
        )
        assert "Traceback" not in result.stdout + result.stderr
        assert not journal.exists()


def _slow_run(stack: LocalStack, driver: LocalDriver, journal: Path) -> subprocess.Popen[str]:
    proc = spawn_chaosrun(
        *latency(stack, journal, "--delay", "1", "--duration", "60", "--no-measure"),
        env={"PYTHONUNBUFFERED": "1"},
    )
    read_until(proc, "Pausing after activity for 60s...")
    assert fault(driver)["active"] is True
    return proc


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_pause_makes_the_backend_fast_again(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path, sig: signal.Signals
) -> None:
    journal = tmp_path / "latency.json"
    proc = _slow_run(stack, driver, journal)
    try:
        proc.send_signal(sig)
        output, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 1, output
    assert json.loads(journal.read_text())["status"] == "interrupted"
    assert fault(driver)["active"] is False


def test_a_killed_run_leaves_a_record_that_restore_uses_to_end_the_fault(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    proc = _slow_run(stack, driver, tmp_path / "latency.json")
    proc.kill()
    proc.wait(timeout=30)
    assert fault(driver)["active"] is True

    listed = run_chaosrun("restore", "--dry-run", timeout=60)
    assert "ServiceFault default/backend" in listed.stdout, listed.stdout + listed.stderr
    assert fault(driver)["active"] is True

    restored = run_chaosrun("restore", timeout=60)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "ServiceFault default/backend" in restored.stdout
    wait_until(lambda: fault(driver)["active"] is False, what="the fault to end")
    again = run_chaosrun("restore", timeout=60)
    assert again.returncode == 0 and "ServiceFault" not in again.stdout
