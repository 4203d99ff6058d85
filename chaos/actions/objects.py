"""Objects of any kind (built in or custom; namespaced or cluster-wide) created, deleted,
patched or replaced through ``chaos.actions.changes``: what undoes each is write-ahead in the
run record (created -> deleted, deleted/patched/replaced -> back as its snapshot).

chaosk8s' networking, node, crd and Chaos Mesh actions speak to these."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.pods import guard_namespace
from chaos.drivers.base import Conflict, DriverError, NotFound, ObjectKind


def custom(group: str, version: str, plural: str, namespaced: bool = True) -> ObjectKind:
    """A custom resource's kind, named as the run record names it (``plural.version.group``)."""
    from chaos.records.kinds import custom_resource

    for part, value in (("group", group), ("version", version), ("plural", plural)):
        if not isinstance(value, str) or not value.strip():
            raise ActivityFailed(f"{part} must be a non-empty name, not {value!r}")
    name = custom_resource(plural, version, group)
    if name is None:
        raise ActivityFailed(
            f"{plural}.{version}.{group or 'core'} is not a custom resource chaosrun can undo "
            "changes to (a built-in kind has its own module's functions)"
        )
    return ObjectKind(name, group, version, plural, namespaced)


def _scope(kind: ObjectKind, ns: str | None) -> str | None:
    return ns if kind.namespaced else None


def _where(kind: ObjectKind, ns: str | None) -> str:
    return ns if kind.namespaced and ns else "(cluster)"


def _name(body: dict[str, Any]) -> str:
    name = (body.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not name:
        raise ActivityFailed("the object to create has no metadata.name")
    return name


def _guard(ctx: RunContext, kind: ObjectKind, ns: str | None) -> None:
    if kind.namespaced:
        if not ns:
            raise ActivityFailed(f"a {kind.kind} needs a namespace")
        guard_namespace(ctx, ns)


def _failed(doing: str, kind: ObjectKind, name: str, exc: DriverError) -> ActivityFailed:
    return ActivityFailed(f"could not {doing} {kind.kind} {name!r}: {exc}")


def snapshot(ctx: RunContext, kind: ObjectKind, ns: str | None, name: str) -> dict[str, Any]:
    """The object as it stands, cleaned for re-creation (its own ``kind`` kept)."""
    from chaos.drivers.snapshots import snapshot_of

    try:
        live = ctx.driver().read_object(kind, name, _scope(kind, ns))
    except NotFound as exc:
        raise ActivityFailed(str(exc)) from None
    return snapshot_of(live, kind.api_version, str(live.get("kind") or kind.kind))


def _already_exists(message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": "AlreadyExists",
        "code": 409,
        "message": message,
    }


def create(
    ctx: RunContext, kind: ObjectKind, ns: str | None, body: dict[str, Any]
) -> dict[str, Any]:
    """Create it (the undo deletes it). One that already stands is left alone (nothing to
    undo) and the API's ``AlreadyExists`` status returned, as chaosk8s' crd actions return it.
    Our own create whose answer was lost, found standing as sent, is ours."""
    from chaos.actions.changes import Change, change, create_resolving

    _guard(ctx, kind, ns)
    name = _name(body)
    body = {"apiVersion": kind.api_version, **body}
    if ctx.announce_dry_run(f"create {kind.kind}", _where(kind, ns), [name]):
        return body
    driver, scope = ctx.driver(), _scope(kind, ns)
    try:
        driver.read_object(kind, name, scope)
        return _already_exists(f"{kind.kind} {name!r} already exists")
    except NotFound:
        pass
    except DriverError as exc:
        raise _failed("create", kind, name, exc) from None

    made = Change(kind, name, scope, "created", snapshot=body)
    try:
        return change(ctx, made, lambda: create_resolving(driver, kind, body, scope))
    except Conflict as exc:  # made by someone else meanwhile: not ours to undo
        return _already_exists(str(exc))
    except DriverError as exc:
        raise _failed("create", kind, name, exc) from None


def delete(ctx: RunContext, kind: ObjectKind, ns: str | None, name: str) -> dict[str, Any]:
    """Delete it, its snapshot write-ahead (the undo re-creates it); the object as it was."""
    from chaos.actions.changes import Change, change

    _guard(ctx, kind, ns)
    before = snapshot(ctx, kind, ns, name)
    if ctx.announce_dry_run(f"delete {kind.kind}", _where(kind, ns), [name]):
        return before
    made = Change(kind, name, _scope(kind, ns), "deleted", snapshot=before)
    try:
        change(ctx, made, lambda: ctx.driver().delete_object(kind, name, _scope(kind, ns)))
    except DriverError as exc:
        raise _failed("delete", kind, name, exc) from None
    return before


def _update(
    ctx: RunContext, kind: ObjectKind, ns: str | None, name: str, doing: str, apply: Any
) -> dict[str, Any]:
    from chaos.actions.changes import Change, change

    _guard(ctx, kind, ns)
    before = snapshot(ctx, kind, ns, name)
    if ctx.announce_dry_run(f"{doing} {kind.kind}", _where(kind, ns), [name]):
        return before
    made = Change(kind, name, _scope(kind, ns), "updated", snapshot=before)
    try:
        return dict(change(ctx, made, apply))
    except DriverError as exc:
        raise _failed(doing, kind, name, exc) from None


def patch(
    ctx: RunContext, kind: ObjectKind, ns: str | None, name: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """A JSON merge patch, the object's snapshot write-ahead (the undo puts it back)."""
    if not isinstance(changes, dict):
        raise ActivityFailed(
            "the patch must be a mapping of the fields to change (a JSON merge patch)"
        )
    return _update(
        ctx,
        kind,
        ns,
        name,
        "patch",
        lambda: ctx.driver().patch_object(kind, name, _scope(kind, ns), changes),
    )


def replace(
    ctx: RunContext, kind: ObjectKind, ns: str | None, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Replace it with ``body``, its snapshot write-ahead (the undo puts it back)."""
    meta = {**(body.get("metadata") or {}), "name": name}
    if kind.namespaced and ns:
        meta["namespace"] = ns

    def apply() -> dict[str, Any]:
        live = ctx.driver().read_object(kind, name, _scope(kind, ns))
        version = (live.get("metadata") or {}).get("resourceVersion")
        new = {"apiVersion": kind.api_version, "kind": live.get("kind"), **body}
        new["metadata"] = {**meta, "resourceVersion": version}
        return ctx.driver().replace_object(kind, new, _scope(kind, ns))

    return _update(ctx, kind, ns, name, "replace", apply)
