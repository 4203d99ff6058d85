"""chaosrun --version/--help, validate and run FILE, bad input -> exit 2 with one sentence."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from chaos import __version__
from testbed.procs import REPO_ROOT
from tests.chaos.cli.helpers import chaosrun, write
from tests.chaos.engine.http_target import Target
from tests.support.cli import run_chaosrun

EXPERIMENTS = REPO_ROOT / "experiments"


def http_experiment(target: Target, method: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "title": "Frontend keeps answering",
        "description": "d",
        "configuration": {
            "frontend_url": {"type": "env", "key": "CHAOSRUN_TEST_FRONTEND", "default": target.url}
        },
        "steady-state-hypothesis": {
            "title": "Frontend answers",
            "probes": [
                {
                    "type": "probe",
                    "name": "front-service-must-still-respond",
                    "tolerance": 200,
                    "provider": {"type": "http", "url": "${frontend_url}", "timeout": 2},
                }
            ],
        },
        "method": method
        or [
            {
                "type": "action",
                "name": "noop",
                "provider": {"type": "process", "path": sys.executable, "arguments": "-c pass"},
                "pauses": {"after": 0.2},
            }
        ],
        "rollbacks": [],
    }


def test_version_and_help() -> None:
    result = chaosrun("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"chaosrun {__version__}"
    result = chaosrun("--help")
    assert result.exit_code == 0
    for command in ("pod", "deployment", "run", "validate"):
        assert command in result.output
    for command in ("pod", "deployment", "run", "validate"):
        help_text = chaosrun(command, "--help").output
        assert f"Example: chaosrun {command}" in help_text


@pytest.mark.parametrize(
    "name",
    [
        "pod.json",
        "deployment.json",
        "pod.yaml",
        "deployment-with-restore.yaml",
        "deployment-safeguarded.yaml",
    ],
)
def test_validate_shipped_files(name: str) -> None:
    result = chaosrun("validate", EXPERIMENTS / name)
    assert result.exit_code == 0, result.output
    assert "Validating the experiment's syntax" in result.output
    assert "Experiment looks valid" in result.output


def test_validate_reports_the_place(tmp_path: Path) -> None:
    raw = json.loads((EXPERIMENTS / "pod.json").read_text())
    raw["method"][0]["provider"]["func"] = "delete_pod"
    result = chaosrun("validate", write(tmp_path / "bad.json", raw))
    assert result.exit_code == 2
    assert "method[0].provider.func: unknown chaosk8s function 'delete_pod'" in result.stderr
    assert "Traceback" not in result.output
    assert "Experiment looks valid" not in result.output


@pytest.mark.parametrize(
    ("content", "suffix", "expected"),
    [
        ('{"title": ', ".json", "invalid JSON"),
        ("title: [x\n", ".yaml", "invalid YAML"),
        ("[1, 2]", ".json", "the top level must be a mapping"),
        ('{"title": "t"}', ".json", "method: is required"),
    ],
)
def test_malformed_files_exit_2(tmp_path: Path, content: str, suffix: str, expected: str) -> None:
    path = tmp_path / f"exp{suffix}"
    path.write_text(content)
    for args in (["validate"], ["run", "--journal-path", tmp_path / "j.json"]):
        result = chaosrun(*args, path)
        assert result.exit_code == 2, result.output
        assert expected in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "j.json").exists()


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = chaosrun("run", tmp_path / "nope.json")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_run_completed_writes_journal(target: Target, tmp_path: Path) -> None:
    journal = tmp_path / "out" / "journal.json"
    result = chaosrun(
        "run", write(tmp_path / "e.json", http_experiment(target)), "--journal-path", journal
    )
    assert result.exit_code == 0, result.output
    for line in (
        "Validating the experiment's syntax",
        "Experiment looks valid",
        "Running experiment: Frontend keeps answering",
        "Steady state hypothesis: Frontend answers",
        "Probe: front-service-must-still-respond",
        "Steady state hypothesis is met!",
        "Action: noop",
        "Pausing after activity for 0.2s...",
        "Let's rollback...",
        "Experiment ended with status: completed",
    ):
        assert line in result.output
    # Chaos Toolkit style: "[YYYY-MM-DD HH:MM:SS INFO] message"
    assert any(
        line.startswith("[20") and " INFO] Running experiment" in line
        for line in result.output.splitlines()
    )
    data = json.loads(journal.read_text())
    assert data["status"] == "completed" and data["deviated"] is False


@pytest.mark.parametrize("how", ["fast path", "Typer"])
def test_print_journal_ends_stdout_with_the_journal(
    target: Target, tmp_path: Path, how: str
) -> None:
    """``--print-journal`` (or its variable, which leaves the line to Typer): the journal
    written to the file is also the last line on stdout, one JSON line."""
    journal = tmp_path / "journal.json"
    args = ["run", str(write(tmp_path / "e.json", http_experiment(target)))]
    args += ["--journal-path", str(journal), "--no-measure"]
    if how == "fast path":
        done = run_chaosrun(*args, "--print-journal", timeout=60)
    else:
        done = run_chaosrun(*args, timeout=60, env={"CHAOSRUN_PRINT_JOURNAL": "1"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-2].endswith("Journal follows, on one line:")
    assert json.loads(lines[-1]) == json.loads(journal.read_text())


def test_run_deviated_exit_1(target: Target, tmp_path: Path) -> None:
    method = [
        {
            "type": "action",
            "name": "break-frontend",
            "provider": {"type": "http", "method": "POST", "url": f"{target.url}set?status=502"},
        }
    ]
    journal = tmp_path / "j.json"
    result = chaosrun(
        "run",
        write(tmp_path / "e.json", http_experiment(target, method)),
        "--journal-path",
        journal,
    )
    assert result.exit_code == 1
    assert "Experiment ended with status: deviated" in result.output
    data = json.loads(journal.read_text())
    assert (data["status"], data["deviated"]) == ("failed", True)


def test_run_with_var_and_measurement(target: Target, tmp_path: Path) -> None:
    raw = http_experiment(target)
    raw["configuration"]["frontend_url"] = {"type": "env", "key": "CHAOSRUN_TEST_UNSET_X"}
    journal = tmp_path / "j.json"
    result = chaosrun(
        "run",
        write(tmp_path / "e.json", raw),
        "--var",
        f"frontend_url={target.url}",
        "--measure-url",
        target.url,
        "--probe-interval",
        "0.05",
        "--journal-path",
        journal,
    )
    assert result.exit_code == 0, result.output
    assert "Live measurement" in result.output
    assert "Availability" in result.output
    data = json.loads(journal.read_text())
    assert data["measurements"]["url"] == target.url
    assert data["measurements"]["samples"]


def test_run_no_measure(target: Target, tmp_path: Path) -> None:
    journal = tmp_path / "j.json"
    result = chaosrun(
        "run",
        write(tmp_path / "e.json", http_experiment(target)),
        "--measure-url",
        target.url,
        "--no-measure",
        "--journal-path",
        journal,
    )
    assert result.exit_code == 0
    assert "measurements" not in json.loads(journal.read_text())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--var", "novalue"], "expected key=value"),
        (["--var", "n:int=x"], "is not a valid int"),
        (["--measure-url", "ftp://x"], "--measure-url must start with http://"),
    ],
)
def test_run_bad_options_exit_2(
    target: Target, tmp_path: Path, args: list[str], expected: str
) -> None:
    result = chaosrun("run", write(tmp_path / "e.json", http_experiment(target)), *args)
    assert result.exit_code == 2
    assert expected in result.stderr


def test_run_missing_env_configuration_exit_2(target: Target, tmp_path: Path) -> None:
    raw = http_experiment(target)
    raw["configuration"]["frontend_url"] = {"type": "env", "key": "CHAOSRUN_TEST_UNSET_Y"}
    result = chaosrun("run", write(tmp_path / "e.json", raw), "--journal-path", tmp_path / "j.json")
    assert result.exit_code == 2
    assert (
        "configuration.frontend_url: environment variable CHAOSRUN_TEST_UNSET_Y is not set"
        in result.stderr
    )
    assert not (tmp_path / "j.json").exists()


def test_journal_path_directory_exit_2(target: Target, tmp_path: Path) -> None:
    result = chaosrun(
        "run", write(tmp_path / "e.json", http_experiment(target)), "--journal-path", tmp_path
    )
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_run_refuses_system_namespace_up_front(tmp_path: Path) -> None:
    raw = json.loads((EXPERIMENTS / "pod.json").read_text())
    raw["method"][0]["provider"]["arguments"]["ns"] = "kube-system"
    result = chaosrun("run", write(tmp_path / "e.json", raw))
    assert result.exit_code == 2
    assert "refusing to run chaos in the system namespace 'kube-system'" in result.stderr


def test_run_unreachable_cluster_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\n"
        "clusters: [{name: dead, cluster: {server: 'http://127.0.0.1:9'}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: dead, context: {cluster: dead, user: u}}]\n"
    )
    result = chaosrun(
        "run",
        EXPERIMENTS / "pod.json",
        "--kubeconfig",
        config,
        "--journal-path",
        tmp_path / "j.json",
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "j.json").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["pod", "--namespace", "kube-system"], "system namespace 'kube-system'"),
        (["deployment", "-n", "kube-system"], "system namespace 'kube-system'"),
        (["pod", "--mode", "half"], "--mode must be one of fixed, percentage"),
        (["pod", "--order", "newest"], "--order must be one of alphabetic, oldest"),
        (["pod", "--mode", "percentage", "--qty", "150"], "at most 100"),
        (["pod", "--selector", "app in (front"], "--selector: invalid label selector"),
        (["pod", "--name-pattern", "("], "not a valid regular expression"),
        (["deployment", "--name", " "], "--name must not be empty"),
    ],
)
def test_pod_and_deployment_bad_options_exit_2(args: list[str], expected: str) -> None:
    result = chaosrun(*args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_unknown_option_exit_2() -> None:
    result = chaosrun("pod", "--bogus")
    assert result.exit_code == 2


RUN_WRAPPER = """
import sys
from chaos.cli.main import app
try:
    app(sys.argv[1:], prog_name="chaosrun")
except SystemExit as exc:
    print("EXIT", exc.code, "KUBERNETES", "kubernetes" in sys.modules)
"""


def test_http_only_run_never_imports_kubernetes(target: Target, tmp_path: Path) -> None:
    import subprocess

    path = write(tmp_path / "e.json", http_experiment(target))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_WRAPPER,
            "run",
            str(path),
            "-v",
            "--journal-path",
            str(tmp_path / "j.json"),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "EXIT 0 KUBERNETES False" in done.stdout, done.stdout + done.stderr
    # --verbose logs the activities' outputs.
    assert "DEBUG]   => output: {'status': 200" in done.stdout
