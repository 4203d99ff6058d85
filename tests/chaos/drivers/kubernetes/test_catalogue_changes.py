"""The catalogue's mutating functions end to end against the tests' API server with the real
client: each does what chaosk8s 0.39 does, with what undoes it written ahead in the run record,
and chaosrun's own rollback (``chaosrun.changes.undo_changes``) brings back exactly the prior
state."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chaos.actions.changes import undo_all
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.registry import lookup
from chaos.drivers.base import (
    DAEMONSETS,
    DEPLOYMENTS,
    NAMESPACES,
    REPLICASETS,
    SECRETS,
    SERVICES,
    STATEFULSETS,
    NotFound,
    ObjectKind,
)
from chaos.drivers.factory import TargetRef
from chaos.drivers.kubernetes import KubernetesDriver
from chaos.records import RecordStore, RecordWriter
from testbed.kube.cluster import FakeCluster
from tests.support.kube_objects import create
from tests.support.workloads import SECRET_VALUE, content, secret, service, spec_file, workload


def run_context(driver: KubernetesDriver, records: Path, **options: Any) -> RunContext:
    writer = RecordWriter(RecordStore(records), lambda: TargetRef(kubeconfig="unused"))
    return RunContext(driver_factory=lambda: driver, records=writer, **options)


def call(ctx: RunContext, qualified: str, **arguments: Any) -> Any:
    module, _, func = qualified.rpartition(".")
    native = lookup(module, func)
    assert native is not None and native.native, qualified
    return native.impl(ctx, **arguments)


def read(driver: KubernetesDriver, kind: ObjectKind, name: str, ns: str | None = "default") -> Any:
    try:
        return driver.read_object(kind, name, ns)
    except NotFound:
        return None


def record_of(ctx: RunContext) -> list[dict[str, Any]]:
    assert ctx.records is not None and ctx.records.record is not None
    return [
        {"kind": o.kind, "name": o.name, "op": o.op.value, "state": o.state.value}
        for o in ctx.records.record.objects
    ]


Setup = Callable[[KubernetesDriver, Path], dict[str, Any]]


def _existing(kind: ObjectKind, name: str, **extra: Any) -> Setup:
    def setup(driver: KubernetesDriver, tmp: Path) -> dict[str, Any]:
        body = workload(kind.kind, name) if kind.group == "apps" else service(name, "back")
        if kind == SECRETS:
            body = secret(name)
        create(driver, kind, body)
        return {"name": name, **extra}

    return setup


def _spec(body: dict[str, Any]) -> Setup:
    def setup(driver: KubernetesDriver, tmp: Path) -> dict[str, Any]:
        return {"spec_path": spec_file(tmp, body)}

    return setup


# (function, how its arguments come about, the kind and name it changes, the change's op)
CASES: list[tuple[str, Setup, ObjectKind, str, str]] = [
    ("chaosk8s.statefulset.actions.create_statefulset",
     _spec(workload("StatefulSet", "db")), STATEFULSETS, "db", "created"),
    ("chaosk8s.statefulset.actions.scale_statefulset",
     _existing(STATEFULSETS, "db", replicas=0), STATEFULSETS, "db", "scaled"),
    ("chaosk8s.statefulset.actions.remove_statefulset",
     _existing(STATEFULSETS, "db"), STATEFULSETS, "db", "deleted"),
    ("chaosk8s.daemonset.actions.create_daemon_set",
     _spec(workload("DaemonSet", "agent", None)), DAEMONSETS, "agent", "created"),
    ("chaosk8s.daemonset.actions.delete_daemon_set",
     _existing(DAEMONSETS, "agent"), DAEMONSETS, "agent", "deleted"),
    ("chaosk8s.daemonset.actions.update_daemon_set",
     _existing(DAEMONSETS, "agent", spec={"metadata": {"labels": {"tier": "x"}}}),
     DAEMONSETS, "agent", "updated"),
    ("chaosk8s.replicaset.actions.delete_replica_set",
     _existing(REPLICASETS, "lone"), REPLICASETS, "lone", "deleted"),
    ("chaosk8s.deployment.actions.create_deployment",
     _spec(workload("Deployment", "extra")), DEPLOYMENTS, "extra", "created"),
    ("chaosk8s.deployment.actions.scale_deployment",
     _existing(DEPLOYMENTS, "web", replicas=0), DEPLOYMENTS, "web", "scaled"),
    ("chaosk8s.deployment.actions.rollout_deployment",
     _existing(DEPLOYMENTS, "web"), DEPLOYMENTS, "web", "updated"),
    ("chaosk8s.actions.start_microservice",
     _spec(workload("Deployment", "extra")), DEPLOYMENTS, "extra", "created"),
    ("chaosk8s.actions.scale_microservice",
     _existing(DEPLOYMENTS, "web", replicas=5), DEPLOYMENTS, "web", "scaled"),
    ("chaosk8s.actions.remove_service_endpoint",
     _existing(SERVICES, "api"), SERVICES, "api", "deleted"),
    ("chaosk8s.service.actions.create_service_endpoint",
     _spec(service("api", "back")), SERVICES, "api", "created"),
    ("chaosk8s.service.actions.delete_service",
     _existing(SERVICES, "api"), SERVICES, "api", "deleted"),
    ("chaosk8s.secret.actions.create_secret",
     _spec(secret("token")), SECRETS, "token", "created"),
    ("chaosk8s.secret.actions.delete_secret",
     _existing(SECRETS, "token"), SECRETS, "token", "deleted"),
]  # fmt: skip


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

    after = content(read(driver, kind, name))
    if op == "created":
        assert before is None and after is not None
    elif op == "deleted":
        assert after is None or read(driver, kind, name)["metadata"].get("deletionTimestamp")
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
