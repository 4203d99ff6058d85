"""``chaosrun scale`` end to end: the real client against the tests' API server, a real backend
bound to ``back`` and a real frontend in front of it, the live measurement on."""

from __future__ import annotations

import pytest

from chaos.drivers.base import STATEFULSETS
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.polling import wait_until
from tests.chaos.drivers.kubernetes.stack import Stack
from tests.support.kube_objects import create
from tests.support.workloads import workload


def replicas(stack: Stack, name: str = "back") -> int:
    back = stack.cluster.deployment(name)
    assert back is not None
    return int(back["spec"]["replicas"])


def test_scale_to_zero_with_v1_deviates_measures_and_scales_back(stack_v1: Stack) -> None:
    result = stack_v1.chaosrun(
        "scale", "back", "--replicas", "0", "--frontend-url", stack_v1.frontend.url,
        "--pause", "0.5", "--slo", "availability>=99%",
    )  # fmt: skip

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Experiment ended with status: deviated" in result.stdout
    journal = stack_v1.journal()
    assert journal["experiment"]["method"][0]["provider"]["func"] == "scale_deployment"
    assert journal["run"][0]["output"]["previous"] == 1
    (rollback,) = journal["rollbacks"]
    assert rollback["status"] == "succeeded"
    assert rollback["output"] == ["Deployment default/back: undone"]
    (gate,) = journal["slo"]
    assert gate["gate"] == "availability>=99%" and gate["passed"] is False, gate
    assert "availability" in result.stdout  # the live measurement's table
    assert replicas(stack_v1) == 1
    wait_until(lambda: stack_v1.cluster.ready_pods(selector="app=back"), 20, "back's pod")


def test_scale_dry_run_changes_nothing(bare_stack: Stack) -> None:
    result = bare_stack.chaosrun(
        "scale", "back", "--replicas", "3", "--frontend-url", "http://127.0.0.1:9", "--dry-run"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dry run: would scale Deployment default/back to 3 replicas" in result.stdout
    assert replicas(bare_stack) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["back"], "Error: --replicas is required: how many replicas the workload runs "
                   "during the chaos."),
        (["back", "--replicas", "1", "--kind", "daemonset"],
         "Error: --kind must be one of deployment, statefulset, not 'daemonset'."),
        (["ghost", "--replicas", "1"],
         "Error: Deployment 'ghost' not found in namespace 'default'; nothing to scale."),
        (["back", "--replicas", "1", "-n", "kube-system"],
         "Error: refusing to run chaos in the system namespace 'kube-system' "
         "(pass --allow-system-namespaces if you really mean it)."),
    ],
)  # fmt: skip
def test_scale_bad_input_is_one_sentence(bare_stack: Stack, args: list[str], message: str) -> None:
    result = bare_stack.chaosrun("scale", *args, "--frontend-url", "http://127.0.0.1:9")

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [message]
    assert replicas(bare_stack) == 1


def test_scale_a_statefulset_and_back(stack_v1: Stack, driver: KubernetesDriver) -> None:
    create(driver, STATEFULSETS, workload("StatefulSet", "db", replicas=3))

    result = stack_v1.chaosrun(
        "scale", "db", "--kind", "statefulset", "--replicas", "1", "--pause", "0",
        "--frontend-url", stack_v1.frontend.url, "--no-measure",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    journal = stack_v1.journal()
    assert journal["run"][0]["output"] is None, result.stdout
    assert [r["output"] for r in journal["rollbacks"]] == [["StatefulSet default/db: undone"]]
    assert driver.read_object(STATEFULSETS, "db", "default")["spec"]["replicas"] == 3
