"""Nodes: picking them as chaosk8s does, cordoning (undone by the previous ``unschedulable``)
and draining through the Eviction API, as ``kubectl drain --ignore-daemonsets`` does."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from chaos.actions.affected import controller, guard_drain
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.reads import by_name, items
from chaos.actions.reads import field as field_of
from chaos.drivers.base import NODES, PODS, DriverError, EvictionBlocked, NotFound

logger = logging.getLogger("chaosrun")

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
# Seconds between two looks at the pods a drain waits for, and between tries of an eviction
# a PodDisruptionBudget refused.
DRAIN_INTERVAL = 0.5


def select_nodes(
    ctx: RunContext,
    name: str | None = None,
    label_selector: str | None = None,
    count: int | None = None,
    pod_label_selector: str | None = None,
    pod_namespace: str | None = None,
    first: bool = False,
) -> list[dict[str, Any]]:
    """The nodes named or labelled (all with neither), narrowed to those running the pods of
    ``pod_label_selector`` in ``pod_namespace``; then the first, or ``count`` at random."""
    nodes = items(ctx, NODES, None, label_selector, by_name(name))
    if pod_label_selector and pod_namespace:
        hosts = {
            field_of(pod, "spec", "nodeName")
            for pod in items(ctx, PODS, pod_namespace, pod_label_selector)
        }
        nodes = [n for n in nodes if n["metadata"]["name"] in hosts]
    if not nodes:
        raise ActivityFailed("failed to find a node that matches selector")
    if first:
        return nodes[:1]
    if count is not None:
        return ctx.rng().sample(nodes, k=min(count, len(nodes)))
    return nodes


def names(nodes: list[dict[str, Any]]) -> list[str]:
    return [n["metadata"]["name"] for n in nodes]


def set_schedulable(ctx: RunContext, node: str, unschedulable: bool) -> None:
    """Cordon (``unschedulable`` True) or uncordon one node, its previous value write-ahead."""
    from chaos.actions.changes import Change, change

    driver = ctx.driver()
    try:
        live = driver.read_object(NODES, node, None)
    except NotFound as exc:
        raise ActivityFailed(str(exc)) from None
    previous = bool(field_of(live, "spec", "unschedulable"))
    doing = f"{'' if unschedulable else 'un'}cordoned Node {node}"
    made = Change(NODES, node, None, "cordoned", previous=previous, doing=doing)
    # Schedulable is the field left out, as kubectl uncordon leaves it.
    patch = {"spec": {"unschedulable": True if unschedulable else None}}
    try:
        change(ctx, made, lambda: driver.patch_object(NODES, node, None, patch))
    except DriverError as exc:
        doing = "cordon" if unschedulable else "uncordon"
        raise ActivityFailed(f"could not {doing} Node {node!r}: {exc}") from None


def cordon(ctx: RunContext, nodes: list[str], unschedulable: bool = True) -> list[str]:
    doing = "cordon" if unschedulable else "uncordon"
    if ctx.announce_dry_run(f"{doing} Node", "(cluster)", nodes):
        return nodes
    done = []
    for node in nodes:
        set_schedulable(ctx, node, unschedulable)
        done.append(node)
    return done


@dataclass
class DrainPlan:
    """The pods of one node a drain evicts, and those it leaves, with why."""

    node: str
    evict: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # "ns/name" -> why


def _label(pod: dict[str, Any]) -> str:
    return f"{pod['metadata'].get('namespace')}/{pod['metadata']['name']}"


def plan_drain(ctx: RunContext, node: str, local_storage: bool) -> DrainPlan:
    """What ``kubectl drain --ignore-daemonsets`` evicts: not mirror pods (the kubelet's own),
    not DaemonSet pods (their controller ignores cordons), pods with ``emptyDir`` volumes only
    with ``local_storage``; a pod no controller would bring back stops the drain."""
    plan = DrainPlan(node)
    pods = items(ctx, PODS, None, None, f"spec.nodeName={node}")
    for pod in sorted(pods, key=_label):
        annotations = field_of(pod, "metadata", "annotations") or {}
        owner = controller(pod)
        finished = field_of(pod, "status", "phase") in ("Succeeded", "Failed")
        local = any("emptyDir" in v for v in field_of(pod, "spec", "volumes") or [])
        if MIRROR_ANNOTATION in annotations:
            plan.skipped[_label(pod)] = "a mirror pod"
        elif owner is not None and owner.get("kind") == "DaemonSet":
            plan.skipped[_label(pod)] = "managed by a DaemonSet"
        elif local and not local_storage:
            plan.skipped[_label(pod)] = "has local storage (emptyDir)"
        elif owner is None and not finished:
            raise ActivityFailed(
                f"pod {_label(pod)} on node {node!r} is managed by no controller, so a drain "
                "would lose it: delete it first, or drain another node"
            )
        else:
            plan.evict.append(pod)
    return plan


def _gone(ctx: RunContext, pod: dict[str, Any]) -> bool:
    meta = pod["metadata"]
    try:
        now = ctx.driver().read_object(PODS, meta["name"], meta.get("namespace"))
    except NotFound:
        return True
    return bool(now["metadata"].get("uid") != meta.get("uid"))


@dataclass
class Evictions:
    """The pods a drain of ``nodes`` has still to evict: the blast radius is checked again
    right before each eviction, on them as they are then."""

    ctx: RunContext
    nodes: list[str]
    left: list[dict[str, Any]]

    def check(self, pod: dict[str, Any]) -> None:
        guard_drain(self.ctx, self.nodes, self.left, pod)

    def done(self, pod: dict[str, Any]) -> None:
        self.left = [p for p in self.left if p is not pod]


def evict(ctx: RunContext, plan: DrainPlan, deadline: float, evictions: Evictions) -> None:
    """Evict the planned pods, each checked right before (``evictions``), trying again while a
    budget refuses, until ``deadline``; then wait for them to be gone (their controllers start
    them elsewhere)."""
    waiting = list(plan.evict)
    said: set[str] = set()
    while waiting:
        blocked = []
        for pod in waiting:
            meta = pod["metadata"]
            evictions.check(pod)
            try:
                ctx.driver().evict_pod(meta["name"], meta["namespace"])
            except NotFound:
                evictions.done(pod)
                continue
            except EvictionBlocked as exc:
                if _label(pod) not in said:
                    said.add(_label(pod))
                    logger.warning("  %s; trying again until the timeout", exc)
                blocked.append((pod, exc))
            except DriverError as exc:
                raise ActivityFailed(f"could not evict pod {_label(pod)}: {exc}") from None
            else:
                evictions.done(pod)
        if not blocked:
            break
        if time.monotonic() >= deadline:
            refusal = blocked[0][1]
            raise ActivityFailed(
                f"draining node {plan.node!r} did not complete within the timeout: {refusal} "
                "(a PodDisruptionBudget allows no disruption; it was honoured, not bypassed)"
            )
        time.sleep(min(DRAIN_INTERVAL, max(0.0, deadline - time.monotonic())))
        waiting = [pod for pod, _ in blocked]
    remaining = list(plan.evict)
    while remaining := [pod for pod in remaining if not _gone(ctx, pod)]:
        if time.monotonic() >= deadline:
            raise ActivityFailed(
                f"draining node {plan.node!r} did not complete within the timeout: "
                f"{', '.join(_label(p) for p in remaining)} still there"
            )
        time.sleep(DRAIN_INTERVAL)


def drain(ctx: RunContext, nodes: list[str], local_storage: bool, timeout: float) -> list[str]:
    """Cordon every node first (the evicted pods must not land on the next one to drain),
    then evict their pods; the rollback (or ``chaosrun restore``) uncordons."""
    plans = [plan_drain(ctx, node, local_storage) for node in nodes]
    evictions = Evictions(ctx, nodes, [pod for plan in plans for pod in plan.evict])
    guard_drain(ctx, nodes, evictions.left)
    if ctx.dry_run:
        for plan in plans:
            ctx.notice(f"Dry run: would cordon Node {plan.node}")
            for victim in plan.evict:
                ctx.notice(f"Dry run: would evict {_label(victim)}")
            for left, why in plan.skipped.items():
                ctx.notice(f"Dry run: would leave {left} ({why})")
        return nodes
    deadline = time.monotonic() + float(timeout)
    cordon(ctx, nodes)
    for plan in plans:
        for left, why in plan.skipped.items():
            logger.info("  Leaving %s on node %s: %s", left, plan.node, why)
        evict(ctx, plan, deadline, evictions)
    return nodes
