"""``chaosrun latency --target local``: a fault proxy program in front of the backend, the
frontends repointed to it, so the page is slow while the run lasts and fast again after it,
whether it ends, is interrupted (SIGINT, SIGTERM) or is killed (then ``restore``)."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from chaos.drivers.local import LocalDriver, LocalStack
from chaos.experiment.builtin import LatencyChaos, builtin_experiment
from services.contract import FAULTS_PATH, FAULTS_TOKEN_HEADER
from testbed.polling import wait_until
from tests.chaos.cli.helpers import read_until
from tests.support.cli import run_chaosrun, spawn_chaosrun

PROXY = "backend-chaosrun-proxy"


def fault(driver: LocalDriver) -> dict[str, object]:
    """The backend's fault, asked with the stack's token."""
    token = driver.faults_token("backend", "default")
    assert token
    answer: dict[str, object] = driver.call_service(
        "backend", "default", "GET", FAULTS_PATH, None, {FAULTS_TOKEN_HEADER: token}
    )
    return answer


def fronted(stack: LocalStack) -> bool:
    """The proxy program runs and frontend v1 calls it instead of the backend."""
    programs = stack.live_programs()
    layout = stack.layout()
    assert layout is not None
    v1 = programs["front-v1"].environment["BACKEND_URL"]
    proxy = programs.get(PROXY)
    if proxy is None:
        assert v1 == layout.programs["front-v1"].environment["BACKEND_URL"]
        return False
    assert v1.startswith(proxy.url + "/")
    return True


def page_status(driver: LocalDriver) -> int:
    url = driver.service_url("frontend", "default")
    assert url is not None
    return httpx.get(url, timeout=10).status_code


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
    assert data["chaosrun"]["proxies"][0]["delay"] == 2
    assert data["measurements"]["summary"]["requests"] > 0
    assert not fronted(stack)
    assert page_status(driver) == 200

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


def test_a_wrong_token_in_the_environment_fails_the_backends_own_fault(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    """The backend's own fault route (the demo's, run here from a file) wants the token."""
    journal = tmp_path / "latency.json"
    url = driver.service_url("frontend", "default")
    assert url is not None
    experiment = builtin_experiment(LatencyChaos(through_proxy=False, duration=0), url)
    path = tmp_path / "backend-fault.json"
    path.write_text(json.dumps(experiment))
    env = {"COLUMNS": "200", "CHAOSRUN_FAULTS_TOKEN": "not-the-stack-token-0123456"}
    args = ["run", str(path), *latency(stack, journal)[1:]]
    result = run_chaosrun(*args, timeout=90, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refused the fault request" in result.stdout + result.stderr
    assert "not-the-stack-token" not in result.stdout + result.stderr
    assert fault(driver)["active"] is False


def test_a_service_the_stack_does_not_have_is_bad_input_before_any_chaos(
    stack: LocalStack, tmp_path: Path
) -> None:
    journal = tmp_path / "latency.json"
    args = latency(stack, journal, "--service", "no-such-service", "--duration", "0")
    result = run_chaosrun(*args, timeout=90, env={"COLUMNS": "200"})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Service 'no-such-service' not found in namespace 'default'" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not journal.exists()


def _slow_run(stack: LocalStack, driver: LocalDriver, journal: Path) -> subprocess.Popen[str]:
    proc = spawn_chaosrun(
        *latency(stack, journal, "--delay", "1", "--duration", "60", "--no-measure"),
        env={"PYTHONUNBUFFERED": "1"},
    )
    read_until(proc, "Pausing after activity for 60s...")
    assert fronted(stack)
    assert page_status(driver) == 502  # v1 gave up on the slow backend
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
    assert not fronted(stack)
    assert page_status(driver) == 200


def test_a_killed_run_leaves_a_record_that_restore_uses_to_take_the_proxy_away(
    stack: LocalStack, driver: LocalDriver, tmp_path: Path
) -> None:
    proc = _slow_run(stack, driver, tmp_path / "latency.json")
    proc.kill()
    proc.wait(timeout=30)
    assert fronted(stack)

    listed = run_chaosrun("restore", "--dry-run", timeout=60)
    assert "ServiceProxy default/backend" in listed.stdout, listed.stdout + listed.stderr
    assert fronted(stack)

    restored = run_chaosrun("restore", timeout=60)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "ServiceProxy default/backend" in restored.stdout
    assert not fronted(stack)
    wait_until(lambda: page_status(driver) == 200, what="the page to answer again")
    again = run_chaosrun("restore", timeout=60)
    assert again.returncode == 0 and "ServiceProxy" not in again.stdout
