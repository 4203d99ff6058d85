"""The read-only chaosk8s probes on the local target: pods, Deployments and Services are the
local stack's programs; any other kind needs a cluster, in one sentence."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.actions.registry import lookup
from chaos.drivers.base import NODES, SERVICES, NeedsCluster, NotFound, Selection
from chaos.drivers.local import LocalDriver


def call(driver: LocalDriver, qualified: str, **arguments: Any) -> Any:
    module, _, func = qualified.rpartition(".")
    native = lookup(module, func)
    assert native is not None and native.local, qualified
    return native.impl(RunContext(driver_factory=lambda: driver), **arguments)


def test_deployment_and_service_probes(driver: LocalDriver) -> None:
    assert call(driver, "chaosk8s.deployment.probes.deployment_available_and_healthy", name="back")
    assert call(driver, "chaosk8s.deployment.probes.deployment_fully_available", name="front-v1")
    assert (
        call(
            driver,
            "chaosk8s.deployment.probes.deployment_available_and_healthy",
            name="nope",
            raise_on_unavailable=False,
        )
        is False
    )
    assert call(driver, "chaosk8s.service.probes.service_is_initialized", name="backend")
    assert call(driver, "chaosk8s.probes.microservice_available_and_healthy", name="back") is None


def test_pod_probes(driver: LocalDriver) -> None:
    ready = [{"type": "Ready", "status": "True"}]
    probes = "chaosk8s.pod.probes."
    assert call(driver, probes + "pods_in_conditions", label_selector="app=back", conditions=ready)
    assert call(driver, probes + "count_min_pods", label_selector="app=front", min_count=2)
    assert call(driver, probes + "pods_not_in_phase", label_selector="app=back", phase="Failed")
    logs = call(driver, probes + "read_pod_logs", label_selector="app=back")
    ((pod, text),) = logs.items()
    assert pod.startswith("back-") and isinstance(text, str)


def test_objects_read_as_the_api_lists_them(driver: LocalDriver) -> None:
    services = driver.list_objects(SERVICES, Selection("default", None, "metadata.name=backend"))
    assert [s["metadata"]["name"] for s in services["items"]] == ["backend"]
    assert driver.read_object(SERVICES, "frontend", "default")["kind"] == "Service"
    with pytest.raises(NotFound):
        driver.read_object(SERVICES, "nope", "default")
    assert driver.list_objects(SERVICES, Selection("other"))["items"] == []


def test_other_kinds_need_a_cluster(driver: LocalDriver) -> None:
    with pytest.raises(NeedsCluster, match="the local target has no Node objects: this needs a"):
        driver.list_objects(NODES, Selection())
    with pytest.raises(NeedsCluster, match=r"cannot select objects by the field 'spec\.nodeName'"):
        driver.list_objects(SERVICES, Selection("default", None, "spec.nodeName=n1"))
