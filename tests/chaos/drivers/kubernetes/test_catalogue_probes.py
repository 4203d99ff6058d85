"""The chaosk8s probes over pods, Deployments, Services and namespaces, end to end: the
registered function, the real ``kubernetes`` client and the tests' API server, called with the
arguments the extension's documentation shows, asserted on what they return (the other kinds:
``test_catalogue_kinds.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.registry import lookup
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.kube.cluster import FakeCluster, wait_until
from testbed.kube.controller import PHASE_ANNOTATION
from testbed.kube.resources import PODS
from tests.chaos.drivers.kubernetes.stack import Stack
from tests.support.kube_objects import POD_KIND, call, unserved


@pytest.fixture
def demo(fake_cluster: FakeCluster) -> FakeCluster:
    fake_cluster.seed_demo()
    return fake_cluster


# ---- pods --------------------------------------------------------------------------------


def test_pods_in_phase(demo: FakeCluster, driver: KubernetesDriver) -> None:
    assert call(driver, "chaosk8s.pod.probes.pods_in_phase", label_selector="app=back") is True
    assert (
        call(
            driver,
            "chaosk8s.pod.probes.pods_in_phase",
            label_selector="app=back",
            phase="Pending",
            raise_on_invalid_phase=False,
        )
        is False
    )
    with pytest.raises(ActivityFailed, match="no pod matches label selector 'app=none'"):
        call(driver, "chaosk8s.pod.probes.pods_in_phase", label_selector="app=none")


def test_pods_in_conditions(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.pod.probes.pods_in_conditions"
    ready = [{"type": "Ready", "status": "True"}]
    assert call(driver, probe, label_selector="app=back", conditions=ready) is True
    (pod,) = demo.pod_names(selector="app=back")
    demo.set_pod_ready(pod, False)
    wait_until(lambda: not demo.ready_pods(selector="app=back"), what="the pod to be unready")
    with pytest.raises(ActivityFailed, match=f"pod {pod} does not match the condition"):
        call(driver, probe, label_selector="app=back", conditions=ready)
    assert (
        call(
            driver,
            probe,
            label_selector="app=back",
            conditions=ready,
            raise_on_invalid_conditions=False,
        )
        is False
    )


def test_pods_not_in_phase(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.pod.probes.pods_not_in_phase"
    assert call(driver, probe, label_selector="app=front", phase="Failed") is True
    with pytest.raises(ActivityFailed, match="should not be in phase 'Running'"):
        call(driver, probe, label_selector="app=front")
    assert call(driver, probe, label_selector="app=front", raise_on_in_phase=False) is False


def test_count_pods_and_count_min_pods(demo: FakeCluster, driver: KubernetesDriver) -> None:
    demo.apply_deployment("three", {"app": "three"}, replicas=3)
    demo.wait_ready("app=three", count=3)
    assert call(driver, "chaosk8s.pod.probes.count_pods", label_selector="app=three") == 3
    assert (
        call(driver, "chaosk8s.pod.probes.count_pods", label_selector="app=three", phase="Failed")
        == 0
    )
    assert call(driver, "chaosk8s.pod.probes.count_min_pods", label_selector="app=three") is True
    assert (
        call(driver, "chaosk8s.pod.probes.count_min_pods", label_selector="app=three", min_count=4)
        is False
    )


def test_pod_is_not_available(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.pod.probes.pod_is_not_available"
    # The documented default selects pods labelled name=<name>: the demo's have none.
    assert call(driver, probe, name="back") is True
    with pytest.raises(ActivityFailed, match="pod 'back' is actually running"):
        call(driver, probe, name="back", label_selector="app in ({name})")
    assert (
        call(
            driver,
            probe,
            name="back",
            label_selector="app in ({name})",
            raise_on_is_available=False,
        )
        is False
    )


def test_a_pod_in_another_phase_is_seen(demo: FakeCluster, driver: KubernetesDriver) -> None:
    (pod,) = demo.pod_names(selector="app=back")
    demo.store.update_meta(PODS, "default", pod, annotations={PHASE_ANNOTATION: "Failed"})
    wait_until(
        lambda: (
            call(
                driver, "chaosk8s.pod.probes.count_pods", label_selector="app=back", phase="Failed"
            )
            == 1
        ),
        what="the pod to fail",
    )
    assert (
        call(
            driver,
            "chaosk8s.pod.probes.pod_is_not_available",
            name="back",
            label_selector="app=back",
        )
        is True
    )


@unserved(POD_KIND, "log")
def test_read_pod_logs(demo: FakeCluster, driver: KubernetesDriver) -> None:
    logs = call(
        driver,
        "chaosk8s.pod.probes.read_pod_logs",
        name="back",
        label_selector="app={name}",
        last="10 minutes",
    )
    assert set(logs) == demo.pod_names(selector="app=back")
    assert all(isinstance(text, str) for text in logs.values())


def test_should_be_found_in_logs_reads_the_value_given() -> None:
    probe = "chaosk8s.pod.probes.should_be_found_in_logs"
    value = {"back-1": "x Hello, I'm backend!", "back-2": "nothing"}
    native = lookup(*probe.rsplit(".", 1))
    assert native is not None and not native.uses_target
    assert native.impl(RunContext(), pattern="Hello", value=value) is False
    assert native.impl(RunContext(), pattern="Hello", value=value, all_containers=False) is True
    with pytest.raises(ActivityFailed, match="no logs to search from"):
        native.impl(RunContext(), pattern="Hello")


# ---- Deployments, Services, namespaces -----------------------------------------------------


def test_deployment_available_and_healthy(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.deployment.probes.deployment_available_and_healthy"
    assert call(driver, probe, name="back") is True
    assert call(driver, probe, name="back", label_selector="app=back") is True
    with pytest.raises(ActivityFailed, match="Deployment 'nope' was not found"):
        call(driver, probe, name="nope")
    assert call(driver, probe, name="nope", raise_on_unavailable=False) is False
    (pod,) = demo.pod_names(selector="app=back")
    demo.set_pod_ready(pod, False)
    wait_until(
        lambda: call(driver, probe, name="back", raise_on_unavailable=False) is False,
        what="unhealthy",
    )
    with pytest.raises(ActivityFailed, match="Deployment 'back' is not healthy"):
        call(driver, probe, name="back")
    # The deprecated name fails alike and returns nothing, as in chaosk8s 0.39.
    with pytest.raises(ActivityFailed, match="Deployment 'back' is not healthy"):
        call(driver, "chaosk8s.probes.microservice_available_and_healthy", name="back")
    assert call(driver, "chaosk8s.probes.microservice_available_and_healthy", name="front") is None


def test_deployment_partially_available(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.deployment.probes.deployment_partially_available"
    assert call(driver, probe, name="front") is True
    (pod,) = demo.pod_names(selector="app=front")
    demo.set_pod_ready(pod, False)
    wait_until(lambda: not demo.ready_pods(selector="app=front"), what="the pod to be unready")
    wait_until(
        lambda: call(driver, probe, name="front", raise_on_not_partially_available=False) is False,
        what="no replica available",
    )
    with pytest.raises(ActivityFailed, match="Deployment 'front' is not healthy"):
        call(driver, probe, name="front")


def test_deployment_fully_and_not_fully_available(
    demo: FakeCluster, driver: KubernetesDriver
) -> None:
    fully = "chaosk8s.deployment.probes.deployment_fully_available"
    not_fully = "chaosk8s.deployment.probes.deployment_not_fully_available"
    assert call(driver, fully, name="back", timeout=5) is True
    assert (
        call(driver, "chaosk8s.probes.deployment_is_fully_available", name="back", timeout=5)
        is True
    )
    assert call(driver, not_fully, name="back", timeout=1, raise_on_fully_available=False) is False
    with pytest.raises(ActivityFailed, match="deployment 'back' failed to stop running within 1s"):
        call(driver, not_fully, name="back", timeout=1)
    (pod,) = demo.pod_names(selector="app=back")
    demo.set_pod_ready(pod, False)
    assert call(driver, not_fully, name="back", timeout=10) is True
    assert (
        call(driver, "chaosk8s.probes.deployment_is_not_fully_available", name="back", timeout=10)
        is True
    )
    with pytest.raises(ActivityFailed, match="deployment 'back' failed to recover within 1s"):
        call(driver, fully, name="back", timeout=1)


def test_all_microservices_healthy(demo: FakeCluster, driver: KubernetesDriver) -> None:
    assert call(driver, "chaosk8s.probes.all_microservices_healthy") is True
    (pod,) = demo.pod_names(selector="app=front")
    demo.set_pod_ready(pod, False)
    wait_until(lambda: not demo.ready_pods(selector="app=front"), what="the pod to be unready")
    with pytest.raises(ActivityFailed, match="pods not healthy in namespace 'default'"):
        call(driver, "chaosk8s.probes.all_microservices_healthy")


def test_microservice_is_not_available(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.probes.microservice_is_not_available"
    assert call(driver, probe, name="back") is True
    with pytest.raises(ActivityFailed, match="pod 'back' is actually running"):
        call(driver, probe, name="back", label_selector="app={name}")


def test_service_is_initialized(demo: FakeCluster, driver: KubernetesDriver) -> None:
    probe = "chaosk8s.service.probes.service_is_initialized"
    assert call(driver, probe, name="backend") is True
    assert call(driver, probe) is True  # any Service of the namespace
    with pytest.raises(ActivityFailed, match="service 'nope' is not initialized"):
        call(driver, probe, name="nope")
    assert call(driver, probe, name="nope", raise_if_service_not_initialized=False) is False
    assert (
        call(
            driver,
            "chaosk8s.probes.service_endpoint_is_initialized",
            name="backend",
            label_selector="",
        )
        is True
    )
    with pytest.raises(ActivityFailed, match="service 'backend' is not initialized"):
        # The documented default selects Services labelled name=<name>: the demo's have none.
        call(driver, "chaosk8s.probes.service_endpoint_is_initialized", name="backend")


def test_namespace_exists(fake_cluster: FakeCluster, driver: KubernetesDriver) -> None:
    fake_cluster.create_namespace("shop")
    assert call(driver, "chaosk8s.namespace.probes.namespace_exists", name="shop") is True
    assert call(driver, "chaosk8s.namespace.probes.namespace_exists", name="nope") is False


# ---- a Chaos Toolkit file of them, run by chaosrun ------------------------------------------


def python_probe(title: str, qualified: str, **arguments: Any) -> dict[str, Any]:
    module, _, func = qualified.rpartition(".")
    provider = {"type": "python", "module": module, "func": func, "arguments": arguments}
    return {"type": "probe", "name": title, "provider": provider}


def test_a_file_of_catalogue_probes_runs_end_to_end(bare_stack: Stack) -> None:
    experiment = {
        "title": "the backend stands",
        "description": "read-only chaosk8s probes only",
        "steady-state-hypothesis": {
            "title": "backend available",
            "probes": [
                {
                    **python_probe(
                        "back-healthy",
                        "chaosk8s.deployment.probes.deployment_available_and_healthy",
                        name="back",
                    ),
                    "tolerance": True,
                },
            ],
        },
        "method": [
            python_probe("count", "chaosk8s.pod.probes.count_pods", label_selector="app=back"),
            python_probe(
                "service", "chaosk8s.service.probes.service_is_initialized", name="backend"
            ),
            python_probe("discover", "chaosk8s.discover"),
        ],
    }
    path = bare_stack.workdir / "probes.json"
    path.write_text(json.dumps(experiment))
    result = bare_stack.chaosrun("run", str(path), "--no-measure")
    assert result.returncode == 0, result.stderr
    journal = bare_stack.journal()
    assert journal["status"] == "completed"
    outputs = {run["activity"]["name"]: run["output"] for run in journal["run"]}
    assert outputs["count"] == 1
    assert outputs["service"] is True
    assert outputs["discover"]["extension"]["name"] == "chaostoolkit-kubernetes"
