"""Discovery answers (``/version``, ``/api``, ``/apis``, groups and group versions), built from
the registry, so a kind a CustomResourceDefinition adds is discoverable while it is served."""

from __future__ import annotations

from testbed.kube.registry import Registry
from testbed.kube.resources import Obj, Resource

# subresource -> (kind, group, version, verbs), as the real server lists them
_SUBRESOURCES: dict[str, tuple[str, str, str, list[str]]] = {
    "scale": ("Scale", "autoscaling", "v1", ["get", "patch", "update"]),
    "eviction": ("Eviction", "policy", "v1", ["create"]),
    "exec": ("PodExecOptions", "", "v1", ["create", "get"]),
    "log": ("Pod", "", "v1", ["get"]),
}


def version_info() -> Obj:
    return {
        "major": "1",
        "minor": "31",
        "gitVersion": "v1.31.0-fake.chaosrun",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.22.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def discover(parts: list[str], registry: Registry) -> Obj | None:
    """The discovery document at ``parts`` (the path's segments), or None if it is not one."""
    groups = registry.group_versions()
    if parts == ["version"]:
        return version_info()
    if parts == ["api"]:
        return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
    if parts == ["apis"]:
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [_group(name, versions) for name, versions in groups.items() if name],
        }
    if len(parts) == 2 and parts[0] == "apis" and parts[1] in groups:
        return _group(parts[1], groups[parts[1]])
    if parts == ["api", "v1"]:
        return _resource_list(registry, "v1")
    if len(parts) == 3 and parts[0] == "apis" and parts[2] in groups.get(parts[1], []):
        return _resource_list(registry, f"{parts[1]}/{parts[2]}")
    return None


def _group(name: str, versions: list[str]) -> Obj:
    listed = [{"groupVersion": f"{name}/{version}", "version": version} for version in versions]
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": name,
        "versions": listed,
        "preferredVersion": listed[0],
    }


def _resource_list(registry: Registry, group_version: str) -> Obj:
    resources: list[Obj] = []
    for res in registry.all():
        if res.api_version == group_version:
            resources.extend(_entries(res))
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }


def _entries(res: Resource) -> list[Obj]:
    entries: list[Obj] = [
        {
            "name": res.plural,
            "singularName": res.kind.lower(),
            "namespaced": res.namespaced,
            "kind": res.kind,
            "verbs": list(res.verbs),
        }
    ]
    for sub in res.subresources:
        kind, group, version, verbs = _SUBRESOURCES.get(
            sub, (res.kind, "", "", ["get", "patch", "update"])
        )
        entry: Obj = {
            "name": f"{res.plural}/{sub}",
            "singularName": "",
            "namespaced": res.namespaced,
            "kind": kind,
            "verbs": verbs,
        }
        if group:
            entry.update(group=group, version=version)
        entries.append(entry)
    return entries
