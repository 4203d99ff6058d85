"""``chaosk8s.node.probes``: these answer False rather than raise, as in chaosk8s."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import field, items, listing
from chaos.drivers.base import NODES

__all__ = [
    "all_nodes_must_be_ready_to_schedule",
    "get_all_node_status_conditions",
    "get_nodes",
    "nodes_must_be_healthy",
    "verify_nodes_condition",
]

# What nodes_must_be_healthy expects of each condition a node reports (the node problem
# detector's conditions included).
HEALTHY = (
    ("FrequentKubeletRestart", "False"),
    ("FrequentDockerRestart", "False"),
    ("FrequentContainerdRestart", "False"),
    ("ReadonlyFilesystem", "False"),
    ("KernelDeadlock", "False"),
    ("CorruptDockerOverlay2", "False"),
    ("FrequentUnregisterNetDevice", "False"),
    ("NetworkUnavailable", "False"),
    ("MemoryPressure", "False"),
    ("DiskPressure", "False"),
    ("PIDPressure", "False"),
    ("Ready", "True"),
)


@probe(local=False)
def get_nodes(
    ctx: RunContext,
    label_selector: str | None = None,
    configuration: Any = None,
    secrets: Any = None,
) -> dict[str, Any]:
    """The API's list of nodes (those matching ``label_selector``), as it answers it."""
    return listing(ctx, NODES, None, label_selector)


@probe(local=False)
def get_all_node_status_conditions(
    ctx: RunContext,
    label_selector: str | None = None,
    configuration: Any = None,
    secrets: Any = None,
) -> list[dict[str, str]]:
    """One mapping per node: its ``name`` and each condition's type -> status."""
    result = []
    for node in items(ctx, NODES, None, label_selector):
        statuses = {"name": str(field(node, "metadata", "name"))}
        for condition in field(node, "status", "conditions") or []:
            statuses[str(condition.get("type"))] = str(condition.get("status"))
        result.append(statuses)
    return result


@probe(local=False)
def all_nodes_must_be_ready_to_schedule(
    ctx: RunContext,
    label_selector: str | None = None,
    configuration: Any = None,
    secrets: Any = None,
) -> bool:
    """True when every selected node is Ready."""
    nodes = get_all_node_status_conditions(ctx, label_selector)
    return all(statuses.get("Ready") == "True" for statuses in nodes)


@probe(local=False)
def verify_nodes_condition(
    ctx: RunContext,
    condition_type: str = "PIDPressure",
    condition_value: str = "False",
    label_selector: str | None = None,
    configuration: Any = None,
    secrets: Any = None,
) -> bool:
    """True when every selected node reports ``condition_type`` as ``condition_value``."""
    nodes = get_all_node_status_conditions(ctx, label_selector)
    return all(statuses.get(condition_type) == condition_value for statuses in nodes)


@probe(local=False)
def nodes_must_be_healthy(
    ctx: RunContext,
    label_selector: str | None = None,
    configuration: Any = None,
    secrets: Any = None,
) -> bool:
    """True unless a selected node reports one of the ``HEALTHY`` conditions otherwise."""
    nodes = get_all_node_status_conditions(ctx, label_selector)
    return all(statuses.get(kind, value) == value for statuses in nodes for kind, value in HEALTHY)
