"""The GitHub Action (``action.yml``) and the example workflow in ``docs/ci.md``, checked by
actionlint, and the action's shape as GitHub reads a composite action."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from testbed.procs import REPO_ROOT
from tests.support.actionlint import actionlint

ACTION = REPO_ROOT / "action.yml"
CI_DOC = REPO_ROOT / "docs" / "ci.md"


def _workflow_from_doc() -> str:
    """The workflow the doc tells the reader to save as .github/workflows/chaos.yml."""
    text = CI_DOC.read_text()
    found = re.search(r"`\.github/workflows/chaos\.yml`\.\n\n```yaml\n(.*?)\n```", text, re.S)
    assert found, "docs/ci.md has no workflow to save as .github/workflows/chaos.yml"
    return found.group(1) + "\n"


def test_the_workflow_in_the_doc_passes_actionlint(tmp_path: Path) -> None:
    path = tmp_path / "chaos.yml"
    path.write_text(_workflow_from_doc())
    assert actionlint(path) == []
    workflow = yaml.safe_load(path.read_text())
    steps = workflow["jobs"]["story"]["steps"]
    assert sum(1 for step in steps if step.get("uses") == "./") == 3


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    path = tmp_path / "chaos.yml"
    path.write_text(_workflow_from_doc().replace("steps.v1.outputs", "step.v1.outputs"))
    problems = actionlint(path)
    assert problems and "step" in problems[0]


def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load(ACTION.read_text())
    return action


def _as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """The composite action's steps as one job of a reusable workflow with the same inputs,
    which actionlint checks (expressions, contexts, step ids, actions' inputs)."""
    inputs = {
        name: {"type": "string", "required": False, "default": spec.get("default", "")}
        for name, spec in action["inputs"].items()
    }
    return {
        "name": action["name"],
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }


def test_the_action_passes_actionlint(tmp_path: Path) -> None:
    path = tmp_path / "action-as-workflow.yml"
    path.write_text(yaml.safe_dump(_as_workflow(_action()), sort_keys=False))
    assert actionlint(path) == []


def test_the_action_is_a_composite_that_github_runs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    ids = {step["id"] for step in steps if "id" in step}
    for step in steps:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash", "a composite action's run step needs its shell"
    for name, output in action["outputs"].items():
        used = re.findall(r"steps\.([\w-]+)\.outputs", output["value"])
        assert used and set(used) <= ids, name
    run = next(step for step in steps if step.get("id") == "run")["run"]
    for option in ("--journal-path", "--report", "--junit"):
        assert option in run
    uses = [step["uses"] for step in steps if "uses" in step]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    summary = next(step for step in steps if step.get("name") == "Job summary")["run"]
    assert "--format markdown" in summary and "GITHUB_STEP_SUMMARY" in summary
