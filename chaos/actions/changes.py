"""Undoable changes: what undoes one is kept in the run record before it is made, and the
run's own rollback, its end and ``chaosrun restore`` undo it from there.

Every mutating catalogue function goes through ``change``::

    snapshot = changes.snapshot(ctx, STATEFULSETS, name, ns)       # read it, cleaned
    changes.change(ctx, Change(STATEFULSETS, name, ns, "deleted", snapshot=snapshot),
                   lambda: ctx.driver().delete_object(STATEFULSETS, name, ns))

``chaos.records`` is imported by the functions, not at import time: validation imports the
catalogue modules for their signatures only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import (
    Conflict,
    Driver,
    DriverError,
    NotFound,
    ObjectKind,
    OutcomeUnknown,
)
from chaos.signalstate import deferred

if TYPE_CHECKING:
    from chaos.records.model import RecordedObject

T = TypeVar("T")
logger = logging.getLogger("chaosrun")

# A later change to an object that an open entry already covers needs no entry of its own:
# the first entry holds the object as it was before the run touched it.
_COVERS = {
    "created": {"created", "deleted", "updated", "scaled", "cordoned", "selector"},
    "deleted": {"created", "deleted", "updated", "scaled", "selector"},
    "updated": {"created", "deleted", "updated", "scaled", "selector"},
    "scaled": {"scaled"},
    "cordoned": {"cordoned"},
    "selector": {"selector"},
}


@dataclass(frozen=True)
class Change:
    """One change to make: ``op`` is created, deleted, updated, scaled, cordoned or selector.

    ``snapshot``: the object as it was (deleted, updated) or as it is created (created);
    ``previous``: the value a one-value change replaces (a replica count, ``unschedulable``,
    a selector). ``kind.kind`` must be a kind of ``chaos.records.kinds.RECORDED_KINDS``.
    """

    kind: ObjectKind
    name: str
    namespace: str | None
    op: str
    snapshot: dict[str, Any] = field(default_factory=dict)
    previous: Any = None
    doing: str | None = None  # what was done, for its Event (default: "<op> <label>")

    @property
    def label(self) -> str:
        where = f"{self.namespace}/" if self.kind.namespaced and self.namespace else ""
        return f"{self.kind.kind} {where}{self.name}"

    @property
    def scope(self) -> str:
        return (self.namespace or "") if self.kind.namespaced else ""

    def injected(self, ctx: RunContext) -> None:
        """The Event on the object once the change is made."""
        doing = self.doing or f"{self.op} {self.label}"
        ctx.event(self.kind.kind, self.name, self.scope, "ChaosInjected", doing)


def snapshot(ctx: RunContext, kind: ObjectKind, name: str, ns: str | None) -> dict[str, Any]:
    """The object as it stands, cleaned for re-creation; ``ActivityFailed`` if it is missing."""
    from chaos.drivers.snapshots import snapshot_of

    try:
        live = ctx.driver().read_object(kind, name, ns if kind.namespaced else None)
    except NotFound as exc:
        raise ActivityFailed(str(exc)) from None
    return snapshot_of(live, kind.api_version, kind.kind)


def _covering(ctx: RunContext, made: Change) -> RecordedObject | None:
    for entry in ctx.undoable:
        if (
            entry.state.needs_restore
            and entry.kind == made.kind.kind
            and entry.name == made.name
            and entry.namespace == made.scope
            and made.op in _COVERS[entry.op.value]
        ):
            return entry
    return None


def change(ctx: RunContext, made: Change, apply: Callable[[], T]) -> T:
    """Write what undoes ``made`` ahead (fsynced), then ``apply`` it.

    Refused (a ``DriverError`` other than ``OutcomeUnknown``): the entry is closed as
    untouched. No answer: the entry stays open, the undo will see. A first stopping signal
    during ``apply`` is raised once the entry is marked (``chaos.signalstate``).
    """
    from chaos.records.model import ObjectState, Op, RecordedObject
    from chaos.records.writer import RecordError

    if _covering(ctx, made) is not None:
        result = apply()
        made.injected(ctx)
        return result
    deleting = made.op == "deleted"
    entry = RecordedObject(
        kind=made.kind.kind,
        name=made.name,
        namespace=made.scope,
        manifest=made.snapshot,
        state=ObjectState.DELETING if deleting else ObjectState.CHANGING,
        op=Op(made.op),
        previous=made.previous,
    )
    try:
        ctx.write_ahead(entry)
    except RecordError as exc:
        raise ActivityFailed(f"{exc}, so {made.label} was not {made.op}") from None
    # A signal waits for the answer: the call abandoned, the undo could reach the server
    # first and the change land after it.
    with deferred():
        try:
            result = apply()
        except OutcomeUnknown:
            raise
        except DriverError as exc:
            ctx.mark(entry, ObjectState.UNTOUCHED, str(exc))
            ctx.undoable.remove(entry)
            raise
        ctx.mark(entry, ObjectState.DELETED if deleting else ObjectState.CHANGED)
        made.injected(ctx)
    return result


def create_resolving(
    driver: Driver, kind: ObjectKind, body: dict[str, Any], scope: str | None
) -> dict[str, Any]:
    """Create ``body``. When an attempt's answer was lost (``OutcomeUnknown``), what stands
    under its name decides: one holding all it says is ours (returned); another is someone else's
    (``Conflict``); none, or none to be read, leaves the outcome unknown (raised again)."""
    from chaos.drivers.snapshots import made_from

    try:
        return driver.create_object(kind, body, scope)
    except OutcomeUnknown as unknown:
        name = str((body.get("metadata") or {}).get("name", ""))
        try:
            live = driver.read_object(kind, name, scope)
        except DriverError:
            raise unknown from None
        if made_from(live, body):
            return live
        raise Conflict(f"{kind.kind} {name!r} already exists with another content") from None


def undo_all(ctx: RunContext, select: Callable[[RecordedObject], bool] | None = None) -> list[str]:
    """Undo this run's open changes (those ``select`` keeps), newest first: chaosrun's own
    rollback. One line per change undone; ``ActivityFailed`` naming those that were not."""
    from chaos.records.model import ObjectState
    from chaos.records.undo import reverted, undo

    done: list[str] = []
    failed: list[str] = []
    for entry in reversed(ctx.undoable):
        if not entry.state.needs_restore or (select is not None and not select(entry)):
            continue
        if ctx.dry_run:
            ctx.notice(f"Dry run: would undo the {entry.op.value} change of {entry.label}")
            continue
        try:
            outcome = undo(ctx.driver(), entry)
        except DriverError as exc:
            failed.append(f"{entry.label} ({exc})")
            continue
        ctx.mark(entry, ObjectState.RESTORED, f"{outcome.value} by the run's rollback")
        ctx.event(
            entry.kind, entry.name, entry.namespace, "ChaosReverted", reverted(entry, outcome.value)
        )
        done.append(f"{entry.label}: {outcome.value}")
        logger.info("Undone: the %s change of %s (%s)", entry.op.value, entry.label, outcome.value)
    if failed:
        raise ActivityFailed("could not undo " + "; ".join(failed))
    return done


def settle(ctx: RunContext) -> None:
    """At the end of a run: close the open changes whose objects are already as they were
    (a rollback of the file put them back). Errors leave them open, for ``chaosrun restore``."""
    from chaos.records.model import ObjectState
    from chaos.records.undo import is_undone

    for entry in ctx.undoable:
        if not entry.state.needs_restore:
            continue
        try:
            back = is_undone(ctx.driver(), entry)
        except DriverError as exc:
            logger.warning("Could not read %s back: %s", entry.label, exc)
            continue
        if back:
            ctx.mark(entry, ObjectState.RESTORED, "already as before at the end of the run")


def undo_changes(ctx: RunContext) -> list[str]:
    """``chaosrun.changes.undo_changes``: a rollback that undoes every change this run made
    and has not undone yet (the rollback of ``chaosrun scale``)."""
    done = undo_all(ctx)
    if not done and not ctx.dry_run:
        ctx.notice("Nothing to undo: every change of this run is already undone")
    return done
