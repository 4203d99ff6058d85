"""Which resources the fake API server serves: the built-in kinds, plus those that
CustomResourceDefinitions define while they exist (served generically, as the real server does)."""

from __future__ import annotations

from testbed.kube.resources import RESOURCES, ApiError, Obj, Resource, now_rfc3339


class Registry:
    def __init__(self) -> None:
        self._custom: dict[str, tuple[Resource, ...]] = {}  # CRD name -> one Resource per version
        self._stored = {r.qualified: r for r in RESOURCES}  # asked for every object, every pass

    def all(self) -> list[Resource]:
        return [*RESOURCES, *(r for served in self._custom.values() for r in served)]

    def find(self, group_version: str, plural: str) -> Resource | None:
        return next(
            (r for r in self.all() if r.api_version == group_version and r.plural == plural), None
        )

    def stored(self, qualified: str) -> Resource:
        """The resource of a store key (any served version: the store keeps one copy)."""
        return self._stored[qualified]

    def group_versions(self) -> dict[str, list[str]]:
        """Group -> its versions, in the order served ("" is the core group)."""
        found: dict[str, list[str]] = {}
        for resource in self.all():
            versions = found.setdefault(resource.group, [])
            if resource.version not in versions:
                versions.append(resource.version)
        return found

    def define(self, crd: Obj) -> None:
        spec = crd["spec"]
        names, group = spec["names"], spec["group"]
        self._custom[crd["metadata"]["name"]] = tuple(
            Resource(
                group,
                version["name"],
                names["plural"],
                names["kind"],
                spec.get("scope", "Namespaced") == "Namespaced",
                tuple(sorted((version.get("subresources") or {}).keys())),
            )
            for version in spec["versions"]
            if version.get("served", True)
        )
        self._index()

    def forget(self, crd_name: str) -> None:
        self._custom.pop(crd_name, None)
        self._index()

    def _index(self) -> None:
        self._stored = {r.qualified: r for r in reversed(self.all())}


def check_definition(crd: Obj) -> None:
    """What the real server's validation rejects in a CustomResourceDefinition (422)."""
    name = (crd.get("metadata") or {}).get("name", "")
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    problems: list[tuple[str, str]] = []
    if not spec.get("group"):
        problems.append(("spec.group", "Required value"))
    if not names.get("plural"):
        problems.append(("spec.names.plural", "Required value"))
    if not names.get("kind"):
        problems.append(("spec.names.kind", "Required value"))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        problems.append(
            ("spec.scope", 'Unsupported value: supported values: "Cluster", "Namespaced"')
        )
    versions = spec.get("versions") or []
    if not versions or sum(1 for v in versions if v.get("storage")) != 1:
        problems.append(
            (
                "spec.versions",
                "Invalid value: must have exactly one version marked as storage version",
            )
        )
    expected = f"{names.get('plural')}.{spec.get('group')}"
    if names.get("plural") and spec.get("group") and name != expected:
        problems.append(
            ("metadata.name", f'Invalid value: "{name}": must be spec.names.plural+"."+spec.group')
        )
    if problems:
        raise ApiError(
            422,
            "Invalid",
            f'CustomResourceDefinition.apiextensions.k8s.io "{name}" is invalid: '
            + ", ".join(f"{path}: {why}" for path, why in problems),
            {
                "name": name,
                "kind": "CustomResourceDefinition",
                "group": "apiextensions.k8s.io",
                "causes": [
                    {"reason": "FieldValueInvalid", "message": why, "field": path}
                    for path, why in problems
                ],
            },
        )


def definition_status(crd: Obj) -> Obj:
    """The status the apiextensions controllers give an accepted definition."""
    spec = crd["spec"]
    conditions = [
        {
            "type": kind,
            "status": "True",
            "reason": reason,
            "message": message,
            "lastTransitionTime": now_rfc3339(),
        }
        for kind, reason, message in (
            ("NamesAccepted", "NoConflicts", "no conflicts found for the names"),
            ("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        )
    ]
    return {
        "conditions": conditions,
        "acceptedNames": spec["names"],
        "storedVersions": [v["name"] for v in spec["versions"] if v.get("storage")],
    }
