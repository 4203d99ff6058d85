"""The scale subresource (``autoscaling/v1`` Scale) of Deployments, ReplicaSets, StatefulSets."""

from __future__ import annotations

from testbed.kube.resources import Obj, Resource, invalid, merge_patch


def scale_of(obj: Obj) -> Obj:
    selector = obj["spec"].get("selector") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: obj["metadata"][key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
        },
        "spec": {"replicas": obj["spec"].get("replicas", 1)},
        "status": {
            "replicas": (obj.get("status") or {}).get("replicas", 0),
            "selector": ",".join(
                f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()
            ),
        },
    }


def scaled_spec(resource: Resource, obj: Obj, patch: Obj) -> Obj:
    """The object's spec once ``patch`` (on its Scale) is applied; 422 for a bad count."""
    replicas = ((merge_patch(scale_of(obj), patch)).get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise invalid(
            resource,
            obj["metadata"]["name"],
            "spec.replicas",
            f"Invalid value: {replicas}: must be greater than or equal to 0",
        )
    return {**obj["spec"], "replicas": replicas}
