"""The Kubernetes guides' runs, in order: each starts with both Deployments Ready.

A run right after another, after an apply or after ``chaosrun restore`` must wait for the
Deployments they changed (``kubectl rollout status``): a restored backend that is not Ready
yet fails the next run's first hypothesis.
"""

from __future__ import annotations

import shlex

import pytest

from testbed.procs import REPO_ROOT
from tests.manifests.kustomize import build, cronjob_of, experiment_of
from tests.manifests.test_docs import GUIDES, command_sequence, guide_text

# The Deployment a run changes (and its rollback or ``chaosrun restore`` changes back): ``scale``
# names it; ``latency`` changes a Service and no Deployment.
RUN_TARGETS = {"pod": "front", "deployment": "back", "latency": ""}


def _run_target(argv: list[str]) -> str | None:
    """The Deployment ``chaosrun ...`` changes ("" for none); None for no run."""
    if argv[0] != "chaosrun":
        return None
    return argv[2] if argv[1] == "scale" else RUN_TARGETS.get(argv[1])


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_each_run_starts_with_both_deployments_ready(guide: str) -> None:
    changed: set[str] = set()  # Deployments not waited for since they last changed
    left = ""  # what a run with --no-rollback left for `chaosrun restore`
    schedules: dict[str, str] = {}  # the CronJobs applied: name -> the experiment they run
    runs = 0
    for argv in command_sequence(guide_text(guide)):
        line = shlex.join(argv)
        target = _run_target(argv)
        if argv[:2] == ["chaosrun", "restore"] and "--dry-run" not in argv:
            changed |= {left} - {""}
            left = ""
        elif argv[:3] == ["kubectl", "apply", "-k"]:
            objects = build(REPO_ROOT / argv[3])
            jobs = [o for o in objects if o["kind"] == "Job"]
            if jobs:
                target = RUN_TARGETS[experiment_of(jobs[0]["spec"])]
            for cron in (o for o in objects if o["kind"] == "CronJob"):
                job_spec = cron["spec"]["jobTemplate"]["spec"]
                schedules[cron["metadata"]["name"]] = experiment_of(job_spec)
            changed |= {o["metadata"]["name"] for o in objects if o["kind"] == "Deployment"}
        elif argv[:3] == ["kubectl", "create", "job"] and (source := cronjob_of(argv)):
            # A Job made from a CronJob runs now what the schedule runs.
            assert source in schedules, f"{guide}: `{line}` names a CronJob not applied before"
            target = RUN_TARGETS[schedules[source]]
        elif argv[:3] == ["kubectl", "rollout", "status"]:
            changed.discard(argv[3].removeprefix("deployment/"))
        elif argv[:3] == ["kubectl", "scale", "deployment"]:
            changed.add(argv[3])
        if target is not None:
            assert not changed, f"{guide}: `{line}` starts before {sorted(changed)} is Ready"
            changed |= {target} - {""}
            if "--no-rollback" in argv:
                left = target
            runs += 1
    assert runs >= 3, f"{guide} runs the three experiments"
