"""The blast radius of the changes that are not pod deletions, checked right before each
change (``chaos.actions.blast`` holds the limits): the replicas a scale down removes, the pods
a NetworkPolicy cuts off, the nodes a drain empties and the pods it evicts, the pods behind a
slowed Service. A refusal is an Event on the objects spared; the workloads a change leaves
with fewer Ready pods are then watched against ``--min-healthy``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chaos.actions.blast import (
    BlastLimits,
    BlastRefused,
    Workload,
    check_floor,
    check_labels,
    check_share,
    strictest_share,
)
from chaos.actions.context import RunContext
from chaos.actions.reads import field as field_of
from chaos.actions.reads import items
from chaos.drivers.base import NODES, PODS, ObjectKind, ServiceInfo


def controller(pod: dict[str, Any]) -> dict[str, Any] | None:
    """The pod's controlling owner reference (its ReplicaSet, StatefulSet...), if any."""
    refs = field_of(pod, "metadata", "ownerReferences") or []
    return next((r for r in refs if isinstance(r, dict) and r.get("controller")), None)


def _ready(pod: dict[str, Any]) -> bool:
    if field_of(pod, "metadata", "deletionTimestamp"):
        return False
    conditions = field_of(pod, "status", "conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _name(pod: dict[str, Any]) -> str:
    return str(field_of(pod, "metadata", "name"))


def _selector(labels: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


@dataclass
class Group:
    """The pods of one controller, or one pod that has none: a workload with a floor."""

    label: str  # "ReplicaSet default/back-5f7c9", "Pod default/solo"
    namespace: str
    pods: list[dict[str, Any]] = field(default_factory=list)

    def workload(self) -> Workload:
        """Watched by the labels its pods share (none shared: by their names)."""
        shared: dict[str, str] | None = None
        for pod in self.pods:
            labels = dict(field_of(pod, "metadata", "labels") or {})
            shared = (
                labels
                if shared is None
                else {k: v for k, v in shared.items() if labels.get(k) == v}
            )
        selector = _selector(shared or {})
        names = None if selector else "^(" + "|".join(_name(p) for p in self.pods) + ")$"
        return Workload(self.label, self.namespace, selector, len(self.pods), names)


def groups(pods: Iterable[dict[str, Any]]) -> dict[tuple[str, str], Group]:
    """``pods`` by their controller (live pods only: one on its way out is no one's)."""
    found: dict[tuple[str, str], Group] = {}
    for pod in pods:
        if field_of(pod, "metadata", "deletionTimestamp"):
            continue
        ns = str(field_of(pod, "metadata", "namespace") or "")
        owner = controller(pod)
        if owner is not None:
            key, label = (
                (ns, str(owner.get("uid"))),
                f"{owner.get('kind')} {ns}/{owner.get('name')}",
            )
        else:
            key, label = (ns, "pod/" + _name(pod)), f"Pod {ns}/{_name(pod)}"
        found.setdefault(key, Group(label, ns)).pods.append(pod)
    return found


def _keys(pods: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    return set(groups(pods))


def _check_floors(
    ctx: RunContext,
    hit: list[dict[str, Any]],
    among: list[dict[str, Any]],
    by_ns: dict[str, BlastLimits] | None = None,
) -> list[Group]:
    """Each workload of ``hit`` keeps ``--min-healthy`` (of its namespace's limits in
    ``by_ns``, else the run's) Ready pods without them; those affected."""
    gone = {(str(field_of(p, "metadata", "namespace")), _name(p)) for p in hit}
    keys = _keys(hit)
    affected = [g for key, g in groups(among).items() if key in keys]
    for group in affected:
        left = sum(1 for p in group.pods if _ready(p) and (group.namespace, _name(p)) not in gone)
        limits = (by_ns or {}).get(group.namespace, ctx.limits)
        check_floor(limits, group.workload(), left)
    return affected


def _refused(
    ctx: RunContext, kind: str, spared: list[tuple[str, str]], doing: str, why: BlastRefused
) -> None:
    for name, ns in spared:
        ctx.event(kind, name, ns, "ChaosRefused", f"not {doing}: {why}")


def guard_cutoff(ctx: RunContext, ns: str, selector: str, policy: str) -> None:
    """A NetworkPolicy about to deny the traffic of the pods of ``selector`` (every pod of
    ``ns`` when empty): they are the selection, out of the pods of their workloads; each
    workload keeps ``--min-healthy`` Ready pods besides them (a pod cut off serves no one)."""
    if not ctx.limits:
        return
    cut = [
        p
        for p in items(ctx, PODS, ns, selector or None)
        if not field_of(p, "metadata", "deletionTimestamp")
    ]
    if not cut:
        return
    every = items(ctx, PODS, ns)
    keys = _keys(cut)
    theirs = [p for key, g in groups(every).items() if key in keys for p in g.pods]
    what = f"pods of the workloads of {selector or 'every pod in ' + ns}"
    try:
        check_labels(
            ctx.limits,
            "pod",
            [(_name(p), dict(field_of(p, "metadata", "labels") or {})) for p in cut],
        )
        check_share(ctx.limits, len(cut), len(theirs), what)
        affected = _check_floors(ctx, cut, every)
    except BlastRefused as refused:
        _refused(
            ctx,
            "Pod",
            [(_name(p), ns) for p in cut],
            f"cut off by NetworkPolicy {ns}/{policy}",
            refused,
        )
        raise
    for group in affected:
        ctx.watch(group.workload())


def guard_scale(
    ctx: RunContext, kind: ObjectKind, live: dict[str, Any], ns: str, previous: int, replicas: int
) -> None:
    """A scale of ``live`` (in ``ns``) from ``previous`` to ``replicas``: a scale down removes
    replicas (the selection, out of those it has) and leaves ``min(Ready, replicas)`` Ready
    pods; a scale up is never refused."""
    if not ctx.limits:
        return
    name = str(field_of(live, "metadata", "name"))
    label = f"{kind.kind} {ns}/{name}"
    labels = dict(field_of(live, "spec", "selector", "matchLabels") or {})
    workload = Workload(label, ns, _selector(labels), previous)
    try:
        check_labels(
            ctx.limits, kind.kind, [(name, dict(field_of(live, "metadata", "labels") or {}))]
        )
        if replicas < previous:
            from chaos.actions.pods import ready_count

            check_share(ctx.limits, previous - replicas, previous, f"replicas of {label}")
            ready = ready_count(ctx, workload) if labels else previous
            check_floor(ctx.limits, workload, min(ready, replicas))
    except BlastRefused as refused:
        _refused(ctx, kind.kind, [(name, ns)], f"scaled to {replicas}", refused)
        raise
    if labels and replicas < previous:
        ctx.watch(workload)


def guard_nodes(ctx: RunContext, chosen: list[str], doing: str) -> None:
    """Nodes about to be cordoned or drained: the selection, out of every node of the cluster."""
    if not ctx.limits or not chosen:
        return
    total = len(items(ctx, NODES))
    try:
        check_share(ctx.limits, len(chosen), total, "nodes of the cluster")
    except BlastRefused as refused:
        _refused(ctx, "Node", [(n, "") for n in chosen], doing, refused)
        raise


DRAINING = "drain_nodes"


def _uid(pod: dict[str, Any]) -> str:
    return str(field_of(pod, "metadata", "uid") or _name(pod))


def _limits_by_namespace(ctx: RunContext, pods: list[dict[str, Any]]) -> dict[str, BlastLimits]:
    """The limits in each namespace of ``pods``: the run's own, tightened by the namespace's
    policy where the run reads it as the pods are picked."""
    spaces = sorted({str(field_of(p, "metadata", "namespace")) for p in pods})
    reader = ctx.policy_of
    return {ns: reader(ns, DRAINING) if reader else ctx.limits for ns in spaces}


def guard_drain(
    ctx: RunContext,
    chosen: list[str],
    evicted: list[dict[str, Any]],
    evicting: dict[str, Any] | None = None,
) -> None:
    """A drain of ``chosen`` about to evict ``evicted``: before the cordon, and again right
    before each eviction (``evicting``, the pod; the others still to go, as they are now).
    The share of nodes under the strictest limits of all; in each evicted pod's namespace, its
    policy's: the pod carries its ``require-label``, each workload keeps its ``min-healthy``
    Ready pods besides the evicted ones."""
    if not ctx.limits and ctx.policy_of is None:
        return
    try:
        by_ns = _limits_by_namespace(ctx, evicted)
        if not ctx.limits and not any(by_ns.values()):
            return  # no limit anywhere: nothing to count
        among = items(ctx, PODS) if evicting is not None else None
        if among is not None:
            now = {_uid(p): p for p in among}
            evicted = [now[_uid(p)] for p in evicted if _uid(p) in now]
        share = strictest_share([ctx.limits, *by_ns.values()])
        if share.max_percent is not None and chosen:
            check_share(share, len(chosen), len(items(ctx, NODES)), "nodes of the cluster")
        for pod in evicted:
            ns = str(field_of(pod, "metadata", "namespace"))
            labels = dict(field_of(pod, "metadata", "labels") or {})
            check_labels(by_ns[ns], "pod", [(f"{ns}/{_name(pod)}", labels)])
        affected: list[Group] = []
        if any(lim.min_healthy is not None for lim in by_ns.values()):
            affected = _check_floors(ctx, evicted, among or items(ctx, PODS), by_ns)
    except BlastRefused as refused:
        if evicting is None:
            _refused(ctx, "Node", [(n, "") for n in chosen], "drained", refused)
        else:
            where = str(field_of(evicting, "metadata", "namespace"))
            _refused(ctx, "Pod", [(_name(evicting), where)], "evicted", refused)
        raise
    if evicting is None:
        for group in affected:
            ctx.watch(group.workload(), by_ns[group.namespace])


def guard_service(ctx: RunContext, service: ServiceInfo) -> None:
    """The fault proxy about to front ``service``: every pod behind it is slowed, the whole of
    what it selects; the Service and each of those pods carry the policy's ``require-label``."""
    if not ctx.limits:
        return
    from chaos.actions.pods import matching_pods

    ns, text = service.namespace, _selector(service.selector)
    behind = [p for p in matching_pods(ctx, ns, text) if not p.terminating] if text else []
    try:
        check_labels(ctx.limits, "Service", [(service.name, service.labels)])
        check_labels(ctx.limits, "pod", [(p.name, p.labels) for p in behind])
        what = f"pods behind Service {ns}/{service.name}"
        check_share(ctx.limits, len(behind), len(behind), what)
    except BlastRefused as refused:
        _refused(ctx, "Service", [(service.name, ns)], "slowed down", refused)
        raise


# The workloads a delete of ``mutations.delete`` takes every pod from (a Deployment has its own).
_REMOVED = {"StatefulSet", "ReplicaSet", "DaemonSet"}


def guard_removal(ctx: RunContext, kind: ObjectKind, names: list[str], ns: str | None) -> None:
    """Workloads about to be deleted keep no Ready pod, so only a floor of 0 allows it; each
    must carry the policy's ``require-label``."""
    if not ctx.limits or kind.kind not in _REMOVED or ns is None:
        return
    from chaos.drivers.base import NotFound

    for name in names:
        try:
            live = ctx.driver().read_object(kind, name, ns)
        except NotFound:
            continue  # the delete says so
        wanted = field_of(live, "spec", "replicas")
        if kind.kind == "DaemonSet":
            wanted = field_of(live, "status", "desiredNumberScheduled")
        labels = dict(field_of(live, "spec", "selector", "matchLabels") or {})
        workload = Workload(f"{kind.kind} {ns}/{name}", ns, _selector(labels), int(wanted or 1))
        try:
            check_labels(
                ctx.limits, kind.kind, [(name, dict(field_of(live, "metadata", "labels") or {}))]
            )
            check_floor(ctx.limits, workload, 0)
        except BlastRefused as refused:
            _refused(ctx, kind.kind, [(name, ns)], "deleted", refused)
            raise
