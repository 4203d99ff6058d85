"""Turning a live object into a snapshot that recreates it, and telling whether a live object
already is its snapshot (no ``kubernetes`` import: the actions and the records use it)."""

from __future__ import annotations

import copy
from typing import Any

# Set by the API server or by controllers; a create must not carry them (resourceVersion is
# refused outright) and restoring them would lie about the new object.
SERVER_METADATA_FIELDS = (
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
SERVER_ANNOTATIONS = ("deployment.kubernetes.io/revision",)
GC_FINALIZERS = ("foregroundDeletion", "orphan")


def strip_server_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` without status and server-managed metadata, ready to be created again."""
    manifest = copy.deepcopy(obj)
    manifest.pop("status", None)
    meta = manifest.setdefault("metadata", {})
    for key in SERVER_METADATA_FIELDS:
        meta.pop(key, None)
    annotations = {
        key: value
        for key, value in (meta.get("annotations") or {}).items()
        if key not in SERVER_ANNOTATIONS
    }
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    finalizers = [f for f in meta.get("finalizers") or [] if f not in GC_FINALIZERS]
    if finalizers:
        meta["finalizers"] = finalizers
    else:
        meta.pop("finalizers", None)
    template_meta = manifest.get("spec", {}).get("template", {}).get("metadata")
    if isinstance(template_meta, dict) and template_meta.get("creationTimestamp", "") is None:
        del template_meta["creationTimestamp"]
    return manifest


def _contains(live: Any, wanted: Any) -> bool:
    """``live`` has everything ``wanted`` has (it may hold more: fields the server defaulted)."""
    if isinstance(wanted, dict):
        return isinstance(live, dict) and all(
            key in live and _contains(live[key], value) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            isinstance(live, list)
            and len(live) == len(wanted)
            and all(_contains(a, b) for a, b in zip(live, wanted, strict=True))
        )
    return bool(live == wanted)


def same_spec(live: dict[str, Any], manifest: dict[str, Any]) -> bool:
    """True when the live object is the one ``manifest`` describes: restoring it again would
    change nothing."""
    return _contains(live.get("spec"), manifest.get("spec"))


# Allocated by the cluster when a Service is created: a re-created Service gets new ones.
SERVICE_ALLOCATED = ("clusterIP", "clusterIPs")
# An object's identity and what the cluster reports of it: not content to compare.
_NOT_CONTENT = ("apiVersion", "kind", "metadata", "status")


def snapshot_of(obj: dict[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    """A live object (a list item lacks ``apiVersion`` and ``kind``) as the manifest that
    re-creates it."""
    manifest = {"apiVersion": api_version, "kind": kind, **strip_server_fields(obj)}
    spec = manifest.get("spec")
    if kind == "Service" and isinstance(spec, dict):
        for key in SERVICE_ALLOCATED:
            spec.pop(key, None)
        for port in spec.get("ports") or []:
            if isinstance(port, dict) and spec.get("type") not in ("NodePort", "LoadBalancer"):
                port.pop("nodePort", None)
    return manifest


def _content(manifest: dict[str, Any]) -> dict[str, Any]:
    meta = manifest.get("metadata") or {}
    kept = {k: v for k, v in manifest.items() if k not in _NOT_CONTENT}
    kept["labels"] = meta.get("labels") or {}
    kept["annotations"] = meta.get("annotations") or {}
    return kept


def same_content(live: dict[str, Any], snapshot: dict[str, Any]) -> bool:
    """True when ``live``, cleaned as a snapshot is, says exactly what ``snapshot`` says
    (``spec``, a Secret's ``data``, labels, annotations): putting it back would change nothing."""
    cleaned = snapshot_of(live, str(snapshot.get("apiVersion")), str(snapshot.get("kind")))
    return _content(cleaned) == _content(snapshot)


def made_from(live: dict[str, Any], manifest: dict[str, Any]) -> bool:
    """True when ``live`` holds all that ``manifest`` says (and maybe fields the server
    defaulted): it may be what a create of ``manifest`` made."""
    cleaned = snapshot_of(live, str(manifest.get("apiVersion")), str(manifest.get("kind")))
    return _contains(_content(cleaned), _content(manifest))
