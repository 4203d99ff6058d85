"""Deployment chaos: delete with a snapshot first, restore from it, scale."""

from __future__ import annotations

import time
from typing import Any

from chaos.actions.blast import BlastRefused, Workload, check_floor, check_labels
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace
from chaos.drivers.base import (
    DEPLOYMENTS,
    DeploymentSnapshot,
    Driver,
    DriverError,
    NotFound,
    OutcomeUnknown,
)
from chaos.signalstate import deferred

# chaos.records is imported by the functions that write run records, not by validation
# (which imports this module for the functions' signatures).


def _snapshots_to_delete(
    ctx: RunContext, name: str | None, ns: str, label_selector: str | None
) -> list[DeploymentSnapshot]:
    driver = ctx.driver()
    if name:
        try:
            return [driver.get_deployment(name, ns)]
        except NotFound:
            raise ActivityFailed(f"Deployment '{name}' not found in namespace '{ns}'") from None
    found = driver.list_deployments(ns, label_selector=label_selector)
    if not found:
        raise ActivityFailed(
            f"no Deployment matches label selector '{label_selector}' in namespace '{ns}'"
        )
    return sorted(found, key=lambda s: s.name)


def delete_deployment(
    ctx: RunContext,
    name: str | None = None,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> list[str]:
    """Snapshot, then delete, the named Deployment (or those matching the selector).

    Stricter than chaosk8s: with neither ``name`` nor ``label_selector`` it refuses instead
    of deleting every Deployment of the namespace.
    """
    if not name and not label_selector:
        raise ActivityFailed(
            "refusing to delete Deployments with neither a name nor a label selector "
            "(that would delete every Deployment in the namespace)"
        )
    guard_namespace(ctx, ns)
    snapshots = _snapshots_to_delete(ctx, name, ns, label_selector)
    for snap in snapshots:
        _guard_floor(ctx, snap)
    names = [s.name for s in snapshots]
    if ctx.announce_dry_run("delete Deployment", ns, names):
        return names
    driver = ctx.driver()
    for snap in snapshots:
        _delete_one(ctx, driver, snap)
    return names


def desired_replicas(snap: DeploymentSnapshot) -> int:
    """The replicas a Deployment's snapshot asks for (1 when it says none)."""
    spec = snap.manifest.get("spec") if isinstance(snap.manifest, dict) else None
    replicas = spec.get("replicas", 1) if isinstance(spec, dict) else 1
    return replicas if isinstance(replicas, int) else 1


def _guard_floor(ctx: RunContext, snap: DeploymentSnapshot) -> None:
    """Deleting a Deployment leaves it no Ready pod: ``--min-healthy`` refuses it unless 0;
    a policy's ``require-label`` is checked on the Deployment's labels."""
    label = f"Deployment {snap.namespace}/{snap.name}"
    meta = snap.manifest.get("metadata") if isinstance(snap.manifest, dict) else None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    try:
        check_labels(ctx.limits, "Deployment", [(snap.name, dict(labels or {}))])
        check_floor(ctx.limits, Workload(label, snap.namespace, "", desired_replicas(snap)), 0)
    except BlastRefused as refused:
        ctx.event(
            "Deployment", snap.name, snap.namespace, "ChaosRefused", f"not deleted: {refused}"
        )
        raise


def _delete_one(ctx: RunContext, driver: Driver, snap: DeploymentSnapshot) -> None:
    """Delete one Deployment with its snapshot kept ahead, on disk and for the rollback:
    whatever happens after that, the snapshot stays unless the delete was refused outright."""
    from chaos.records.model import ObjectState
    from chaos.records.writer import RecordError

    try:
        entry = ctx.before_delete(snap)
    except RecordError as exc:
        raise ActivityFailed(f"{exc}, so Deployment '{snap.name}' was not deleted") from None
    # Before the DELETE leaves: a signal arriving right after it must find the snapshot.
    taken = ctx.remember_snapshot(snap, entry)
    with deferred():  # as for any change (``changes.change``): a signal waits for the answer
        try:
            driver.delete_deployment(snap.name, snap.namespace)
        except OutcomeUnknown:
            raise  # it may be gone: the rollback will see
        except DriverError as exc:
            ctx.forget_snapshot(taken, str(exc))  # refused: it still stands
            raise
        ctx.mark(entry, ObjectState.DELETED)
    where = f"{snap.namespace}/{snap.name}"
    ctx.event(
        "Deployment", snap.name, snap.namespace, "ChaosInjected", f"deleted Deployment {where}"
    )


def restore_deployment(
    ctx: RunContext, name: str | None = None, ns: str = "default", secrets: Any = None
) -> list[dict[str, Any]]:
    """Rollback: recreate the Deployments this run deleted, from their snapshots.

    ``time_to_restore`` is the seconds from the delete to the restore being accepted.
    With ``name`` only that Deployment is restored; nothing deleted means nothing to do.
    """
    pending = [
        t
        for t in ctx.snapshots
        if not t.restored
        and t.snapshot.namespace == ns
        and (name is None or t.snapshot.name == name)
    ]
    if ctx.dry_run:
        target = f"{ns}/{name}" if name else f"the Deployments deleted in {ns}"
        ctx.notice(f"Dry run: would restore {target} from its snapshot")
        return []
    if not pending:
        ctx.notice("Nothing to restore: no Deployment was deleted by this run")
        return []
    from chaos.records.model import ObjectState

    driver = ctx.driver()
    restored: list[dict[str, Any]] = []
    for taken in reversed(pending):
        outcome = driver.restore_deployment(taken.snapshot)
        taken.restored = True
        ctx.mark(taken.entry, ObjectState.RESTORED, outcome.value)
        snap = taken.snapshot
        ctx.event(
            "Deployment",
            snap.name,
            snap.namespace,
            "ChaosReverted",
            f"restored Deployment {snap.namespace}/{snap.name} from its snapshot ({outcome.value})",
        )
        entry = {
            "name": taken.snapshot.name,
            "namespace": taken.snapshot.namespace,
            "outcome": outcome.value,
            "time_to_restore": round(time.monotonic() - taken.deleted_at, 3),
        }
        restored.append(entry)
        ctx.record.setdefault("restores", []).append(entry)
    return restored


def scale_deployment(
    ctx: RunContext, name: str, replicas: int, ns: str = "default", secrets: Any = None
) -> dict[str, Any]:
    """Scale a Deployment to ``replicas``; the count it had is write-ahead in the run record,
    and the rollback (or `chaosrun restore`) scales it back."""
    from chaos.actions.mutations import scale

    previous = scale(ctx, DEPLOYMENTS, name, replicas, ns)
    return {"name": name, "namespace": ns, "replicas": replicas, "previous": previous}


def frontend_url(ctx: RunContext, ns: str = "default", service: str = "frontend") -> str:
    """The frontend's URL from its Service's load-balancer address."""
    url = ctx.driver().service_url(service, ns)
    if not url:
        raise ActivityFailed(
            f"Service '{service}' in namespace '{ns}' has no load-balancer address yet"
        )
    return url
