"""``chaosk8s.crd.actions``: custom objects created, deleted, patched and replaced, each undone
by the rollback or ``chaosrun restore`` (``chaos.actions.objects``)."""

from __future__ import annotations

from typing import Any

from chaos.actions import objects, specs
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, PUT_BACK, declare
from chaos.actions.errors import ActivityFailed

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

CREATES = {"destructive": True, "local": False, "undo": DELETED_BACK}
DELETES = {"destructive": True, "local": False, "undo": FROM_SNAPSHOT}
CHANGES = {"destructive": True, "local": False, "undo": PUT_BACK}


def _apply(ctx: RunContext, resource: str | None, as_yaml: bool) -> dict[str, Any]:
    if not isinstance(resource, str):
        raise ActivityFailed("resource must be the object as a JSON or YAML string")
    obj = specs.parse_text(resource, as_yaml, "resource")
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not api_version:
        raise ActivityFailed("missing apiVersion in resource")
    if not kind:
        raise ActivityFailed("missing kind in resource")
    group, _, version = str(api_version).rpartition("/")
    ns = (obj.get("metadata") or {}).get("namespace", "default")
    return objects.create(ctx, objects.custom(group, version, specs.plural_of(kind)), ns, obj)


@declare("action", **CREATES)
def apply_from_json(
    ctx: RunContext, resource: str | None = None, secrets: Any = None
) -> dict[str, Any]:
    """Create the custom object given as a JSON string (its plural from its kind)."""
    return _apply(ctx, resource, as_yaml=False)


@declare("action", **CREATES)
def apply_from_yaml(
    ctx: RunContext, resource: str | None = None, secrets: Any = None
) -> dict[str, Any]:
    """Create the custom object given as a YAML string (its plural from its kind)."""
    return _apply(ctx, resource, as_yaml=True)


@declare("action", **CREATES)
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
    kind = objects.custom(group, version, plural)
    return objects.create(ctx, kind, ns, specs.body(resource, resource_as_yaml_file))


@declare("action", **DELETES)
def delete_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    name: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    return objects.delete(ctx, objects.custom(group, version, plural), ns, name)


@declare("action", **CREATES)
def create_cluster_custom_object(
    ctx: RunContext,
    group: str,
    version: str,
    plural: str,
    resource: dict[str, Any] | None = None,
    resource_as_yaml_file: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    kind = objects.custom(group, version, plural, namespaced=False)
    return objects.create(ctx, kind, None, specs.body(resource, resource_as_yaml_file))


@declare("action", **DELETES)
def delete_cluster_custom_object(
    ctx: RunContext, group: str, version: str, plural: str, name: str, secrets: Any = None
) -> dict[str, Any]:
    return objects.delete(ctx, objects.custom(group, version, plural, namespaced=False), None, name)


@declare("action", **CHANGES)
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
    """Patch with ``resource`` as a JSON merge patch (the fields to set; ``null`` removes)."""
    kind = objects.custom(group, version, plural)
    return objects.patch(ctx, kind, ns, name, specs.body(resource, resource_as_yaml_file))


@declare("action", **CHANGES)
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
    kind = objects.custom(group, version, plural)
    return objects.replace(ctx, kind, ns, name, specs.body(resource, resource_as_yaml_file))


@declare("action", **CHANGES)
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
    """Patch with ``resource`` as a JSON merge patch (the fields to set; ``null`` removes)."""
    kind = objects.custom(group, version, plural, namespaced=False)
    return objects.patch(ctx, kind, None, name, specs.body(resource, resource_as_yaml_file))


@declare("action", **CHANGES)
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
    kind = objects.custom(group, version, plural, namespaced=False)
    return objects.replace(ctx, kind, None, name, specs.body(resource, resource_as_yaml_file))
