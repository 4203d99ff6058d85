"""Undoing what interrupted runs left changed, from their run records (``chaosrun restore``).

Idempotent: an object that is already as its record says it was counts as restored; a deleted
one whose name another object with another spec took is reported and left alone unless
``force`` replaces it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from chaos.actions.backend import FAULT_KIND, end_fault
from chaos.actions.errors import ActivityFailed
from chaos.actions.service import PROXY_KIND, UNFRONTED, plan_of, undo_proxy
from chaos.drivers.base import (
    Conflict,
    DeploymentSnapshot,
    Driver,
    DriverError,
    RestoreOutcome,
    TargetUnreachable,
)
from chaos.drivers.factory import Target, TargetRef
from chaos.engine.kube_events import EventSink
from chaos.records.kinds import DEPLOYMENT, describe, unknown_kind
from chaos.records.model import ObjectState, Op, RecordedObject, RunRecord
from chaos.records.seal import RecordMirror, SealedMirror
from chaos.records.store import RecordStore
from chaos.records.undo import Undone, reverted, undo

# The run records kept in a cluster that passed their checks, and a sentence for each other.
ClusterRecords = Callable[[], tuple[list[RunRecord], list[str]]]


class Verdict(StrEnum):
    RESTORED = "restored"
    ALREADY_PRESENT = "already present"
    REPLACED = "replaced"
    WOULD_RESTORE = "would restore"
    CONFLICT = "conflict"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    IN_PROGRESS = "in progress"
    DECLINED = "left alone, not confirmed"

    @property
    def ok(self) -> bool:
        return self in (
            Verdict.RESTORED,
            Verdict.ALREADY_PRESENT,
            Verdict.REPLACED,
            Verdict.WOULD_RESTORE,
        )


_VERDICTS = {
    RestoreOutcome.CREATED: Verdict.RESTORED,
    RestoreOutcome.ALREADY_PRESENT: Verdict.ALREADY_PRESENT,
    RestoreOutcome.REPLACED: Verdict.REPLACED,
}
_UNDONE = {
    Undone.UNDONE: Verdict.RESTORED,
    Undone.ALREADY: Verdict.ALREADY_PRESENT,
    Undone.REPLACED: Verdict.REPLACED,
}


@dataclass(frozen=True)
class Outcome:
    record: RunRecord
    label: str  # "Deployment default/back", or the run itself
    verdict: Verdict
    detail: str = ""


@dataclass
class Found:
    """An unfinished record and where it was found."""

    record: RunRecord
    local: bool  # in this machine's record directory
    in_cluster: bool = False

    @property
    def foreign(self) -> bool:
        """Not written on this machine: kept only in the cluster, or by another host."""
        return not self.local or self.record.host != socket.gethostname()

    def actions(self) -> list[str]:
        """What restoring it would create or change, one line per object."""
        return [describe(obj) for obj in self.record.pending()]


@dataclass
class RecoveryPlan:
    found: list[Found] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # unreadable records, unreachable lists
    # Records read but not to be acted on (unsealed, altered, out of their namespace).
    refused: list[str] = field(default_factory=list)


def gather(store: RecordStore, cluster_records: ClusterRecords | None = None) -> RecoveryPlan:
    """Unfinished records on disk and, when ``cluster_records`` is given, in the cluster."""
    plan = RecoveryPlan()
    records, plan.problems = store.unfinished()
    by_id: dict[str, Found] = {}
    for record in records:
        if problem := unknown_kind(record):
            plan.refused.append(f"run record {record.id} was not acted on: {problem}")
        else:
            by_id[record.id] = Found(record, local=True)
    if cluster_records is not None:
        try:
            kept, refused = cluster_records()
        except DriverError as exc:
            plan.problems.append(f"run records in the cluster not read: {exc}")
            kept, refused = [], []
        plan.refused += refused
        for record in kept:
            if record.done:
                continue
            if record.id in by_id:
                by_id[record.id].in_cluster = True
            else:
                by_id[record.id] = Found(record, local=False, in_cluster=True)
    plan.found = sorted(by_id.values(), key=lambda f: f.record.id)
    return plan


def _reverted(obj: RecordedObject, verdict: Verdict) -> tuple[str, str, str, str, str]:
    """The Event on the object ``chaosrun restore`` put back: kind, name, namespace, reason,
    what was done."""
    if obj.kind == FAULT_KIND:
        done = f"ended the fault in Service {obj.namespace}/{obj.name}"
    elif obj.kind == PROXY_KIND:
        done = UNFRONTED
    else:
        done = reverted(obj, verdict.value)
    kind = "Service" if obj.kind in (FAULT_KIND, PROXY_KIND) else obj.kind
    return kind, obj.name, obj.namespace, "ChaosReverted", f"{done}, by chaosrun restore"


def _snapshot(obj: RecordedObject) -> DeploymentSnapshot:
    return DeploymentSnapshot(name=obj.name, namespace=obj.namespace, manifest=obj.manifest)


@contextmanager
def _held(store: RecordStore, found: Found) -> Iterator[bool]:
    """Hold the record's lock while restoring; False when its run is still alive."""
    if not found.local:
        yield True
        return
    fd = store.hold(found.record.id, wait=False)
    if fd is None:
        yield False
        return
    try:
        yield True
    finally:
        store.release(found.record.id, fd, finished=found.record.done)


class Recovery:
    def __init__(
        self,
        store: RecordStore,
        connect: Callable[[TargetRef], Driver],
        *,
        force: bool = False,
        dry_run: bool = False,
        cluster_target: TargetRef | None = None,
    ) -> None:
        self.store = store
        self.connect = connect
        self.force = force
        self.dry_run = dry_run
        # Records found only in the cluster name no kubeconfig: they are restored through this.
        self.cluster_target = cluster_target
        self._drivers: dict[TargetRef, Driver] = {}

    def _driver(self, ref: TargetRef) -> Driver:
        if ref not in self._drivers:
            self._drivers[ref] = self.connect(ref)
        return self._drivers[ref]

    def _target(self, found: Found) -> TargetRef:
        """A record kept only in the cluster is restored into the cluster it was read from,
        never into the target it names: it may have been written by someone else."""
        if found.local:
            return found.record.target
        if self.cluster_target is None:
            raise TargetUnreachable("no cluster is configured to restore a record kept in one")
        return self.cluster_target

    def restore(self, found: Found) -> list[Outcome]:
        record = found.record
        if self.dry_run:
            return [Outcome(record, o.label, Verdict.WOULD_RESTORE) for o in record.pending()]
        with _held(self.store, found) as ours:
            if not ours:
                return [
                    Outcome(record, f"run {record.id}", Verdict.IN_PROGRESS, f"pid {record.pid}")
                ]
            try:
                driver = self._driver(self._target(found))
            except TargetUnreachable as exc:
                return [
                    Outcome(record, o.label, Verdict.UNREACHABLE, str(exc))
                    for o in record.pending()
                ]
            events = self._events(found, driver)
            outcomes = []
            for obj in record.pending():
                outcome = self._restore_object(driver, obj, record)
                if events is not None and outcome.verdict.ok:
                    events(*_reverted(obj, outcome.verdict))
                outcomes.append(outcome)
            record.done = not record.pending()
            self._save(found, driver)
        return outcomes

    def _events(self, found: Found, driver: Driver) -> EventSink | None:
        """An Event on each object put back, when the record's target is a cluster."""
        if self._target(found).kind is not Target.kubernetes:
            return None
        return EventSink(driver, {"run_id": found.record.id}, found.record.experiment)

    def _restore_object(self, driver: Driver, obj: RecordedObject, record: RunRecord) -> Outcome:
        if obj.kind == FAULT_KIND:
            return self._end_fault(driver, obj, record)
        if obj.kind == PROXY_KIND:
            return self._unfront(driver, obj, record)
        try:
            if obj.kind == DEPLOYMENT and obj.op is Op.DELETED:
                # The local target plays Deployments too: its driver re-creates them.
                verdict = _VERDICTS[driver.restore_deployment(_snapshot(obj), force=self.force)]
            else:
                verdict = _UNDONE[undo(driver, obj, force=self.force)]
        except Conflict as exc:
            return Outcome(record, obj.label, Verdict.CONFLICT, str(exc))
        except DriverError as exc:
            return Outcome(record, obj.label, Verdict.FAILED, str(exc))
        obj.state = ObjectState.RESTORED
        obj.note = f"{verdict.value} by chaosrun restore"
        return Outcome(record, obj.label, verdict)

    @staticmethod
    def _end_fault(driver: Driver, obj: RecordedObject, record: RunRecord) -> Outcome:
        """A fault injected into a Service: ask it to answer normally again (idempotent)."""
        try:
            end_fault(driver, obj.name, obj.namespace)
        except (DriverError, ActivityFailed) as exc:
            return Outcome(record, obj.label, Verdict.FAILED, str(exc))
        obj.state = ObjectState.RESTORED
        obj.note = "fault ended by chaosrun restore"
        return Outcome(record, obj.label, Verdict.RESTORED)

    @staticmethod
    def _unfront(driver: Driver, obj: RecordedObject, record: RunRecord) -> Outcome:
        """A Service behind the fault proxy: its selector back, the proxy and shadow deleted."""
        try:
            undo_proxy(driver, plan_of(obj.manifest, obj.namespace))
        except Conflict as exc:
            return Outcome(record, obj.label, Verdict.CONFLICT, str(exc))
        except DriverError as exc:
            return Outcome(record, obj.label, Verdict.FAILED, str(exc))
        obj.state = ObjectState.RESTORED
        obj.note = "fault proxy taken away by chaosrun restore"
        return Outcome(record, obj.label, Verdict.RESTORED)

    def _save(self, found: Found, driver: Driver) -> None:
        record = found.record
        if found.local:
            self.store.save(record)
        if found.in_cluster and isinstance(driver, RecordMirror):
            mirror = SealedMirror(driver)
            if record.done:
                mirror.discard(record)
            else:
                mirror.save(record)
