"""``chaosrun latency --service`` on a Service that knows nothing of chaosrun, against the tests'
API server: the shadow Service, the restricted proxy Deployment, the selector swap, and its undo
by the rollback, by a signal and by ``chaosrun restore`` after SIGKILL."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chaos.drivers.base import RUN_LABEL, DriverError, ProxyFault, ServiceProxy
from chaos.drivers.kubernetes import KubernetesDriver
from testbed.kube.cluster import FakeCluster
from testbed.kube.resources import DEPLOYMENTS, SERVICES, ApiError
from tests.chaos.cli.helpers import read_until
from tests.chaos.drivers.kubernetes.stack import Stack
from tests.support.cli import spawn_chaosrun
from tests.support.pod_security import violations

SHOP = "shop"
SHADOW = "shop-chaosrun-shadow"
PROXY = "shop-chaosrun-proxy"


@pytest.fixture
def shop(stack_v1: Stack) -> Stack:
    """The demo plus Service ``shop`` (a named port, a two-key selector) and its Deployment."""
    stack_v1.cluster.apply_deployment(SHOP, {"app": SHOP, "tier": "web"}, port=9000)
    stack_v1.cluster.store.create(
        SERVICES,
        "default",
        {
            "metadata": {"name": SHOP, "labels": {"team": "a"}},
            "spec": {
                "selector": {"app": SHOP, "tier": "web"},
                "ports": [{"name": "web", "port": 80, "targetPort": 9000, "protocol": "TCP"}],
                "type": "ClusterIP",
            },
        },
    )
    stack_v1.cluster.wait_ready(f"app={SHOP}")
    return stack_v1


def obj(cluster: FakeCluster, resource: Any, name: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = cluster.store.get(resource, "default", name)
    except ApiError:
        return None
    return found


def spec(cluster: FakeCluster) -> dict[str, Any]:
    found = obj(cluster, SERVICES, SHOP)
    assert found is not None
    return dict(found["spec"])


def args(stack: Stack, *more: str) -> list[str]:
    return [
        "latency",
        "--service", SHOP,
        "--frontend-url", stack.frontend.url,
        "--delay", "2",
        "--error-share", "0.25",
        "--no-measure",
        *more,
    ]  # fmt: skip


def assert_fronted(stack: Stack, before: dict[str, Any]) -> str:
    """The proxy stands in front of ``shop``; the run label it carries."""
    cluster = stack.cluster
    shadow = obj(cluster, SERVICES, SHADOW)
    proxy = obj(cluster, DEPLOYMENTS, PROXY)
    assert shadow is not None and proxy is not None
    run = proxy["metadata"]["labels"][RUN_LABEL]
    assert shadow["metadata"]["labels"][RUN_LABEL] == run
    assert shadow["spec"]["selector"] == before["selector"]
    assert shadow["spec"]["ports"] == before["ports"]
    pod = proxy["spec"]["template"]["spec"]
    assert violations(pod) == []
    (container,) = pod["containers"]
    assert container["image"] == "registry.example/chaosrun-runner:v9"
    assert container["args"] == [
        "proxy",
        "--listen", "0.0.0.0:9000",
        "--upstream", f"http://{SHADOW}:80",
        "--delay", "2",
        "--error-share", "0.25",
    ]  # fmt: skip
    assert container["readinessProbe"]["httpGet"] == {"path": "/__chaosrun/ready", "port": 9000}
    now = spec(cluster)
    assert now["selector"] == {"chaosrun.io/proxy": PROXY, RUN_LABEL: run}
    assert {**now, "selector": before["selector"]} == before  # only the selector changed
    return str(run)


def assert_back(stack: Stack, before: dict[str, Any]) -> None:
    assert spec(stack.cluster) == before
    assert obj(stack.cluster, SERVICES, SHADOW) is None
    assert obj(stack.cluster, DEPLOYMENTS, PROXY) is None


def spawn(stack: Stack, journal: str) -> subprocess.Popen[str]:
    env = {**stack.env, "CHAOSRUN_PROXY_IMAGE": "registry.example/chaosrun-runner:v9"}
    proc = spawn_chaosrun(
        *args(stack, "--duration", "60", "--journal-path", journal), env=env, cwd=stack.workdir
    )
    read_until(proc, "Pausing after activity for 60s...")
    return proc


def test_latency_on_a_plain_service_fronts_it_and_the_rollback_restores_it_exactly(
    shop: Stack,
) -> None:
    before = spec(shop.cluster)
    env = {**shop.env, "CHAOSRUN_PROXY_IMAGE": "registry.example/chaosrun-runner:v9"}
    proc = spawn_chaosrun(
        *args(shop, "--duration", "60", "--journal-path", "a.json"), env=env, cwd=shop.workdir
    )
    try:
        read_until(proc, "Pausing after activity for 60s...")
        run = assert_fronted(shop, before)
        (record,) = Path(shop.env["CHAOSRUN_RECORDS_DIR"]).glob("*.json")
        entry = json.loads(record.read_text())["objects"][0]
        assert entry["kind"] == "ServiceProxy"
        assert entry["manifest"]["selector"] == before["selector"]
        assert entry["manifest"]["run"] == run
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 1, output
    journal = json.loads((shop.workdir / "a.json").read_text())
    assert journal["status"] == "interrupted"
    assert [r["status"] for r in journal["rollbacks"]] == ["succeeded"]
    assert_back(shop, before)


def test_a_run_that_ends_takes_the_proxy_away(shop: Stack) -> None:
    before = spec(shop.cluster)
    result = shop.chaosrun(*args(shop, "--duration", "0.2"))
    assert result.returncode == 0, result.stdout + result.stderr
    journal = shop.journal()
    assert journal["run"][0]["output"]["active"] is True
    assert [r["status"] for r in journal["rollbacks"]] == ["succeeded"]
    assert_back(shop, before)


def test_sigkill_after_the_swap_then_restore_brings_the_service_back_exactly(
    shop: Stack,
) -> None:
    before = spec(shop.cluster)
    proc = spawn(shop, "k.json")
    proc.kill()
    proc.communicate(timeout=30)
    assert_fronted(shop, before)

    listed = shop.chaosrun("restore", "--dry-run")
    assert "ServiceProxy default/shop" in listed.stdout, listed.stdout + listed.stderr
    assert_fronted(shop, before)

    restored = shop.chaosrun("restore")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "ServiceProxy default/shop" in restored.stdout
    assert_back(shop, before)
    again = shop.chaosrun("restore")
    assert again.returncode == 0 and "ServiceProxy" not in again.stdout
    assert_back(shop, before)


def test_a_multi_port_service_is_refused_in_one_sentence_before_any_change(shop: Stack) -> None:
    shop.cluster.store.patch(
        SERVICES,
        "default",
        SHOP,
        {"spec": {"ports": [{"name": "a", "port": 80}, {"name": "b", "port": 81}]}},
    )
    before = spec(shop.cluster)
    result = shop.chaosrun(*args(shop))
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "Service default/shop has 2 ports; the fault proxy serves Services with exactly one."
        in (result.stderr)
    )
    assert "Traceback" not in result.stderr
    assert_back(shop, before)


def test_a_forbidden_create_names_the_verb_the_resource_and_the_role(
    shop: Stack, kubeconfig: Path
) -> None:
    viewer = KubernetesDriver(context="viewer", kubeconfig=str(kubeconfig))
    before = spec(shop.cluster)
    plan = ServiceProxy(SHOP, "default", before["selector"], SHADOW, PROXY, "r1")
    with pytest.raises(DriverError) as caught:
        viewer.front_service(plan, before["ports"], ProxyFault(1, 0, "img", 5))
    assert str(caught.value) == (
        "chaosrun may not create services in namespace 'default' (403 Forbidden): apply "
        "k8s/runner/rbac/ (its Role grants it) or give your user the same rules"
    )
    assert_back(shop, before)


def test_the_undo_leaves_objects_without_the_run_label_and_a_selector_changed_by_hand(
    shop: Stack, driver: KubernetesDriver
) -> None:
    before = spec(shop.cluster)
    shop.cluster.apply_service(SHADOW, {"app": "x"}, 80, 80)  # someone else's, same name
    plan = ServiceProxy(SHOP, "default", before["selector"], SHADOW, PROXY, "r1")
    with pytest.raises(DriverError, match="already exists and is not this run's"):
        driver.front_service(plan, before["ports"], ProxyFault(1, 0, "img", 5))
    driver.unfront_service(plan)  # nothing of this run's stands: nothing is touched
    assert obj(shop.cluster, SERVICES, SHADOW) is not None
    assert spec(shop.cluster) == before
    shop.cluster.store.patch(SERVICES, "default", SHOP, {"spec": {"selector": {"app": "other"}}})
    with pytest.raises(DriverError, match="neither its original selector nor the fault proxy's"):
        driver.unfront_service(plan)
