"""``chaosk8s.node.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import IRREVERSIBLE, planned

__all__ = ["cordon_node", "create_node", "delete_nodes", "drain_nodes", "uncordon_node"]


@planned(local=False, undo=IRREVERSIBLE)
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
    raise NotImplementedError


@planned(local=False)
def create_node(
    ctx: RunContext,
    meta: dict[str, Any] | None = None,
    spec: dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def cordon_node(
    ctx: RunContext,
    name: str | None = None,
    label_selector: str | None = None,
    secrets: Any = None,
) -> list[str]:
    raise NotImplementedError


@planned(local=False)
def uncordon_node(
    ctx: RunContext,
    name: str | None = None,
    label_selector: str | None = None,
    secrets: Any = None,
) -> list[str]:
    raise NotImplementedError


@planned(local=False)
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
    raise NotImplementedError
