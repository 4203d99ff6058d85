"""``chaosk8s.node.actions``: cordons, drains and new nodes, as chaosk8s 0.39 makes them;
each undone by the rollback or ``chaosrun restore`` (a cordon or a drain: the node's previous
``unschedulable``; a created node: deleted). ``delete_nodes`` cannot be undone."""

from __future__ import annotations

from typing import Any

from chaos.actions import nodes, objects
from chaos.actions.affected import guard_nodes
from chaos.actions.context import RunContext
from chaos.actions.declare import BY_UNCORDONING, DELETED_BACK, IRREVERSIBLE, declare
from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import NODES, DriverError, NotFound

__all__ = ["cordon_node", "create_node", "delete_nodes", "drain_nodes", "uncordon_node"]


def _count(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ActivityFailed(f"count must be an integer, not {value!r}")
    return value


@declare("action", destructive=True, local=False, undo=IRREVERSIBLE, irreversible=True)
def delete_nodes(
    ctx: RunContext,
    label_selector: str | None = None,
    all: bool = False,
    rand: bool = False,
    count: int | None = None,
    grace_period_seconds: int | None = None,
    secrets: Any = None,
    pod_label_selector: str | None = None,
    pod_namespace: str | None = None,
) -> list[str]:
    """Delete nodes (the first selected; one at random with ``rand``; ``count`` at random;
    every node with ``all``). A deleted node is gone with its machine's registration: this is
    refused unless the run allows irreversible changes."""
    count = _count(count)
    first = not all and not rand and (count is None or count < 1)
    if rand:
        count = 1
    if all:
        count, label_selector, pod_label_selector, pod_namespace = None, None, None, None
    picked = nodes.names(
        nodes.select_nodes(
            ctx, None, label_selector, count, pod_label_selector, pod_namespace, first
        )
    )
    guard_nodes(ctx, picked, "deleted")
    if ctx.announce_dry_run("delete Node", "(cluster)", picked):
        return picked
    deleted = []
    for name in picked:
        ctx.irreversible(f"delete Node {name}")
        try:
            ctx.driver().delete_object(NODES, name, None)
        except NotFound:
            continue
        except DriverError as exc:
            raise ActivityFailed(f"could not delete Node {name!r}: {exc}") from None
        deleted.append(name)
    return deleted


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def create_node(
    ctx: RunContext,
    meta: dict[str, Any] | None = None,
    spec: dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    """Create a Node object with ``meta`` and ``spec`` (no machine comes with it)."""
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "Node"}
    if meta:
        body["metadata"] = dict(meta)
    if spec:
        body["spec"] = dict(spec)
    return objects.create(ctx, NODES, None, body)


@declare("action", destructive=True, local=False, undo=BY_UNCORDONING)
def cordon_node(
    ctx: RunContext,
    name: str | None = None,
    label_selector: str | None = None,
    secrets: Any = None,
) -> list[str]:
    """Mark the nodes named or labelled unschedulable (every node with neither)."""
    picked = nodes.names(nodes.select_nodes(ctx, name, label_selector))
    guard_nodes(ctx, picked, "cordoned")
    return nodes.cordon(ctx, picked, True)


@declare("action", destructive=True, local=False, undo=BY_UNCORDONING)
def uncordon_node(
    ctx: RunContext,
    name: str | None = None,
    label_selector: str | None = None,
    secrets: Any = None,
) -> list[str]:
    """Mark the nodes named or labelled schedulable again (every node with neither)."""
    picked = nodes.names(nodes.select_nodes(ctx, name, label_selector))
    return nodes.cordon(ctx, picked, False)


@declare("action", destructive=True, local=False, undo=BY_UNCORDONING)
def drain_nodes(
    ctx: RunContext,
    name: str | None = None,
    label_selector: str | None = None,
    delete_pods_with_local_storage: bool = False,
    timeout: int = 120,
    secrets: Any = None,
    count: int | None = None,
    pod_label_selector: str | None = None,
    pod_namespace: str | None = None,
) -> list[str]:
    """Cordon the nodes, then evict their pods through the Eviction API within ``timeout``
    seconds, as ``kubectl drain --ignore-daemonsets`` does: PodDisruptionBudgets honoured (a
    refusal is tried again until the timeout, never bypassed), DaemonSet and mirror pods left,
    pods with local storage only with ``delete_pods_with_local_storage``."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0:
        raise ActivityFailed(f"timeout must be a number of seconds, not {timeout!r}")
    picked = nodes.select_nodes(
        ctx, name, label_selector, _count(count), pod_label_selector, pod_namespace
    )
    return nodes.drain(ctx, nodes.names(picked), delete_pods_with_local_storage, timeout)
