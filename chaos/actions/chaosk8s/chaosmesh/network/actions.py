"""``chaosk8s.chaosmesh.network.actions``: NetworkChaos faults, as chaosk8s 0.39 writes them.

Each creates a NetworkChaos object (the undo deletes it); ``delete_network_fault`` deletes one
(the undo re-creates it from its snapshot). Chaos Mesh must be installed for one to bite."""

from __future__ import annotations

from typing import Any

from chaos.actions import objects
from chaos.actions.chaosmesh import NETWORK_CHAOS, network_chaos
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, declare

__all__ = [
    "add_latency",
    "corrupt_packets",
    "delete_network_fault",
    "duplicate_packets",
    "reorder_packets",
    "set_bandwidth",
    "set_loss",
]


def _create(
    ctx: RunContext, action: str, name: str, ns: str, fault: dict[str, Any], given: dict[str, Any]
) -> dict[str, Any]:
    return objects.create(ctx, NETWORK_CHAOS, ns, network_chaos(action, name, ns, fault, given))


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def add_latency(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | list[str] | None = None,
    label_selectors: str | dict[str, Any] | None = None,
    annotations_selectors: str | dict[str, Any] | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    latency: str | None = None,
    correlation: str | None = None,
    jitter: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    return _create(
        ctx,
        "delay",
        name,
        ns,
        {"latency": latency, "correlation": correlation, "jitter": jitter},
        locals(),
    )


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def set_loss(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    loss: str | None = None,
    correlation: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    return _create(ctx, "loss", name, ns, {"loss": loss, "correlation": correlation}, locals())


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def duplicate_packets(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    duplicate: str | None = None,
    correlation: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    return _create(
        ctx, "duplicate", name, ns, {"duplicate": duplicate, "correlation": correlation}, locals()
    )


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def reorder_packets(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    reorder: str | None = None,
    correlation: str | None = None,
    gap: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    return _create(
        ctx,
        "reorder",
        name,
        ns,
        {"reorder": reorder, "correlation": correlation, "gap": gap},
        locals(),
    )


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def corrupt_packets(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    corrupt: str | None = None,
    correlation: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    return _create(
        ctx, "corrupt", name, ns, {"corrupt": corrupt, "correlation": correlation}, locals()
    )


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def set_bandwidth(
    ctx: RunContext,
    name: str,
    rate: str,
    limit: int,
    buffer: int,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    peakrate: int | None = None,
    minburst: int | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    return _create(
        ctx,
        "bandwidth",
        name,
        ns,
        {
            "rate": rate,
            "limit": limit,
            "buffer": buffer,
            "peakrate": peakrate,
            "minburst": minburst,
        },
        locals(),
    )


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def delete_network_fault(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    return objects.delete(ctx, NETWORK_CHAOS, ns, name)
