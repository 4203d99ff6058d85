"""``chaosk8s.crd.actions``: declared, run natively in a later version."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = [
    "apply_from_json",
    "apply_from_yaml",
    "create_cluster_custom_object",
    "create_custom_object",
    "delete_cluster_custom_object",
    "delete_custom_object",
    "patch_cluster_custom_object",
    "patch_custom_object",
    "replace_cluster_custom_object",
    "replace_custom_object",
]


@planned(local=False)
def apply_from_json(
    ctx: RunContext, resource: str | None = None, secrets: Any = None
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def apply_from_yaml(
    ctx: RunContext, resource: str | None = None, secrets: Any = None
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def create_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    ns: str = "default",
    resource: dict[str, Any] | None = None,
    resource_as_yaml_file: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def delete_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    name: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def create_cluster_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    resource: dict[str, Any] | None = None,
    resource_as_yaml_file: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def delete_cluster_custom_object(
    ctx: RunContext, group: str, version: str, plural: str, name: str, secrets: Any = None
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def patch_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    name: str,
    ns: str = "default",
    force: bool = False,
    resource: dict[str, Any] | None = None,
    resource_as_yaml_file: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def replace_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    name: str,
    ns: str = "default",
    force: bool = False,
    resource: dict[str, Any] | None = None,
    resource_as_yaml_file: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def patch_cluster_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    name: str,
    force: bool = False,
    resource: dict[str, Any] | None = None,
    resource_as_yaml_file: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def replace_cluster_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    name: str,
    force: bool = False,
    resource: dict[str, Any] | None = None,
    resource_as_yaml_file: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError
