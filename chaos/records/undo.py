"""Undoing one recorded change over the generic driver writes, idempotently: a change already
undone (the object is as its record says it was) is success, and nothing is sent."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from chaos.drivers.base import (
    Conflict,
    Driver,
    DriverError,
    NotFound,
    ObjectKind,
    OutcomeUnknown,
)
from chaos.drivers.snapshots import same_content
from chaos.records.kinds import RECORDED_KINDS
from chaos.records.model import Op, RecordedObject

# Seconds a re-create waits for the object it replaces to finish being deleted, and between
# two reads meanwhile.
DELETION_WAIT = 60.0
DELETION_POLL = 0.5
# Tries of a replace that lost the race with another writer (409 on resourceVersion).
REPLACE_TRIES = 5


class Undone(StrEnum):
    UNDONE = "undone"
    ALREADY = "already as before"  # nothing was sent
    REPLACED = "replaced"  # an object of that name with another spec stood: ``force`` replaced it


def reverted(obj: RecordedObject, outcome: str) -> str:
    """What undoing ``obj`` did, for the Event on the object (one phrase)."""
    if obj.op is Op.CREATED:
        done = f"deleted {obj.label}, which the run had created"
    elif obj.op is Op.DELETED:
        done = f"re-created {obj.label} from its snapshot"
    elif obj.op is Op.UPDATED:
        done = f"put {obj.label} back as it was"
    elif obj.op is Op.SCALED:
        done = f"scaled {obj.label} back to {obj.previous} replicas"
    elif obj.op is Op.CORDONED:
        done = f"set {obj.label} back to {'un' if obj.previous else ''}schedulable"
    else:
        done = f"set the selector of {obj.label} back"
    return f"{done} ({outcome})"


def api_of(obj: RecordedObject) -> ObjectKind:
    kind = RECORDED_KINDS.get(obj.kind)
    if kind is None or kind.api is None:
        raise DriverError(f"chaosrun does not undo changes to a {obj.kind} generically")
    return kind.api


def _scope(obj: RecordedObject) -> str | None:
    return obj.namespace or None


def _read(driver: Driver, obj: RecordedObject) -> dict[str, Any] | None:
    try:
        return driver.read_object(api_of(obj), obj.name, _scope(obj))
    except NotFound:
        return None


def _deleting(live: dict[str, Any] | None) -> bool:
    return bool(live and (live.get("metadata") or {}).get("deletionTimestamp"))


def _value(live: dict[str, Any], obj: RecordedObject) -> Any:
    spec = live.get("spec") or {}
    if obj.op is Op.SCALED:
        return spec.get("replicas", 1)
    if obj.op is Op.CORDONED:
        return bool(spec.get("unschedulable", False))
    return dict(spec.get("selector") or {})


def is_undone(driver: Driver, obj: RecordedObject) -> bool:
    """True when the object already is as the record says it was before the change."""
    live = _read(driver, obj)
    if obj.op is Op.CREATED:
        return live is None
    if live is None or _deleting(live):
        return False
    if obj.op in (Op.DELETED, Op.UPDATED):
        return same_content(live, obj.manifest)
    return bool(_value(live, obj) == obj.previous)


def undo(driver: Driver, obj: RecordedObject, force: bool = False) -> Undone:
    """Undo the change ``obj`` records. ``Conflict``: a deleted object's name is taken by one
    with another spec (``force`` replaces it); ``NotFound``: what a one-value change changed
    no longer exists; any other ``DriverError``: it could not be undone now."""
    api = api_of(obj)
    if obj.op is Op.CREATED:
        try:
            driver.delete_object(api, obj.name, _scope(obj))
        except NotFound:
            return Undone.ALREADY
        return Undone.UNDONE
    if obj.op is Op.DELETED:
        return _recreate(driver, api, obj, force)
    if obj.op is Op.UPDATED:
        return _put_back(driver, api, obj)
    live = _read(driver, obj)
    if live is None:
        raise NotFound(
            f"{obj.label} no longer exists, so its {obj.op.value} change cannot be undone"
        )
    if _value(live, obj) == obj.previous:
        return Undone.ALREADY
    if obj.op is Op.SCALED:
        driver.scale(api, obj.name, obj.namespace, int(obj.previous))
    elif obj.op is Op.CORDONED:
        # Schedulable is the field left out (as kubectl uncordon leaves it), not false.
        cordon: dict[str, Any] = {"spec": {"unschedulable": True if obj.previous else None}}
        driver.patch_object(api, obj.name, _scope(obj), cordon)
    else:
        removed = {key: None for key in _value(live, obj) if key not in obj.previous}
        patch = {"spec": {"selector": {**removed, **obj.previous}}}
        driver.patch_object(api, obj.name, _scope(obj), patch)
    return Undone.UNDONE


def _recreate(driver: Driver, api: ObjectKind, obj: RecordedObject, force: bool) -> Undone:
    """Create the object again from its snapshot; wait while the deleted one is still going."""
    deadline = time.monotonic() + DELETION_WAIT
    while True:
        try:
            driver.create_object(api, obj.manifest, _scope(obj))
            return Undone.UNDONE
        except (Conflict, OutcomeUnknown) as failed:
            # OutcomeUnknown: our create's answer was lost; what stands tells.
            live = _read(driver, obj)
            if live is None and time.monotonic() > deadline:
                raise failed
        if live is None:
            continue  # gone between our create and this read, or never made: again
        if _deleting(live):
            if time.monotonic() > deadline:
                raise DriverError(
                    f"{obj.label} was still being deleted after {DELETION_WAIT:.0f}s, so it "
                    "could not be re-created"
                )
            time.sleep(DELETION_POLL)
            continue
        if same_content(live, obj.manifest):
            return Undone.ALREADY  # also our own earlier create, whose answer was lost
        if not force:
            raise Conflict(
                f"{obj.label} already exists with a different spec, so it was not overwritten "
                "by the snapshot"
            )
        _replace(driver, api, obj, live)
        return Undone.REPLACED


def _put_back(driver: Driver, api: ObjectKind, obj: RecordedObject) -> Undone:
    for _ in range(REPLACE_TRIES):
        live = _read(driver, obj)
        if live is None or _deleting(live):
            return _recreate(driver, api, obj, force=False)
        if same_content(live, obj.manifest):
            return Undone.ALREADY
        try:
            _replace(driver, api, obj, live)
        except (Conflict, OutcomeUnknown):
            continue  # changed meanwhile, or our answer lost: read it again
        return Undone.UNDONE
    raise DriverError(f"{obj.label} kept changing while it was being put back")


def _replace(driver: Driver, api: ObjectKind, obj: RecordedObject, live: dict[str, Any]) -> None:
    meta = {**(obj.manifest.get("metadata") or {})}
    meta["resourceVersion"] = (live.get("metadata") or {}).get("resourceVersion")
    body = {**obj.manifest, "metadata": meta}
    spec, live_spec = body.get("spec"), live.get("spec") or {}
    if api.kind == "Service" and isinstance(spec, dict):
        # Allocated at creation and immutable: the snapshot leaves them out, a PUT needs them.
        body["spec"] = {
            **spec,
            **{k: live_spec[k] for k in ("clusterIP", "clusterIPs") if k in live_spec},
        }
    driver.replace_object(api, body, _scope(obj))
