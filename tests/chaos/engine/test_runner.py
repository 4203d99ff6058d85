"""The runner against real HTTP servers, real processes and a real python module."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from chaos.actions.context import RunContext
from chaos.engine import signals
from chaos.engine.config import resolve_configuration, resolve_secrets
from chaos.engine.runner import RunResult, RunSettings, run_experiment
from chaos.experiment import validate_experiment
from chaos.measure import Measurement
from testbed.polling import wait_until
from tests.chaos.engine.http_target import Target
from tests.chaos.engine.memory_driver import MemoryDriver
from tests.support.journal import JOURNAL_KEYS

RUN_KEYS = {"activity", "output", "start", "end", "duration", "status"}
DELETED_FOR = 0.3  # seconds the deployment test pauses after deleting


def http_probe(
    name: str, url: str = "${url}", tolerance: Any = 200, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "probe",
        "name": name,
        "tolerance": tolerance,
        "provider": {"type": "http", "url": url, "timeout": 2, **extra},
    }


def set_status(url: str, status: int, name: str | None = None) -> dict[str, Any]:
    return {
        "type": "action",
        "name": name or f"set-{status}",
        "provider": {"type": "http", "method": "POST", "url": f"{url}set?status={status}"},
    }


def python_action(name: str, func: str, **arguments: Any) -> dict[str, Any]:
    return {
        "type": "action",
        "name": name,
        "provider": {
            "type": "python",
            "module": "tests.chaos.engine.sample_functions",
            "func": func,
            "arguments": arguments,
        },
    }


def experiment(target: Target, method: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "title": "Runner test",
        "description": "d",
        "configuration": {"url": target.url},
        "steady-state-hypothesis": {"title": "Target answers", "probes": [http_probe("up")]},
        "method": method,
        "rollbacks": [set_status(target.url, 200, "fix-it")],
    }
    raw.update(extra)
    return raw


def run(
    raw: dict[str, Any],
    tmp_path: Path,
    driver: MemoryDriver | None = None,
    variables: dict[str, Any] | None = None,
    **settings: Any,
) -> RunResult:
    model = validate_experiment(raw)
    ctx = RunContext(
        driver_factory=(lambda: driver) if driver else None, dry_run=settings.get("dry_run", False)
    )
    configuration = resolve_configuration(model.configuration, variables)
    return run_experiment(
        model,
        raw,
        ctx,
        RunSettings(
            configuration=configuration,
            secrets=resolve_secrets(model.secrets),
            journal_path=tmp_path / "journal.json",
            **settings,
        ),
    )


def read_journal(tmp_path: Path) -> dict[str, Any]:
    return json.loads((tmp_path / "journal.json").read_text())


def test_completed_run_and_journal_layout(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(
        target,
        [
            {
                **python_action("add", "add", a="${n}", b=2),
                "pauses": {"before": 0.01, "after": 0.01},
            },
            {"ref": "up"},
        ],
        configuration={"url": target.url, "n": 40},
    )
    result = run(raw, tmp_path)
    assert (result.status, result.deviated, result.exit_code) == ("completed", False, 0)
    journal = read_journal(tmp_path)
    assert set(journal) >= JOURNAL_KEYS
    assert journal["experiment"] == raw
    assert journal["steady_states"]["before"]["steady_state_met"] is True
    assert journal["steady_states"]["after"]["probes"][0]["tolerance_met"] is True
    assert journal["steady_states"]["during"] == []
    assert [r["activity"]["name"] for r in journal["run"]] == ["add", "up"]
    for entry in journal["run"] + journal["rollbacks"]:
        assert set(entry) >= RUN_KEYS
        assert entry["status"] == "succeeded"
    assert journal["run"][0]["output"] == 42  # "${n}" kept its int type
    assert journal["run"][1]["output"]["status"] == 200
    assert journal["rollbacks"][0]["activity"]["name"] == "fix-it"
    assert [p.name for p in tmp_path.iterdir()] == ["journal.json"]  # no temp file left
    for expected in (
        "Running experiment: Runner test",
        "Steady state hypothesis: Target answers",
        "Probe: up",
        "Steady state hypothesis is met!",
        "Action: add",
        "Pausing before next activity for 0.01s...",
        "Pausing after activity for 0.01s...",
        "Let's rollback...",
        "Rollback: fix-it",
        "Experiment ended with status: completed",
    ):
        assert expected in log_lines


def test_deviation_fails_with_rollbacks(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(target, [set_status(target.url, 502, "break-it")])
    result = run(raw, tmp_path)
    assert (result.status, result.deviated, result.exit_code) == ("failed", True, 1)
    journal = read_journal(tmp_path)
    after = journal["steady_states"]["after"]
    assert after["steady_state_met"] is False
    assert after["probes"][0]["output"]["status"] == 502
    assert after["probes"][0]["tolerance_met"] is False
    assert journal["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200  # the rollback fixed it
    assert "Experiment ended with status: deviated" in log_lines
    assert (
        "Steady state probe 'up' is not in the given tolerance so failing this experiment"
        in log_lines
    )


def test_hypothesis_not_met_before_stops_the_run(target: Target, tmp_path: Path) -> None:
    target.status = 500
    raw = experiment(target, [set_status(target.url, 201, "never")])
    result = run(raw, tmp_path)
    assert (result.status, result.deviated, result.exit_code) == ("failed", False, 1)
    journal = read_journal(tmp_path)
    assert journal["steady_states"]["before"]["steady_state_met"] is False
    assert journal["steady_states"]["after"] is None
    assert journal["run"] == []
    assert journal["rollbacks"] == []
    assert "POST /set" not in target.hits


def test_an_action_that_raises_fails_the_run_and_rolls_back(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(
        target,
        [
            set_status(target.url, 503, "break-it"),
            python_action("explode", "explode", message="kaboom"),
            set_status(target.url, 204, "skipped"),
        ],
    )
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("failed", 1)
    journal = read_journal(tmp_path)
    assert [r["activity"]["name"] for r in journal["run"]] == ["break-it", "explode"]
    failed = journal["run"][1]
    assert failed["status"] == "failed"
    assert "RuntimeError: kaboom" in "".join(failed["exception"])
    assert journal["steady_states"]["after"] is None
    assert journal["rollbacks"][0]["activity"]["name"] == "fix-it"
    assert target.status == 200
    assert "Experiment ended with status: failed" in log_lines


def test_a_failing_probe_in_the_method_does_not_fail_the_run(
    target: Target, tmp_path: Path
) -> None:
    raw = experiment(target, [http_probe("dead", url="http://127.0.0.1:9/")])
    result = run(raw, tmp_path)
    assert result.status == "completed"
    entry = read_journal(tmp_path)["run"][0]
    assert entry["status"] == "failed"
    assert "GET http://127.0.0.1:9/ failed" in "".join(entry["exception"])


def test_http_connection_error_and_timeout_fail_the_probe(target: Target, tmp_path: Path) -> None:
    raw = experiment(target, [set_status(target.url, 200)])
    raw["steady-state-hypothesis"]["probes"] = [
        http_probe("slow", url=f"{target.url}slow?s=2", timeout=0.2)
    ]
    result = run(raw, tmp_path)
    assert result.status == "failed"
    probe = read_journal(tmp_path)["steady_states"]["before"]["probes"][0]
    assert probe["status"] == "failed" and probe["tolerance_met"] is False
    assert "timed out" in "".join(probe["exception"])


def test_http_output_json_body_and_tolerances(target: Target, tmp_path: Path) -> None:
    raw = experiment(target, [set_status(target.url, 200)])
    raw["steady-state-hypothesis"]["probes"] = [
        http_probe(
            "json",
            url=f"{target.url}json",
            tolerance={"type": "regex", "pattern": "closed", "target": "body"},
        ),
        http_probe("range", tolerance={"type": "range", "range": [200, 204], "target": "status"}),
        http_probe("list", tolerance=[200, 201]),
        http_probe("regex", tolerance={"type": "regex", "pattern": "backend!$"}),
    ]
    result = run(raw, tmp_path)
    assert result.status == "completed"
    probes = read_journal(tmp_path)["steady_states"]["before"]["probes"]
    assert probes[0]["output"]["body"] == {"state": "closed", "n": 3}
    assert all(p["tolerance_met"] for p in probes)


def test_process_provider_output_and_timeout(target: Target, tmp_path: Path) -> None:
    raw = experiment(
        target,
        [
            {
                "type": "probe",
                "name": "py",
                "provider": {
                    "type": "process",
                    "path": sys.executable,
                    "arguments": [
                        "-c",
                        "import sys; print('out ${n}'); sys.stderr.write('err'); sys.exit(3)",
                    ],
                },
            },
            {
                "type": "action",
                "name": "sleepy",
                "provider": {
                    "type": "process",
                    "path": sys.executable,
                    "arguments": "-c 'import time; time.sleep(5)'",
                    "timeout": 0.3,
                },
            },
        ],
        configuration={"url": target.url, "n": 7},
    )
    result = run(raw, tmp_path)
    assert result.status == "failed"
    journal = read_journal(tmp_path)
    assert journal["run"][0]["output"] == {"status": 3, "stdout": "out 7\n", "stderr": "err"}
    assert journal["run"][1]["status"] == "failed"
    assert "timed out after 0.3s" in "".join(journal["run"][1]["exception"])


def test_process_tolerance_against_status(target: Target, tmp_path: Path) -> None:
    raw = experiment(target, [set_status(target.url, 200)])
    raw["steady-state-hypothesis"]["probes"] = [
        {
            "type": "probe",
            "name": "true",
            "tolerance": 0,
            "provider": {"type": "process", "path": "true"},
        },
        {
            "type": "probe",
            "name": "false",
            "tolerance": 0,
            "provider": {"type": "process", "path": "false"},
        },
    ]
    result = run(raw, tmp_path)
    probes = read_journal(tmp_path)["steady_states"]["before"]["probes"]
    assert [p["tolerance_met"] for p in probes] == [True, False]
    assert result.status == "failed"


def test_python_provider_injects_configuration_and_secrets(target: Target, tmp_path: Path) -> None:
    raw = experiment(
        target,
        [
            {**python_action("conf", "echo_configuration", key="greeting"), "type": "probe"},
            {
                **python_action("secret", "read_secret", key="token"),
                "type": "probe",
            },
        ],
        configuration={
            "url": target.url,
            "greeting": {"type": "env", "key": "CHAOSRUN_TEST_UNSET", "default": "hi"},
        },
        secrets={"app": {"token": "s3cr3t"}},
    )
    raw["method"][1]["provider"]["secrets"] = ["app"]
    result = run(raw, tmp_path)
    assert result.status == "completed"
    outputs = [r["output"] for r in read_journal(tmp_path)["run"]]
    assert outputs == ["hi", "s3cr3t"]


def test_var_overrides_reach_the_activities(target: Target, tmp_path: Path) -> None:
    raw = experiment(
        target,
        [python_action("add", "add", a="${n}")],
        configuration={"url": "http://127.0.0.1:9/", "n": 1},
    )
    result = run(raw, tmp_path, variables={"url": target.url, "n": 10})
    assert result.status == "completed"
    assert read_journal(tmp_path)["run"][0]["output"] == 11


def test_native_functions_run_through_the_driver(target: Target, tmp_path: Path) -> None:
    driver = MemoryDriver()
    driver.add_deployment("front", {"app": "front"}, replicas=2)
    raw = experiment(
        target,
        [
            {
                "type": "action",
                "name": "terminate-frontend-pod",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.actions",
                    "func": "delete_pods",
                    "arguments": {"name": "front"},
                },
            },
            {
                "type": "probe",
                "name": "count",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.probes",
                    "func": "count_pods",
                    "arguments": {"label_selector": "app=front"},
                },
            },
        ],
    )
    raw["steady-state-hypothesis"]["probes"].insert(
        0,
        {
            "type": "probe",
            "name": "all-services-are-healthy",
            "tolerance": True,
            "provider": {"type": "python", "module": "chaosk8s.probes", "func": "all_pods_healthy"},
        },
    )
    result = run(raw, tmp_path, driver=driver)
    assert result.status == "completed", result.journal
    journal = read_journal(tmp_path)
    assert journal["run"][0]["output"] == ["front-1", "front-2"]
    assert journal["run"][1]["output"] == 2
    assert driver.deleted_pods == ["front-1", "front-2"]


def test_deployment_snapshot_restored_by_rollback(target: Target, tmp_path: Path) -> None:
    driver = MemoryDriver()
    driver.add_deployment("back", {"app": "back"})
    raw = experiment(
        target,
        [
            {
                "type": "action",
                "name": "stop-backend-service",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.deployment.actions",
                    "func": "delete_deployment",
                    "arguments": {"name": "back"},
                },
                "pauses": {"after": DELETED_FOR},
            },
            set_status(target.url, 502, "frontend-breaks"),
        ],
    )
    raw["rollbacks"].append(
        {
            "type": "action",
            "name": "restore-backend-service",
            "provider": {
                "type": "python",
                "module": "chaosrun.deployment",
                "func": "restore_deployment",
                "arguments": {"name": "back"},
            },
        }
    )
    started = time.monotonic()
    result = run(raw, tmp_path, driver=driver)
    wall_time = time.monotonic() - started
    assert (result.status, result.deviated) == ("failed", True)
    journal = read_journal(tmp_path)
    assert ("default", "back") in driver.deployments
    restore = journal["rollbacks"][1]
    assert restore["output"][0]["name"] == "back"
    # At least the pause after the delete, at most the whole run (rounded to ms).
    time_to_restore = journal["chaosrun"]["restores"][0]["time_to_restore"]
    assert DELETED_FOR <= time_to_restore <= wall_time + 0.0005
    assert journal["chaosrun"]["snapshots"][0]["manifest"]["labels"] == {"app": "back"}


def test_dry_run_changes_nothing_and_writes_no_journal(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    driver = MemoryDriver()
    driver.add_deployment("front", {"app": "front"}, replicas=2)
    raw = experiment(
        target,
        [
            {
                "type": "action",
                "name": "kill",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.actions",
                    "func": "terminate_pods",
                    "arguments": {"label_selector": "app=front", "all": True},
                },
                "pauses": {"after": 30},
            },
            set_status(target.url, 500),
        ],
    )
    result = run(raw, tmp_path, driver=driver, dry_run=True)
    assert result.status == "completed"
    assert driver.deleted_pods == []
    assert target.hits == []
    assert not (tmp_path / "journal.json").exists()
    assert "Dry run: would terminate pod default/front-1" in log_lines
    assert "Dry run: would terminate pod default/front-2" in log_lines


def test_measurement_covers_the_method(target: Target, tmp_path: Path) -> None:
    raw = experiment(target, [{**set_status(target.url, 200), "pauses": {"after": 0.4}}])
    result = run(raw, tmp_path, measure_url="${url}", probe_interval=0.05)
    assert result.status == "completed"
    assert isinstance(result.measurement, Measurement)
    journal = read_journal(tmp_path)
    measured = journal["measurements"]
    assert measured["url"] == target.url
    assert len(measured["samples"]) >= 2
    assert measured["summary"]["availability"] == 100.0
    assert dict(result.measurement.summary_rows())["Probed URL"] == target.url


def test_sigterm_mid_pause_interrupts_and_rolls_back(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(target, [{**set_status(target.url, 503, "break-it"), "pauses": {"after": 60}}])

    def send_when_pausing() -> None:
        for _ in range(500):
            if any(line.startswith("Pausing after activity") for line in log_lines):
                os.kill(os.getpid(), signal.SIGTERM)
                return
            threading.Event().wait(0.01)

    sender = threading.Thread(target=send_when_pausing, daemon=True)
    sender.start()
    result = run(raw, tmp_path)
    sender.join()
    assert (result.status, result.exit_code) == ("interrupted", 1)
    journal = read_journal(tmp_path)
    assert journal["status"] == "interrupted"
    assert journal["run"][0]["activity"]["name"] == "break-it"
    assert journal["interruption"] == {"reason": "received SIGTERM", "signal": "SIGTERM"}
    assert journal["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200
    assert "Experiment ended with status: interrupted" in log_lines
    # The run's handlers were removed afterwards.
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_stop_requested_from_another_thread_ends_the_pause_and_rolls_back(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    """What safeguards and abort rules use: ``request_stop`` from a watcher thread."""
    raw = experiment(target, [{**set_status(target.url, 503, "break-it"), "pauses": {"after": 60}}])

    def stop_when_pausing() -> None:
        wait_until(lambda: any(x.startswith("Pausing after activity") for x in log_lines), 5)
        signals.request_stop("availability fell to 40% (abort if availability<50%)")

    watcher = threading.Thread(target=stop_when_pausing, daemon=True)
    watcher.start()
    result = run(raw, tmp_path)
    watcher.join()
    assert (result.status, result.exit_code) == ("interrupted", 1)
    journal = read_journal(tmp_path)
    assert journal["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200
    reason = "availability fell to 40% (abort if availability<50%)"
    assert f"The run was interrupted: {reason}" in log_lines
    assert journal["interruption"] == {"reason": reason}
    # The request was consumed by that run: the next one is not stopped by it.
    assert run(experiment(target, [set_status(target.url, 200)]), tmp_path).status == "completed"


def _signal_when(
    log_lines: list[str], prefix: str, count: int, also: Callable[[], bool] = lambda: True
) -> threading.Thread:
    """Send ``count`` SIGINTs to this process once a line starting with ``prefix`` shows up
    (and ``also`` holds)."""

    def send() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(line.startswith(prefix) for line in log_lines) and also():
                for _ in range(count):
                    os.kill(os.getpid(), signal.SIGINT)
                    threading.Event().wait(0.2)
                return
            threading.Event().wait(0.01)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def _slow_rollbacks(target: Target, tmp_path: Path) -> dict[str, Any]:
    """Two rollbacks: a slow process, which touches ``slow-started`` first, then a mark."""
    marker = tmp_path / "second-rollback-ran"
    started = tmp_path / "slow-started"
    raw = experiment(target, [set_status(target.url, 200)])
    raw["rollbacks"] = [
        {
            "type": "action",
            "name": "slow",
            "provider": {
                "type": "process",
                "path": sys.executable,
                "arguments": [
                    "-c",
                    f"import pathlib, time; pathlib.Path({str(started)!r}).touch(); "
                    "time.sleep(1.5)",
                ],
            },
        },
        python_action("mark", "touch", path=str(marker)),
    ]
    return raw


def test_one_signal_during_rollbacks_lets_them_finish(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = _slow_rollbacks(target, tmp_path)
    sender = _signal_when(log_lines, "Rollback: slow", 1)
    result = run(raw, tmp_path)
    sender.join()
    assert any("while rolling back; the rollbacks continue" in line for line in log_lines)
    assert (tmp_path / "second-rollback-ran").exists()
    assert [r["status"] for r in result.journal["rollbacks"]] == ["succeeded", "succeeded"]
    assert result.status == "completed"


def test_a_second_signal_abandons_the_rollbacks(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = _slow_rollbacks(target, tmp_path)
    # Once the rollback runs (a signal between its log line and its start would leave no entry).
    started = tmp_path / "slow-started"
    sender = _signal_when(log_lines, "Rollback: slow", 2, also=started.exists)
    result = run(raw, tmp_path)
    sender.join()
    assert result.status == "interrupted"
    assert "Terminating now without running the remaining rollbacks." in log_lines
    assert not (tmp_path / "second-rollback-ran").exists()
    journal = read_journal(tmp_path)
    assert journal["status"] == "interrupted"
    (slow,) = journal["rollbacks"]
    assert slow["status"] == "failed"
    assert "Interrupted: SIGINT" in slow["exception"][0]


def test_a_failed_rollback_fails_a_completed_run(target: Target, tmp_path: Path) -> None:
    raw = experiment(target, [set_status(target.url, 200)])
    raw["rollbacks"].insert(0, python_action("broken-rollback", "explode", message="nope"))
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("failed", 1)
    journal = read_journal(tmp_path)
    assert [r["status"] for r in journal["rollbacks"]] == ["failed", "succeeded"]


def _background(activity: dict[str, Any]) -> dict[str, Any]:
    return {**activity, "background": True}


def test_a_background_activity_runs_while_the_method_goes_on(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    # Run one after the other, "wait" would time out: it needs "open", which comes after it.
    gate = f"bg-{tmp_path.name}"
    raw = experiment(
        target,
        [
            _background(python_action("wait", "wait_for_gate", gate=gate, linger=0.3)),
            python_action("open", "open_gate", gate=gate),
        ],
    )
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("completed", 0)
    journal = read_journal(tmp_path)
    assert [(r["activity"]["name"], r["status"]) for r in journal["run"]] == [
        ("wait", "succeeded"),
        ("open", "succeeded"),
    ]
    # The method waited for it: the second hypothesis started after it ended.
    waited = journal["run"][0]
    after = journal["steady_states"]["after"]["probes"][0]
    assert datetime.fromisoformat(after["start"]) >= datetime.fromisoformat(waited["end"])
    assert "Action 'wait' runs in the background" in log_lines
    assert "Waiting for 1 background activity" in log_lines


def test_a_failed_background_action_fails_the_run_after_the_method(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    raw = experiment(
        target,
        [
            _background(python_action("explode", "explode", message="in the background")),
            set_status(target.url, 503, "break-it"),
        ],
    )
    result = run(raw, tmp_path)
    assert (result.status, result.exit_code) == ("failed", 1)
    journal = read_journal(tmp_path)
    by_name = {r["activity"]["name"]: r for r in journal["run"]}
    assert by_name["explode"]["status"] == "failed"
    assert by_name["break-it"]["status"] == "succeeded"  # the method went on
    assert journal["steady_states"]["after"] is None
    assert journal["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200
    assert "Background action 'explode' failed, so the experiment fails" in log_lines


def test_background_rollbacks_run_alongside_the_others(target: Target, tmp_path: Path) -> None:
    gate = f"bg-rollback-{tmp_path.name}"
    raw = experiment(
        target,
        [set_status(target.url, 503, "break-it")],
        rollbacks=[
            _background(python_action("wait", "wait_for_gate", gate=gate)),
            python_action("open", "open_gate", gate=gate),
            set_status(target.url, 200, "fix-it"),
        ],
    )
    result = run(raw, tmp_path)
    assert result.deviated
    journal = read_journal(tmp_path)
    assert {(r["activity"]["name"], r["status"]) for r in journal["rollbacks"]} == {
        ("wait", "succeeded"),
        ("open", "succeeded"),
        ("fix-it", "succeeded"),
    }
    assert target.status == 200


def test_sigint_while_waiting_for_a_background_activity_interrupts_and_rolls_back(
    target: Target, tmp_path: Path, log_lines: list[str]
) -> None:
    slow = {**set_status(target.url, 503, "break-it"), "pauses": {"after": 60}}
    raw = experiment(target, [_background(slow)])

    # Once the background action has broken the target: a signal before its POST would let
    # the rollback's POST land first.
    def broken() -> bool:
        return target.status == 503

    sender = _signal_when(log_lines, "Waiting for 1 background activity", 1, also=broken)
    result = run(raw, tmp_path)
    sender.join()
    assert (result.status, result.exit_code) == ("interrupted", 1)
    journal = read_journal(tmp_path)
    assert journal["run"][0]["activity"]["name"] == "break-it"
    assert journal["rollbacks"][0]["status"] == "succeeded"
    assert target.status == 200
