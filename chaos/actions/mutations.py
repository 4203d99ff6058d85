"""The changes the catalogue's mutating functions make, each undoable (``changes``): create an
object from a spec file, delete the objects a name or a selector picks, scale, update."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from chaos.actions.affected import guard_removal, guard_scale
from chaos.actions.changes import Change, change, create_resolving, snapshot
from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace
from chaos.drivers.base import ObjectKind, Selection


def load_spec(spec_path: str) -> dict[str, Any]:
    """The object a ``spec_path`` holds (JSON, or YAML for ``.yml``/``.yaml``), as chaosk8s
    reads it; ``ActivityFailed`` with one sentence otherwise."""
    from chaos.parsing import LimitExceeded, ParseError, parse_json, parse_yaml, read_capped

    path = Path(spec_path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yml", ".yaml"):
        raise ActivityFailed(f"cannot process {spec_path}: not a .json, .yml or .yaml file")
    try:
        text = read_capped(path)
        data = parse_json(text) if suffix == ".json" else parse_yaml(text)
    except FileNotFoundError:
        raise ActivityFailed(f"cannot process {spec_path}: it does not exist") from None
    except (OSError, UnicodeDecodeError, LimitExceeded, ParseError) as exc:
        raise ActivityFailed(f"cannot process {spec_path}: {exc}") from None
    if not isinstance(data, dict):
        raise ActivityFailed(f"cannot process {spec_path}: it does not hold one object")
    return data


def _guard(ctx: RunContext, kind: ObjectKind, ns: str | None) -> None:
    if kind.namespaced and ns is not None:
        guard_namespace(ctx, ns)


def create(ctx: RunContext, kind: ObjectKind, body: dict[str, Any], ns: str | None) -> None:
    """Create ``body`` as a ``kind`` (in ``ns``); the rollback deletes it."""
    meta = body.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(name, str) or not name:
        raise ActivityFailed(f"the {kind.kind} to create has no metadata.name")
    if body.get("kind", kind.kind) != kind.kind:
        raise ActivityFailed(f"the object to create is a {body.get('kind')}, not a {kind.kind}")
    _guard(ctx, kind, ns)
    if ctx.announce_dry_run(f"create {kind.kind}", ns or "-", [name]):
        return
    manifest = {"apiVersion": kind.api_version, "kind": kind.kind, **body}
    metadata = {**manifest["metadata"]}
    if kind.namespaced:
        metadata["namespace"] = ns
    manifest["metadata"] = metadata
    driver = ctx.driver()
    made = Change(kind, name, ns, "created", snapshot=_identity(manifest))
    change(ctx, made, lambda: create_resolving(driver, kind, manifest, ns))


def _identity(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the record keeps of a created object: enough to find it and delete it."""
    meta = manifest["metadata"]
    kept = {key: meta[key] for key in ("name", "namespace") if key in meta}
    return {"apiVersion": manifest["apiVersion"], "kind": manifest["kind"], "metadata": kept}


def selected(
    ctx: RunContext, kind: ObjectKind, name: str | None, ns: str, label_selector: str | None
) -> list[str]:
    """The names of the ``kind`` objects ``name`` or ``label_selector`` pick in ``ns``.

    Stricter than chaosk8s, which then picks every object of the namespace: neither is a
    refusal."""
    if not name and not label_selector:
        raise ActivityFailed(
            f"refusing to select {kind.kind} objects with neither a name nor a label selector "
            f"(that would select every {kind.kind} in the namespace)"
        )
    selection = Selection(
        namespace=ns,
        field_selector=f"metadata.name={name}" if name else None,
        label_selector=None if name else label_selector,
    )
    listing = ctx.driver().list_objects(kind, selection)
    names = sorted(str((i.get("metadata") or {}).get("name")) for i in listing.get("items") or [])
    if not names:
        picked = f"named {name!r}" if name else f"matches label selector {label_selector!r}"
        raise ActivityFailed(f"no {kind.kind} {picked} in namespace {ns!r}")
    return names


def delete(ctx: RunContext, kind: ObjectKind, names: list[str], ns: str | None) -> None:
    """Delete each object, its snapshot kept ahead; the rollback re-creates it."""
    _guard(ctx, kind, ns)
    guard_removal(ctx, kind, names, ns)
    if ctx.announce_dry_run(f"delete {kind.kind}", ns or "-", names):
        return
    driver = ctx.driver()
    for name in names:
        taken = snapshot(ctx, kind, name, ns)
        made = Change(kind, name, ns, "deleted", snapshot=taken)
        change(ctx, made, functools.partial(driver.delete_object, kind, name, ns))


def scale(ctx: RunContext, kind: ObjectKind, name: str, replicas: Any, ns: str) -> int:
    """Scale to ``replicas``; the rollback scales back to the count it had. That count."""
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise ActivityFailed(f"replicas must be a non-negative integer, not {replicas!r}")
    _guard(ctx, kind, ns)
    from chaos.drivers.base import NotFound

    driver = ctx.driver()
    try:
        live = driver.read_object(kind, name, ns)
    except NotFound:
        raise ActivityFailed(f"{kind.kind} '{name}' not found in namespace '{ns}'") from None
    previous = int((live.get("spec") or {}).get("replicas", 1))
    guard_scale(ctx, kind, live, ns, previous, replicas)
    if ctx.dry_run:
        ctx.notice(f"Dry run: would scale {kind.kind} {ns}/{name} to {replicas} replicas")
        return previous
    doing = f"scaled {kind.kind} {ns}/{name} from {previous} to {replicas} replicas"
    made = Change(kind, name, ns, "scaled", previous=previous, doing=doing)
    change(ctx, made, lambda: driver.scale(kind, name, ns, replicas))
    return previous


def update(
    ctx: RunContext, kind: ObjectKind, name: str, ns: str | None, patch: dict[str, Any]
) -> None:
    """Merge-patch the object, its snapshot kept ahead; the rollback puts the snapshot back."""
    if not isinstance(patch, dict):
        raise ActivityFailed(f"the change to {kind.kind} '{name}' must be a mapping")
    _guard(ctx, kind, ns)
    if ctx.announce_dry_run(f"update {kind.kind}", ns or "-", [name]):
        return
    taken = snapshot(ctx, kind, name, ns)
    driver = ctx.driver()
    made = Change(kind, name, ns, "updated", snapshot=taken)
    change(ctx, made, lambda: driver.patch_object(kind, name, ns, patch))
