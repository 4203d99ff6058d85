"""The namespace policy (ConfigMap ``chaosrun-policy``) against the tests' Kubernetes API
server, read by the real ``kubernetes`` client: its limits, a looser flag refused, faults, a
window outside its hours, require-label, and a policy that cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from testbed.kube.cluster import FakeCluster
from tests.chaos.cli.helpers import chaosrun
from tests.chaos.engine.http_target import Target


@pytest.fixture
def scene(fake_cluster: FakeCluster, kube_api: Any) -> Any:
    fake_cluster.apply_deployment("back", {"app": "back"}, replicas=2)
    fake_cluster.wait_ready("app=back", count=2)

    def policy(**data: str) -> None:
        from kubernetes import client

        body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="chaosrun-policy"), data=data)
        client.CoreV1Api(kube_api).create_namespaced_config_map("default", body)

    return policy


def pod(kubeconfig: Path, target: Target, tmp_path: Path, *more: object) -> Result:
    return chaosrun(
        "pod", "--kubeconfig", kubeconfig, "--frontend-url", target.url, "--selector",
        "app=back", "--pause", "0", "--no-measure", "--no-history", "--journal-path",
        tmp_path / "j.json", *more,
    )  # fmt: skip


def test_the_policy_limits_and_is_named(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, scene: Any
) -> None:
    scene(**{"max-percent": "50"})
    before = fake_cluster.pod_names(selector="app=back")
    result = pod(kubeconfig, target, tmp_path, "--all")
    assert result.exit_code == 2, result.output
    assert (
        "refused by chaosrun-policy in default: max-percent 50, the selection is 100 % "
        "(2 of 2 pods matching app=back); nothing was changed." in result.output
    )
    assert fake_cluster.pod_names(selector="app=back") == before
    allowed = pod(kubeconfig, target, tmp_path, "--qty", "1")
    assert allowed.exit_code == 0, allowed.output


def test_a_looser_flag_is_refused_a_tighter_one_taken(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, scene: Any
) -> None:
    scene(**{"max-percent": "50", "min-healthy": "1"})
    result = pod(kubeconfig, target, tmp_path, "--max-percent", "80")
    assert result.exit_code == 2
    assert (
        "refused by chaosrun-policy in default: --max-percent 80 is looser than its "
        "max-percent 50." in result.output
    )
    result = pod(kubeconfig, target, tmp_path, "--min-healthy", "0")
    assert result.exit_code == 2
    assert "--min-healthy 0 is looser than its min-healthy 1." in result.output
    tighter = pod(kubeconfig, target, tmp_path, "--max-percent", "40")
    assert tighter.exit_code == 2
    assert "--max-percent 40: the selection is 1 of 2 pods matching app=back (50 %)" in (
        tighter.output
    )


def test_faults_and_require_label(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, scene: Any
) -> None:
    scene(faults="deployment, scale", **{"require-label": "chaos=allowed"})
    result = pod(kubeconfig, target, tmp_path)
    assert result.exit_code == 2
    assert (
        "refused by chaosrun-policy in default: its faults allow deployment, scale, not pod "
        "(terminate_pods)." in result.output
    )
    result = chaosrun(
        "deployment", "--kubeconfig", kubeconfig, "--frontend-url", target.url, "--pause",
        "0", "--no-measure", "--no-history", "--journal-path", tmp_path / "j.json",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert (
        "refused by chaosrun-policy in default: require-label chaos=allowed, Deployment back "
        "does not carry it; nothing was changed." in result.output
    )
    assert fake_cluster.deployment("back") is not None


def test_a_window_outside_its_hours(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, scene: Any
) -> None:
    later = datetime.now(UTC) + timedelta(hours=3)
    window = f"Mon-Sun {later:%H}:00-{(later + timedelta(hours=1)):%H}:00 UTC"
    scene(windows=window)
    before = fake_cluster.pod_names(selector="app=back")
    result = pod(kubeconfig, target, tmp_path)
    assert result.exit_code == 2
    assert f"refused by chaosrun-policy in default: chaos is allowed only in {window} (it is" in (
        result.output
    )
    assert fake_cluster.pod_names(selector="app=back") == before


def test_a_policy_that_cannot_be_read_stops_the_run(
    fake_cluster: FakeCluster, kubeconfig: Path, target: Target, tmp_path: Path, scene: Any
) -> None:
    fake_cluster.api.access.deny("get", "configmaps")
    before = fake_cluster.pod_names(selector="app=back")
    result = pod(kubeconfig, target, tmp_path)
    assert result.exit_code == 2, result.output
    assert "cannot read ConfigMap chaosrun-policy in namespace 'default'" in result.output
    assert "Traceback" not in result.output
    assert fake_cluster.pod_names(selector="app=back") == before
