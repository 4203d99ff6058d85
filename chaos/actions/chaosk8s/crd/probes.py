"""``chaosk8s.crd.probes``: custom objects, as the API answers them."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.reads import listing
from chaos.drivers.base import custom_kind

__all__ = [
    "get_cluster_custom_object",
    "get_custom_object",
    "list_cluster_custom_objects",
    "list_custom_objects",
]


@probe(local=False)
def get_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    name: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    """One custom object of the namespace."""
    return ctx.driver().read_object(custom_kind(group, version, plural), name, ns)


@probe(local=False)
def list_custom_objects(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    """The API's list of the namespace's custom objects of that kind (``items`` holds them)."""
    return listing(ctx, custom_kind(group, version, plural), ns)


@probe(local=False)
def get_cluster_custom_object(
    ctx: RunContext, group: str, version: str, plural: str, name: str, secrets: Any = None
) -> dict[str, Any]:
    """One cluster-scoped custom object."""
    kind = custom_kind(group, version, plural, namespaced=False)
    return ctx.driver().read_object(kind, name, None)


@probe(local=False)
def list_cluster_custom_objects(
    ctx: RunContext, group: str, version: str, plural: str, secrets: Any = None
) -> dict[str, Any]:
    """The API's list of the cluster-scoped custom objects of that kind."""
    return listing(ctx, custom_kind(group, version, plural, namespaced=False))
