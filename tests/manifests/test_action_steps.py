"""The GitHub Action's shell steps, run as GitHub runs them (``bash -eo pipefail``) with the
real ``chaosrun``: what a job sees when the action runs twice, when the run succeeds and when
the input is bad, whatever ``fail-on-deviation`` says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from testbed.procs import REPO_ROOT

STEPS = {
    step["name"]: step
    for step in yaml.safe_load((REPO_ROOT / "action.yml").read_text())["runs"]["steps"]
}
EXPERIMENT = {
    "title": "a process probe",
    "description": "Nothing to break.",
    "steady-state-hypothesis": {
        "title": "true succeeds",
        "probes": [
            {
                "type": "probe",
                "name": "true",
                "tolerance": 0,
                "provider": {"type": "process", "path": "true"},
            }
        ],
    },
    "method": [{"type": "action", "name": "noop", "provider": {"type": "process", "path": "true"}}],
}


def _step(name: str, env: dict[str, str], tmp_path: Path) -> tuple[int, dict[str, str]]:
    """Run the step's script; its exit code and what it wrote to ``$GITHUB_OUTPUT``."""
    output = tmp_path / "github-output"
    output.write_text("")
    bin_dir = str(Path(sys.executable).parent)
    full_env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        **env,
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", STEPS[name]["run"]],
        env=full_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line.partition("=") for line in output.read_text().splitlines()]
    return done.returncode, {key: value for key, _, value in lines}


@pytest.mark.parametrize(
    ("code", "fail_on_deviation", "expected"),
    [
        ("0", "true", 0),
        ("0", "false", 0),
        ("1", "true", 1),
        ("1", "false", 0),
        ("2", "true", 2),
        ("2", "false", 2),
        ("", "false", 2),  # the run step never ran
    ],
)
def test_the_verdict_fails_bad_input_whatever_fail_on_deviation_says(
    tmp_path: Path, code: str, fail_on_deviation: str, expected: int
) -> None:
    env = {"CODE": code, "FAIL_ON_DEVIATION": fail_on_deviation}
    assert _step("Verdict", env, tmp_path)[0] == expected


def test_two_runs_in_one_job_keep_their_own_files_and_artifact_names(tmp_path: Path) -> None:
    experiment = tmp_path / "exp.json"
    experiment.write_text(json.dumps(EXPERIMENT))
    env = {
        "COMMAND": "run",
        "ARGS": str(experiment),
        "NAME": "chaosrun",
        "BASE": str(tmp_path / "out"),
    }
    first = _step("Run the experiment", env, tmp_path)
    second = _step("Run the experiment", env, tmp_path)
    assert first[0] == second[0] == 0
    assert [first[1]["artifact"], second[1]["artifact"]] == ["chaosrun", "chaosrun-2"]
    assert first[1]["dir"] != second[1]["dir"]
    for _, outputs in (first, second):
        assert outputs["exit-code"] == "0"
        assert json.loads(Path(outputs["journal"]).read_text())["status"] == "completed"
        assert sorted(p.suffix for p in Path(outputs["dir"]).iterdir()) == [
            ".html",
            ".json",
            ".xml",
        ]


def test_bad_input_leaves_no_journal_path_and_a_summary_that_says_so(tmp_path: Path) -> None:
    env = {
        "COMMAND": "run",
        "ARGS": str(tmp_path / "missing.json"),
        "NAME": "chaosrun",
        "BASE": str(tmp_path / "out"),
    }
    code, outputs = _step("Run the experiment", env, tmp_path)
    assert code == 0 and outputs["exit-code"] == "2"
    assert "journal" not in outputs
    assert _step("Job summary", {"JOURNAL": ""}, tmp_path)[0] == 0
    assert "wrote no journal" in (tmp_path / "summary.md").read_text()
    verdict = {"CODE": outputs["exit-code"], "FAIL_ON_DEVIATION": "false"}
    assert _step("Verdict", verdict, tmp_path)[0] == 2


def test_later_steps_are_guarded_against_a_run_that_never_happened() -> None:
    assert (
        "steps.run.outputs.dir != ''"
        in STEPS["Upload the report, the JUnit file and the journal"]["if"]
    )
    assert "steps.run.outputs.exit-code != ''" in STEPS["Job summary"]["if"]
    assert STEPS["Upload the report, the JUnit file and the journal"]["with"]["name"] == (
        "${{ steps.run.outputs.artifact }}"
    )


@pytest.mark.parametrize(("availability", "expected"), [(99.95, 0), (97.0, 1)])
def test_the_comparison_fails_the_step_on_a_regression_beyond_its_bound(
    tmp_path: Path, availability: float, expected: int
) -> None:
    from tests.support.journals import made_journal, write_journal

    base = write_journal(tmp_path / "base.json", made_journal(availability=100.0))
    run = write_journal(tmp_path / "run.json", made_journal(availability=availability))
    env = {
        "BASELINE": str(base),
        "MAX_REGRESSION": "availability=1 p99=20%",
        "JOURNAL": str(run),
        "RUNNER_TEMP": str(tmp_path),
    }
    code, _ = _step("Compare with the baseline", env, tmp_path)
    assert code == expected
    summary = (tmp_path / "summary.md").read_text()
    assert "### chaosrun compare" in summary
    assert ("REGRESSION" in summary) == bool(expected)


def test_a_label_baseline_reads_the_history(tmp_path: Path) -> None:
    from tests.support.journals import made_journal, write_journal

    base = made_journal(availability=100.0, run_id="01BASE0000000", labels={"version": "v1"})
    history = str(tmp_path / "history.db")
    imported = subprocess.run(
        [
            sys.executable,
            "-m",
            "chaos",
            "history",
            "import",
            str(write_journal(tmp_path / "b.json", base)),
        ],
        env={**os.environ, "CHAOSRUN_HISTORY": history, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    run = write_journal(tmp_path / "run.json", made_journal(availability=90.0))
    env = {
        "BASELINE": "version=v1",
        "MAX_REGRESSION": "availability=1",
        "JOURNAL": str(run),
        "RUNNER_TEMP": str(tmp_path),
        "CHAOSRUN_HISTORY": history,
        "PYTHONPATH": str(REPO_ROOT),
    }
    assert _step("Compare with the baseline", env, tmp_path)[0] == 1
    assert "Base `01BASE0000000`" in (tmp_path / "summary.md").read_text()
