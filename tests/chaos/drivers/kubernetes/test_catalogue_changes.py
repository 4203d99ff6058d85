"""The catalogue's mutating functions end to end against the tests' API server with the real
client: each does what chaosk8s 0.39 does, with what undoes it written ahead in the run record,
and chaosrun's own rollback (``chaosrun.changes.undo_changes``) brings back exactly the prior
state."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from chaos.actions.changes import undo_all
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import (
    DEPLOYMENTS,
    NAMESPACES,
    SECRETS,
    ObjectKind,
)
from chaos.drivers.factory import TargetRef
from chaos.drivers.kubernetes import KubernetesDriver
from chaos.records import RecordStore, RecordWriter
from testbed.kube.cluster import FakeCluster
from tests.support.catalogue_changes import CASES, Setup
from tests.support.kube_objects import call_in, create, read_or_none
from tests.support.workloads import SECRET_VALUE, content, secret, workload


def run_context(driver: KubernetesDriver, records: Path, **options: Any) -> RunContext:
    writer = RecordWriter(RecordStore(records), lambda: TargetRef(kubeconfig="unused"))
    return RunContext(driver_factory=lambda: driver, records=writer, **options)


call, read = call_in, read_or_none


def record_of(ctx: RunContext) -> list[dict[str, Any]]:
    assert ctx.records is not None and ctx.records.record is not None
    return [
        {"kind": o.kind, "name": o.name, "op": o.op.value, "state": o.state.value}
        for o in ctx.records.record.objects
    ]


@pytest.mark.parametrize(
    ("function", "setup", "kind", "name", "op"), CASES, ids=[c[0].rpartition(".")[2] for c in CASES]
)
def test_each_change_is_recorded_ahead_and_undone_exactly(
    fake_cluster: FakeCluster,
    driver: KubernetesDriver,
    tmp_path: Path,
    function: str,
    setup: Setup,
    kind: ObjectKind,
    name: str,
    op: str,
) -> None:
    arguments = setup(driver, tmp_path)
    before = content(read(driver, kind, name))
    ctx = run_context(driver, tmp_path / "runs")

    assert call(ctx, function, **arguments) is None or function.endswith("scale_deployment")

    standing = read(driver, kind, name)
    after = content(standing)
    if op == "created":
        assert before is None and after is not None
    elif op == "deleted":  # gone, or going (read once: it may go between two reads)
        assert standing is None or standing["metadata"].get("deletionTimestamp")
    elif op == "scaled":
        assert after is not None and after["spec"]["replicas"] == arguments["replicas"]
    else:
        assert after != before
    assert record_of(ctx) == [
        {
            "kind": kind.kind,
            "name": name,
            "op": op,
            "state": "deleted" if op == "deleted" else "changed",
        }
    ]

    assert undo_all(ctx)

    from testbed.polling import wait_until

    wait_until(lambda: content(read(driver, kind, name)) == before, 20, f"{kind.kind} {name} back")
    assert [o["state"] for o in record_of(ctx)] == ["restored"]


def test_create_namespace_and_its_undo(
    fake_cluster: FakeCluster, driver: KubernetesDriver, tmp_path: Path
) -> None:
    ctx = run_context(driver, tmp_path / "runs")
    call(ctx, "chaosk8s.namespace.actions.create_namespace", name="scratch")
    assert read(driver, NAMESPACES, "scratch", None) is not None
    assert record_of(ctx) == [
        {"kind": "Namespace", "name": "scratch", "op": "created", "state": "changed"}
    ]
    undo_all(ctx)
    from testbed.polling import wait_until

    wait_until(lambda: read(driver, NAMESPACES, "scratch", None) is None, 20, "the namespace gone")


def test_delete_namespace_is_refused_unless_irreversible_changes_are_allowed(
    fake_cluster: FakeCluster, driver: KubernetesDriver, tmp_path: Path
) -> None:
    create(driver, NAMESPACES, {"metadata": {"name": "doomed"}}, None)
    ctx = run_context(driver, tmp_path / "runs")
    with pytest.raises(ActivityFailed, match=r"cannot be undone .*--allow-irreversible"):
        call(ctx, "chaosk8s.namespace.actions.delete_namespace", name="doomed")
    assert read(driver, NAMESPACES, "doomed", None) is not None

    allowed = run_context(driver, tmp_path / "runs", allow_irreversible=True)
    call(allowed, "chaosk8s.namespace.actions.delete_namespace", name="doomed")
    assert allowed.record["irreversible"] == ["delete Namespace doomed and everything in it"]


def test_a_deleted_secret_is_kept_only_in_the_owner_only_record(
    fake_cluster: FakeCluster, driver: KubernetesDriver, tmp_path: Path
) -> None:
    create(driver, SECRETS, secret("token"))
    ctx = run_context(driver, tmp_path / "runs")
    call(ctx, "chaosk8s.secret.actions.delete_secret", name="token")

    assert ctx.records is not None and ctx.records.record is not None
    path = ctx.records.store.path(ctx.records.record.id)
    assert SECRET_VALUE in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SECRET_VALUE not in repr(ctx.record)  # what the journal gets


def test_a_secret_the_runner_may_not_read_is_not_deleted_unless_allowed(
    fake_cluster: FakeCluster, driver: KubernetesDriver, tmp_path: Path
) -> None:
    create(driver, SECRETS, secret("token"))
    fake_cluster.api.access.deny("get", "secrets")
    ctx = run_context(driver, tmp_path / "runs")
    with pytest.raises(ActivityFailed, match="cannot be read by the runner"):
        call(ctx, "chaosk8s.secret.actions.delete_secret", name="token")
    fake_cluster.api.access.allow()
    assert read(driver, SECRETS, "token") is not None


def test_a_record_holding_a_secret_is_kept_in_the_cluster_as_a_secret_only(
    fake_cluster: FakeCluster, driver: KubernetesDriver, tmp_path: Path
) -> None:
    from chaos.records import read_sealed
    from testbed.kube.resources import CONFIGMAPS
    from testbed.kube.resources import SECRETS as SECRET_RESOURCE

    create(driver, SECRETS, secret("token"))
    scaled = create(driver, DEPLOYMENTS, workload("Deployment", "web"))
    writer = RecordWriter(
        RecordStore(tmp_path / "runs"), lambda: TargetRef(kubeconfig="unused"), mirror=driver
    )
    ctx = RunContext(driver_factory=lambda: driver, records=writer)
    call(ctx, "chaosk8s.deployment.actions.scale_deployment", name="web", replicas=0)
    assert [c["metadata"]["name"] for c in fake_cluster.store.list(CONFIGMAPS, "default")[0]]

    call(ctx, "chaosk8s.secret.actions.delete_secret", name="token")

    configmaps = fake_cluster.store.list(CONFIGMAPS, "default")[0]
    assert SECRET_VALUE not in repr(configmaps)
    assert not [c for c in configmaps if c["metadata"]["name"].startswith("chaosrun-run-")]
    kept = [
        s
        for s in fake_cluster.store.list(SECRET_RESOURCE, "default")[0]
        if s["metadata"]["name"].startswith("chaosrun-run-")
    ]
    assert len(kept) == 1
    (record,), refused = read_sealed(driver, "default")
    assert refused == []
    assert [(o.kind, o.op.value) for o in record.objects] == [
        ("Deployment", "scaled"),
        ("Secret", "deleted"),
    ]
    assert scaled["metadata"]["name"] == "web"


def test_exec_in_pods_runs_only_when_irreversible_changes_are_allowed(
    fake_cluster: FakeCluster, driver: KubernetesDriver, tmp_path: Path
) -> None:
    from tests.support.kube_objects import POD_KIND

    for name in ("p1", "p2"):
        create(
            driver,
            POD_KIND,
            {
                "metadata": {
                    "name": name,
                    "labels": {"app": "x"},
                    "annotations": {"fake.chaosrun/exec-stdout": "hi\n"},
                },
                "spec": {"containers": [{"name": "main", "image": "busybox"}]},
            },
        )
    exec_in_pods = "chaosk8s.pod.actions.exec_in_pods"
    with pytest.raises(ActivityFailed, match="cannot be undone"):
        call(
            run_context(driver, tmp_path / "runs"),
            exec_in_pods,
            cmd="kill 1",
            label_selector="app=x",
        )
    assert fake_cluster.api.execs.calls == []

    ctx = run_context(driver, tmp_path / "runs", allow_irreversible=True)
    results = call(
        ctx,
        exec_in_pods,
        cmd="sh -c 'kill 1'",
        label_selector="app=x",
        all=True,
        container_name="main",
    )

    assert results == [
        {"pod_name": p, "exit_code": 0, "cmd": "sh -c 'kill 1'", "stdout": "hi\n", "stderr": ""}
        for p in ("p1", "p2")
    ]
    assert [(c.pod, c.container, c.command) for c in fake_cluster.api.execs.calls] == [
        (p, "main", ("sh", "-c", "kill 1")) for p in ("p1", "p2")
    ]
    assert ctx.record["irreversible"] == [
        f"run \"sh -c 'kill 1'\" in pod default/{p}" for p in ("p1", "p2")
    ]
