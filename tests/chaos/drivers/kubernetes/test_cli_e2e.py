"""``python -m chaos`` end to end: fake cluster + real backend and frontend processes.

The story of SPEC: killing the frontend pod is survived (completed, exit 0); deleting the
backend Deployment breaks frontend v1 (deviated, exit 1) but not v2 (completed, exit 0); the
Deployment is restored in every case.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import pytest
import yaml

from services.contract import BACKEND_MESSAGE, FALLBACK_MESSAGE, MESSAGE_PATH
from testbed.kube.cluster import wait_until
from testbed.kube.resources import DEPLOYMENTS, PODS
from testbed.procs import REPO_ROOT
from tests.chaos.drivers.kubernetes.stack import Stack
from tests.support.journal import JOURNAL_KEYS


def front_pod_names(stack: Stack, namespace: str = "default") -> set[str]:
    return stack.cluster.pod_names(namespace, "app=front")


def assert_restored(stack: Stack, old_uid: str) -> None:
    """The ``back`` Deployment exists again (a new object), runs, and the backend answers."""
    restored = stack.cluster.deployment("back")
    assert restored is not None, "the Deployment was not restored"
    assert restored["metadata"]["uid"] != old_uid
    assert not restored["metadata"].get("deletionTimestamp")
    stack.cluster.wait_ready("app=back")
    wait_until(lambda: stack.backend.running, 20, "the backend process to come back")
    assert httpx.get(f"{stack.backend.url}{MESSAGE_PATH}").text == BACKEND_MESSAGE


def back_uid(stack: Stack) -> str:
    deployment = stack.cluster.deployment("back")
    assert deployment is not None
    return str(deployment["metadata"]["uid"])


def deletes(stack: Stack) -> list[str]:
    return [r.path for r in stack.cluster.api.requests if r.method == "DELETE"]


# ---- the story ----------------------------------------------------------------------------


def test_pod_chaos_completes_and_the_pod_is_replaced(stack_v1: Stack) -> None:
    (old_pod,) = front_pod_names(stack_v1)

    result = stack_v1.chaosrun(
        "pod", "--frontend-url", stack_v1.frontend.url, "--pause", "0.2", "--no-measure"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Experiment ended with status: completed" in result.stdout
    assert deletes(stack_v1) == [f"/api/v1/namespaces/default/pods/{old_pod}"]
    (new_pod,) = wait_until(
        lambda: (
            {p["metadata"]["name"] for p in stack_v1.cluster.ready_pods(selector="app=front")}
            - {old_pod}
        ),
        what="a new front pod",
    )
    assert front_pod_names(stack_v1) == {new_pod}
    journal = stack_v1.journal()
    assert (journal["status"], journal["deviated"]) == ("completed", False)
    assert journal["run"][0]["output"] == [old_pod]


def test_pod_chaos_on_every_replica_with_a_grace_period(stack_v1: Stack) -> None:
    stack_v1.cluster.store.patch(DEPLOYMENTS, "default", "front", {"spec": {"replicas": 3}})
    old = {p["metadata"]["name"] for p in stack_v1.cluster.wait_ready("app=front", count=3)}

    result = stack_v1.chaosrun(
        "pod",
        "--all",
        "--grace-period",
        "3",
        "--frontend-url",
        stack_v1.frontend.url,
        "--pause",
        "0.2",
        "--no-measure",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    sent = [r for r in stack_v1.cluster.api.requests if r.method == "DELETE"]
    assert {r.path.rsplit("/", 1)[1] for r in sent} == old
    assert {r.query.get("gracePeriodSeconds") for r in sent} == {"3"}
    new = {p["metadata"]["name"] for p in stack_v1.cluster.wait_ready("app=front", count=3)}
    assert new.isdisjoint(old)


def test_pod_chaos_finds_the_frontend_through_its_service(stack_v1: Stack) -> None:
    result = stack_v1.chaosrun("pod", "--pause", "0.2", "--no-measure")

    assert result.returncode == 0, result.stdout + result.stderr
    journal = stack_v1.journal()
    assert journal["experiment"]["configuration"]["frontend_url"] == stack_v1.frontend.url
    (_, http_probe) = journal["steady_states"]["after"]["probes"]
    assert http_probe["output"]["status"] == 200


def test_deployment_chaos_with_v1_deviates_and_restores(stack_v1: Stack) -> None:
    old_uid = back_uid(stack_v1)

    result = stack_v1.chaosrun(
        "deployment", "--frontend-url", stack_v1.frontend.url, "--pause", "0.5", "--no-measure"
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Experiment ended with status: deviated" in result.stdout
    journal = stack_v1.journal()
    assert journal["deviated"] is True
    (_, http_probe) = journal["steady_states"]["after"]["probes"]
    assert http_probe["output"]["status"] == 502
    assert http_probe["tolerance_met"] is False
    (rollback,) = journal["rollbacks"]
    assert rollback["status"] == "succeeded"
    (restored,) = rollback["output"]
    assert (restored["name"], restored["namespace"]) == ("back", "default")
    assert restored["time_to_restore"] >= 0.5  # deleted before the 0.5 s pause
    assert stack_v1.backend.events[:2] == ["started", "stopped"]
    assert_restored(stack_v1, old_uid)


def test_deployment_chaos_with_v2_completes(stack_v2: Stack) -> None:
    old_uid = back_uid(stack_v2)

    result = stack_v2.chaosrun(
        "deployment", "--frontend-url", stack_v2.frontend.url, "--pause", "0.5", "--no-measure"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Experiment ended with status: completed" in result.stdout
    journal = stack_v2.journal()
    assert (journal["status"], journal["deviated"]) == ("completed", False)
    (_, http_probe) = journal["steady_states"]["after"]["probes"]
    assert http_probe["output"]["status"] == 200
    assert FALLBACK_MESSAGE in http_probe["output"]["body"]
    assert stack_v2.backend.events[:2] == ["started", "stopped"]
    assert_restored(stack_v2, old_uid)


def test_no_rollback_leaves_the_deployment_deleted(stack_v2: Stack) -> None:
    result = stack_v2.chaosrun(
        "deployment",
        "--frontend-url",
        stack_v2.frontend.url,
        "--pause",
        "0.2",
        "--no-rollback",
        "--no-measure",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    wait_until(lambda: stack_v2.cluster.deployment("back") is None, what="the Deployment to go")
    assert stack_v2.journal()["rollbacks"] == []
    wait_until(lambda: not stack_v2.backend.running, what="the backend process to be killed")
    assert stack_v2.backend.events == ["started", "stopped"]


# ---- Chaos Toolkit file from the original tutorial ------------------------------------------


def tutorial_experiment(url: str) -> dict[str, object]:
    """The original tutorial's pod experiment, as written for chaostoolkit-kubernetes."""
    return {
        "version": "1.0.0",
        "title": "What happens if we terminate an instance of the application?",
        "description": "If an instance of the application fails, the page should still be served.",
        "tags": ["k8s", "pod"],
        "steady-state-hypothesis": {
            "title": "Services are all available and healthy",
            "probes": [
                {
                    "type": "probe",
                    "name": "all-services-are-healthy",
                    "tolerance": True,
                    "provider": {
                        "type": "python",
                        "module": "chaosk8s.probes",
                        "func": "all_pods_healthy",
                        "arguments": {"ns": "default"},
                    },
                },
                {
                    "type": "probe",
                    "name": "front-service-must-still-respond",
                    "tolerance": 200,
                    "provider": {"type": "http", "url": url},
                },
            ],
        },
        "method": [
            {
                "type": "action",
                "name": "terminate-app-pod",
                "provider": {
                    "type": "python",
                    "module": "chaosk8s.pod.actions",
                    "func": "delete_pods",
                    "arguments": {"name": "front", "ns": "default"},
                },
                "pauses": {"after": 1},
            },
            {"ref": "all-services-are-healthy"},
        ],
        "rollbacks": [],
    }


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_tutorial_chaos_toolkit_file_runs_unchanged(stack_v1: Stack, fmt: str) -> None:
    (old_pod,) = front_pod_names(stack_v1)
    path = stack_v1.workdir / f"experiment.{fmt}"
    experiment = tutorial_experiment(f"{stack_v1.frontend.url}/")
    path.write_text(
        json.dumps(experiment, indent=4) if fmt == "json" else yaml.safe_dump(experiment)
    )

    validated = stack_v1.chaosrun("validate", str(path))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Experiment looks valid" in validated.stdout

    result = stack_v1.chaosrun("run", str(path), "--journal-path", "tutorial.json")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Probe: all-services-are-healthy" in result.stdout
    assert "Action: terminate-app-pod" in result.stdout
    assert "Experiment ended with status: completed" in result.stdout
    journal = json.loads((stack_v1.workdir / "tutorial.json").read_text())
    assert [r["activity"]["name"] for r in journal["run"]] == [
        "terminate-app-pod",
        "all-services-are-healthy",
    ]
    assert journal["run"][0]["output"] == [old_pod]
    assert journal["run"][1]["output"] is True
    assert old_pod not in front_pod_names(stack_v1)
    stack_v1.cluster.wait_ready("app=front")


# ---- guards and bad input -----------------------------------------------------------------


def test_selector_matching_nothing_fails_the_action(stack_v1: Stack) -> None:
    result = stack_v1.chaosrun(
        "pod",
        "--selector",
        "app=nothing",
        "--frontend-url",
        stack_v1.frontend.url,
        "--pause",
        "0.2",
        "--no-measure",
    )

    assert result.returncode == 1
    assert "no pod matches label selector 'app=nothing' in namespace 'default'" in result.stdout
    assert "Experiment ended with status: failed" in result.stdout
    assert deletes(stack_v1) == []
    assert stack_v1.journal()["status"] == "failed"


def test_deployment_without_a_name_is_refused(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(
        "deployment", "--name", "", "--frontend-url", bare_stack.frontend_url
    )

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: --name must not be empty (chaosrun never deletes every Deployment)."
    )
    assert deletes(bare_stack) == []


def test_file_deleting_deployments_without_name_or_selector_is_refused(stack_v1: Stack) -> None:
    experiment = tutorial_experiment(stack_v1.frontend.url)
    experiment["method"] = [
        {
            "type": "action",
            "name": "delete-everything",
            "provider": {
                "type": "python",
                "module": "chaosk8s.deployment.actions",
                "func": "delete_deployment",
                "arguments": {"ns": "default"},
            },
        }
    ]
    path = stack_v1.workdir / "everything.json"
    path.write_text(json.dumps(experiment))

    result = stack_v1.chaosrun("run", str(path))

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "refusing to delete Deployments with neither a name nor a label selector" in result.stdout
    )
    assert "Experiment ended with status: failed" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert deletes(stack_v1) == []
    assert stack_v1.cluster.deployment("back") is not None
    assert stack_v1.cluster.deployment("front") is not None


def test_system_namespace_is_refused(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(
        "pod", "--namespace", "kube-system", "--frontend-url", bare_stack.frontend_url
    )

    assert result.returncode == 2
    assert "refusing to run chaos in the system namespace 'kube-system'" in result.stderr
    assert "\n" not in result.stderr.strip()
    assert deletes(bare_stack) == []


def test_system_namespace_allowed_on_request(stack_v1: Stack) -> None:
    stack_v1.cluster.apply_deployment("front", {"app": "front"}, namespace="kube-system")
    (old_pod,) = stack_v1.cluster.wait_ready("app=front", namespace="kube-system")

    result = stack_v1.chaosrun(
        "pod",
        "--namespace",
        "kube-system",
        "--allow-system-namespaces",
        "--frontend-url",
        stack_v1.frontend.url,
        "--pause",
        "0.2",
        "--no-measure",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert deletes(stack_v1) == [
        f"/api/v1/namespaces/kube-system/pods/{old_pod['metadata']['name']}"
    ]


def test_unreachable_cluster_is_one_sentence_and_exit_2(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(
        "pod", "--context", "unreachable", "--frontend-url", bare_stack.frontend_url
    )

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: cannot reach the Kubernetes API at http://127.0.0.1:")
    assert lines[0].endswith(": connection refused.")


def test_missing_kubeconfig_is_one_sentence_and_exit_2(bare_stack: Stack, tmp_path: Path) -> None:
    bare_stack.env["KUBECONFIG"] = str(tmp_path / "missing-kubeconfig")

    result = bare_stack.chaosrun("deployment", "--frontend-url", bare_stack.frontend_url)

    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"Error: no kubeconfig found at {tmp_path / 'missing-kubeconfig'} and not running "
        "inside a cluster (set KUBECONFIG or pass a kubeconfig file)."
    )


def test_kubeconfig_option_overrides_the_environment(bare_stack: Stack, tmp_path: Path) -> None:
    bare_stack.env["KUBECONFIG"] = str(tmp_path / "missing-kubeconfig")

    result = bare_stack.chaosrun(
        "pod",
        "--kubeconfig",
        str(bare_stack.kubeconfig),
        "--dry-run",
        "--frontend-url",
        bare_stack.frontend_url,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dry run: would terminate pod default/front-" in result.stdout


def test_missing_deployment_is_bad_input(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(
        "deployment", "--name", "ghost", "--frontend-url", bare_stack.frontend_url
    )

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: Deployment 'ghost' not found in namespace 'default'; nothing to delete."
    )
    assert deletes(bare_stack) == []


def test_dry_run_changes_nothing(bare_stack: Stack) -> None:
    (pod,) = front_pod_names(bare_stack)
    uid = back_uid(bare_stack)

    pod_run = bare_stack.chaosrun("pod", "--dry-run", "--frontend-url", bare_stack.frontend_url)
    deployment_run = bare_stack.chaosrun(
        "deployment", "--dry-run", "--frontend-url", bare_stack.frontend_url
    )

    assert pod_run.returncode == 0 and deployment_run.returncode == 0
    assert f"default/{pod}" in pod_run.stdout
    assert "default/back" in deployment_run.stdout
    writes = [r for r in bare_stack.cluster.api.requests if r.method not in ("GET",)]
    assert writes == []
    assert front_pod_names(bare_stack) == {pod}
    assert back_uid(bare_stack) == uid


# ---- interruption -------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interruption_mid_pause_restores_the_deployment(stack_v1: Stack, sig: int) -> None:
    old_uid = back_uid(stack_v1)
    proc = stack_v1.popen(
        "deployment", "--frontend-url", stack_v1.frontend.url, "--pause", "60", "--no-measure"
    )
    assert proc.stdout is not None
    seen: list[str] = []
    for line in proc.stdout:
        seen.append(line)
        if "Pausing after activity" in line:
            break
    wait_until(lambda: stack_v1.cluster.deployment("back") is None, what="the Deployment to go")

    proc.send_signal(sig)
    rest, errors = proc.communicate(timeout=30)

    output = "".join(seen) + rest
    assert proc.returncode == 1, output + errors
    assert "Traceback" not in output + errors
    assert "Experiment ended with status: interrupted" in output
    journal = stack_v1.journal()
    assert journal["status"] == "interrupted"
    assert [r["status"] for r in journal["rollbacks"]] == ["succeeded"]
    assert_restored(stack_v1, old_uid)


# ---- journal ------------------------------------------------------------------------------


def test_journal_layout(stack_v1: Stack) -> None:
    result = stack_v1.chaosrun(
        "pod",
        "--frontend-url",
        stack_v1.frontend.url,
        "--pause",
        "0.2",
        "--no-measure",
        "--journal-path",
        "pod-journal.json",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    journal = json.loads((stack_v1.workdir / "pod-journal.json").read_text())
    assert journal.keys() >= JOURNAL_KEYS
    assert journal["experiment"]["title"] == "What happens if we terminate the frontend pod?"
    assert isinstance(journal["duration"], float) and journal["duration"] > 0
    assert journal["start"] < journal["end"]
    assert set(journal["steady_states"]) == {"before", "after", "during"}
    for phase in ("before", "after"):
        state = journal["steady_states"][phase]
        assert state["steady_state_met"] is True
        assert [p["activity"]["name"] for p in state["probes"]] == [
            "all-services-are-healthy",
            "front-service-must-still-respond",
        ]
    (action,) = journal["run"]
    assert {"activity", "output", "start", "end", "duration", "status"} <= action.keys()
    assert action["status"] == "succeeded"
    assert action["activity"]["name"] == "terminate-frontend-pod"
    assert journal["rollbacks"] == []


# ---- health probe -------------------------------------------------------------------------


def test_unhealthy_pod_before_the_method_fails_the_run(stack_v1: Stack) -> None:
    """A pod that is not ready breaks the hypothesis before any chaos: nothing is deleted."""
    (back,) = stack_v1.cluster.pods(selector="app=back")
    stack_v1.cluster.set_pod_ready(back["metadata"]["name"], ready=False)
    wait_until(lambda: not stack_v1.cluster.ready_pods(selector="app=back"), what="not ready")

    result = stack_v1.chaosrun(
        "pod", "--frontend-url", stack_v1.frontend.url, "--pause", "0.2", "--no-measure"
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"pods not healthy in namespace 'default': {back['metadata']['name']}" in result.stdout
    assert "Experiment ended with status: failed" in result.stdout
    assert deletes(stack_v1) == []
    journal = stack_v1.journal()
    assert journal["steady_states"]["before"]["steady_state_met"] is False
    assert journal["run"] == []


# ---- the shipped experiment files ---------------------------------------------------------

SHIPPED = sorted((REPO_ROOT / "experiments").glob("*.[jy]*"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_experiments_hit_the_demo_objects(bare_stack: Stack, path: Path) -> None:
    """Dry run of each shipped file against the demo cluster: it resolves real objects."""
    bare_stack.env["FRONTEND_URL"] = bare_stack.frontend_url
    (front,) = front_pod_names(bare_stack)

    result = bare_stack.chaosrun("run", str(path), "--dry-run")

    assert result.returncode == 0, result.stdout + result.stderr
    hits = [line for line in result.stdout.splitlines() if "Dry run: would" in line]
    assert hits, result.stdout
    for line in hits:
        assert f"default/{front}" in line or "default/back" in line, line
    assert [r for r in bare_stack.cluster.api.requests if r.method != "GET"] == []


def test_forbidden_chaos_fails_the_run_naming_the_verb_and_the_grant(stack_v1: Stack) -> None:
    (pod,) = front_pod_names(stack_v1)

    result = stack_v1.chaosrun(
        "pod",
        "--context",
        "viewer",
        "--frontend-url",
        stack_v1.frontend.url,
        "--pause",
        "0.2",
        "--no-measure",
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "chaosrun may not delete pods in namespace 'default' (403 Forbidden): apply "
        "k8s/runner/rbac" in result.stdout
    )
    assert "Experiment ended with status: failed" in result.stdout
    assert front_pod_names(stack_v1) == {pod}


def test_a_refused_deployment_delete_is_not_rolled_back_nor_paused(stack_v1: Stack) -> None:
    old_uid = back_uid(stack_v1)

    result = stack_v1.chaosrun(
        "deployment",
        "--context",
        "viewer",
        "--frontend-url",
        stack_v1.frontend.url,
        "--pause",
        "600",  # a failed action skips its pause: the run would time out otherwise
        "--no-measure",
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "chaosrun may not delete deployments in namespace 'default'" in result.stdout
    assert "Experiment ended with status: failed" in result.stdout
    assert "Pausing after activity" not in result.stdout
    journal = stack_v1.journal()
    # The Deployment still stands, so the rollback has nothing to restore.
    assert [r["output"] for r in journal["rollbacks"]] == [[]]
    assert back_uid(stack_v1) == old_uid
    assert not [r for r in stack_v1.cluster.api.requests if r.method == "POST"]


def test_a_terminating_pod_is_neither_hit_again_nor_counted_unhealthy(stack_v1: Stack) -> None:
    (old,) = front_pod_names(stack_v1)
    # A finalizer keeps the killed pod Terminating, as a slow shutdown does on a real cluster.
    stack_v1.cluster.store.update_meta(PODS, "default", old, finalizers=["example.com/hold"])
    args = ("pod", "--frontend-url", stack_v1.frontend.url, "--pause", "0.2", "--no-measure")

    first = stack_v1.chaosrun(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    assert stack_v1.journal()["run"][0]["output"] == [old]
    (new,) = {p["metadata"]["name"] for p in stack_v1.cluster.ready_pods(selector="app=front")}
    stack_v1.cluster.set_pod_ready(old, False)  # its containers are shutting down
    assert front_pod_names(stack_v1) == {old, new}

    second = stack_v1.chaosrun(*args)

    assert second.returncode == 0, second.stdout + second.stderr
    assert "Experiment ended with status: completed" in second.stdout
    assert stack_v1.journal()["run"][0]["output"] == [new]
