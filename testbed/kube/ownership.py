"""Owner references and pod templates, as the workload controllers use them."""

from __future__ import annotations

import hashlib
import json

from testbed.kube.resources import Obj


def template_hash(template: Obj) -> str:
    digest = hashlib.sha256(json.dumps(template, sort_keys=True).encode()).digest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[byte % len(alphabet)] for byte in digest[:10])


def owner_ref(owner: Obj) -> Obj:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def owned_by(obj: Obj, owner: Obj) -> bool:
    return any(
        ref.get("uid") == owner["metadata"]["uid"]
        for ref in obj["metadata"].get("ownerReferences") or []
    )


def deleting(obj: Obj) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


def pod_from_template(owner: Obj, extra_labels: dict[str, str], **meta: str) -> Obj:
    """A pod body from a workload's template, owned by it (``meta``: name or generateName)."""
    template = json.loads(json.dumps(owner["spec"]["template"]))
    pod_meta = template.get("metadata") or {}
    labels = {**(pod_meta.get("labels") or {}), **extra_labels}
    return {
        "metadata": {**pod_meta, **meta, "labels": labels, "ownerReferences": [owner_ref(owner)]},
        "spec": template["spec"],
    }
