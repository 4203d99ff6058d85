"""Objects of any kind on the tests' API server, through the real client, for the catalogue's
end-to-end tests; and whether that server serves a kind yet (``unserved`` skips a test until it
does)."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.actions.context import RunContext
from chaos.actions.registry import lookup
from chaos.drivers.base import NotFound, ObjectKind, custom_kind
from chaos.drivers.kubernetes import KubernetesDriver
from chaos.drivers.kubernetes.objects import collection_path
from testbed.kube.cluster import wait_until
from testbed.kube.resources import RESOURCES


def served(kind: ObjectKind, subresource: str | None = None) -> bool:
    """Whether the tests' API server serves ``kind`` (and its ``subresource``)."""
    return any(
        r.group == kind.group
        and r.version == kind.version
        and r.plural == kind.plural
        and (subresource is None or subresource in r.subresources)
        for r in RESOURCES
    )


def unserved(kind: ObjectKind, subresource: str | None = None) -> pytest.MarkDecorator:
    what = f"{kind.plural}/{subresource}" if subresource else kind.plural
    return pytest.mark.skipif(
        not served(kind, subresource),
        reason=f"the tests' API server does not serve {what} ({kind.api_version}) yet",
    )


POD_KIND = ObjectKind("Pod", "", "v1", "pods")
CRDS = ObjectKind(
    "CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions", False
)
NETWORKCHAOS = custom_kind("chaos-mesh.org", "v1alpha1", "networkchaos")
STRESSCHAOS = custom_kind("chaos-mesh.org", "v1alpha1", "stresschaos")


def call(driver: KubernetesDriver, qualified: str, **arguments: Any) -> Any:
    module, _, func = qualified.rpartition(".")
    native = lookup(module, func)
    assert native is not None, qualified
    return native.impl(RunContext(driver_factory=lambda: driver), **arguments)


def call_in(ctx: RunContext, qualified: str, **arguments: Any) -> Any:
    """A native catalogue function, called in ``ctx`` (its changes recorded there)."""
    module, _, func = qualified.rpartition(".")
    native = lookup(module, func)
    assert native is not None and native.native, qualified
    return native.impl(ctx, **arguments)


def read_or_none(
    driver: KubernetesDriver, kind: ObjectKind, name: str, ns: str | None = "default"
) -> Any:
    """The object as the API answers it, or None when there is none."""
    try:
        return driver.read_object(kind, name, ns)
    except NotFound:
        return None


def create(
    driver: KubernetesDriver, kind: ObjectKind, body: dict[str, Any], ns: str | None = "default"
) -> dict[str, Any]:
    """Create an object through the API, as ``kubectl create`` would."""
    body = {"apiVersion": kind.api_version, "kind": kind.kind, **body}
    return dict(
        driver.send("POST", collection_path(kind, ns if kind.namespaced else None), body=body)
    )


def set_status(
    driver: KubernetesDriver,
    kind: ObjectKind,
    name: str,
    status: dict[str, Any],
    ns: str | None = "default",
) -> None:
    path = f"{collection_path(kind, ns if kind.namespaced else None)}/{name}/status"
    driver.send("PATCH", path, body={"status": status}, content_type="application/merge-patch+json")


def define(driver: KubernetesDriver, kind: ObjectKind, kind_name: str) -> None:
    """Register a custom resource and wait for the server to serve it."""
    version = {
        "name": kind.version,
        "served": True,
        "storage": True,
        "schema": {
            "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        },
    }
    create(
        driver,
        CRDS,
        {
            "metadata": {"name": f"{kind.plural}.{kind.group}"},
            "spec": {
                "group": kind.group,
                "scope": "Namespaced" if kind.namespaced else "Cluster",
                "names": {"plural": kind.plural, "kind": kind_name, "singular": kind_name.lower()},
                "versions": [version],
            },
        },
        None,
    )

    def ready() -> bool:
        try:
            driver.send("GET", collection_path(kind, "default"))
        except Exception:
            return False
        return True

    wait_until(ready, what=f"{kind.plural}.{kind.group} to be served")
