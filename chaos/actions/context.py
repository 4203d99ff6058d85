"""What chaosrun's own (chaosk8s-compatible) functions receive besides their arguments."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chaos.actions.blast import BlastLimits, PolicyReader, Workload
from chaos.defaults import SYSTEM_NAMESPACES

if TYPE_CHECKING:  # not imported at run time: validating a file needs none of them
    from chaos.drivers.base import DeploymentSnapshot, Driver
    from chaos.records.model import ObjectState, RecordedObject
    from chaos.records.writer import RecordWriter

logger = logging.getLogger("chaosrun")


def system_namespace_refusal(namespace: str, allowed: bool) -> str | None:
    """Why chaos may not touch ``namespace`` (one sentence), or None when it may."""
    if namespace in SYSTEM_NAMESPACES and not allowed:
        return (
            f"refusing to run chaos in the system namespace '{namespace}' "
            "(pass --allow-system-namespaces if you really mean it)"
        )
    return None


@dataclass
class TakenSnapshot:
    snapshot: DeploymentSnapshot
    deleted_at: float  # time.monotonic() when the delete was sent
    restored: bool = False
    entry: RecordedObject | None = None  # its line in the run record, if the run keeps one


@dataclass
class MadeChange:
    """A change that is not a delete (a fault injected into a Service), for its rollback."""

    kind: str
    name: str
    namespace: str
    made_at: float  # time.monotonic() when it was sent
    entry: RecordedObject | None = None
    reverted: bool = False
    undo: object = None  # what the rollback needs beyond the kind and the name, if anything


@dataclass
class RunContext:
    """Per-run state shared by the native functions.

    The driver is built by ``driver_factory`` the first time a function needs it, so
    experiments that only use ``http``/``process`` providers never import a client library.
    ``record`` ends up in the journal under the ``chaosrun`` key (seed, snapshots, restores).
    """

    driver_factory: Callable[[], Driver] | None = None
    dry_run: bool = False
    seed: int | None = None
    allow_system_namespaces: bool = False
    # Changes that cannot be undone (a deleted Namespace) may be made, and are journalled.
    allow_irreversible: bool = False
    namespace: str | None = None  # default ``ns`` for functions whose arguments omit it
    record: dict[str, Any] = field(default_factory=dict)
    snapshots: list[TakenSnapshot] = field(default_factory=list)
    changes: list[MadeChange] = field(default_factory=list)
    # Every undoable change this run made through ``chaos.actions.changes``, in order.
    undoable: list[RecordedObject] = field(default_factory=list)
    # Where snapshots are written before anything is deleted (None: kept in memory only).
    records: RecordWriter | None = None
    limits: BlastLimits = field(default_factory=BlastLimits)
    # The policies of the namespaces a change reaches only through the pods it picks.
    policy_of: PolicyReader | None = None
    # The workloads a change touched, each with the limits whose ``min-healthy`` it keeps.
    floors: list[tuple[Workload, BlastLimits]] = field(default_factory=list)
    # Polled while the method runs: each returns why the run must stop now, or None.
    stop_checks: list[Callable[[], str | None]] = field(default_factory=list)
    # Writes a Kubernetes Event: (kind, name, namespace, reason, what was done).
    on_event: Callable[[str, str, str, str, str], None] | None = None
    # A preview before any change (the engine's blast-radius check): dry, and says nothing.
    quiet: bool = False
    _driver: Driver | None = None
    _rng: random.Random | None = None
    # Background activities run in threads: the driver and the random source are made once.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def driver(self) -> Driver:
        with self._lock:
            if self._driver is None:
                if self.driver_factory is None:
                    raise RuntimeError("this run has no target driver configured")
                self._driver = self.driver_factory()
                self.record.setdefault("target", self._driver.target)
            return self._driver

    def rng(self) -> random.Random:
        """The random source for ``rand`` selections; its seed is recorded in the journal."""
        with self._lock:
            if self._rng is None:
                if self.seed is None:
                    self.seed = random.SystemRandom().randrange(2**32)
                self.record["seed"] = self.seed
                self._rng = random.Random(self.seed)
            return self._rng

    def notice(self, message: str) -> None:
        if not self.quiet:
            logger.info(message)

    def event(self, kind: str, name: str, namespace: str, reason: str, doing: str) -> None:
        """An Event on the object touched (ChaosInjected, ChaosReverted...), when the target
        keeps them; never in a dry run (a refusal in the check before the run excepted)."""
        if self.on_event is None or (self.dry_run and reason != "ChaosRefused"):
            return
        self.on_event(kind, name, namespace, reason, doing)

    def watch(self, workload: Workload, limits: BlastLimits | None = None) -> None:
        """After a change: ``workload``'s Ready pods are watched while the run lasts, against
        the floor of ``limits`` (the run's own when not given)."""
        limits = self.limits if limits is None else limits
        if limits.min_healthy is not None and not self.dry_run:
            with self._lock:
                if all(workload != watched for watched, _ in self.floors):
                    self.floors.append((workload, limits))

    def announce_dry_run(self, action: str, ns: str, names: list[str]) -> bool:
        """In a dry run, say ``Dry run: would <action> <ns>/<name>`` for each name and return
        True (the caller then touches nothing); otherwise return False."""
        if self.dry_run:
            for name in names:
                self.notice(f"Dry run: would {action} {ns}/{name}")
        return self.dry_run

    def before_delete(self, snapshot: DeploymentSnapshot) -> RecordedObject | None:
        """Write the snapshot to the run record ahead of the delete (``RecordError`` if the
        record cannot be written: then nothing may be deleted)."""
        if self.records is None:
            return None
        entry = self.records.before_delete(
            "Deployment", snapshot.name, snapshot.namespace, snapshot.manifest
        )
        assert self.records.record is not None
        self.record["run_record"] = str(self.records.store.path(self.records.record.id))
        return entry

    def before_change(
        self, kind: str, name: str, namespace: str, manifest: dict[str, Any]
    ) -> RecordedObject | None:
        """Write a change that is not a delete (what undoes it in ``manifest``) to the run
        record before it is made (``RecordError`` if it cannot be written)."""
        if self.records is None:
            return None
        from chaos.records.model import ObjectState

        entry = self.records.before_delete(
            kind, name, namespace, manifest, state=ObjectState.CHANGING
        )
        assert self.records.record is not None
        self.record["run_record"] = str(self.records.store.path(self.records.record.id))
        return entry

    def write_ahead(self, entry: RecordedObject) -> RecordedObject:
        """Keep ``entry`` in the run record before its change is made (``RecordError`` if it
        cannot be written: then the change may not be made) and among this run's changes."""
        if self.records is not None:
            self.records.write_ahead(entry)
            assert self.records.record is not None
            self.record["run_record"] = str(self.records.store.path(self.records.record.id))
        self.undoable.append(entry)
        return entry

    def irreversible(self, what: str) -> None:
        """A change that cannot be undone is about to be made: said, and in the journal."""
        logger.warning("Irreversible (allowed by --allow-irreversible): %s", what)
        self.record.setdefault("irreversible", []).append(what)

    def mark(
        self, entry: RecordedObject | None, state: ObjectState, note: str | None = None
    ) -> None:
        if entry is None:
            return
        if self.records is not None:
            self.records.mark(entry, state, note)
        else:  # no record kept (a dry run, a test): the entry still says what is open
            entry.state, entry.note = state, note

    def pending_changes(self, kind: str, name: str, namespace: str) -> list[MadeChange]:
        """This run's changes of ``kind`` to ``namespace/name`` not reverted yet."""
        return [
            c
            for c in self.changes
            if not c.reverted and c.kind == kind and c.name == name and c.namespace == namespace
        ]

    def forget_snapshot(self, taken: TakenSnapshot, why: str) -> None:
        """The delete was refused: the Deployment stands, there is nothing to restore."""
        self.snapshots.remove(taken)
        kept = self.record.get("snapshots", [])
        kept[:] = [s for s in kept if s["manifest"] is not taken.snapshot.manifest]
        if not kept:
            self.record.pop("snapshots", None)
        from chaos.records.model import ObjectState

        self.mark(taken.entry, ObjectState.UNTOUCHED, why)

    def remember_snapshot(
        self, snapshot: DeploymentSnapshot, entry: RecordedObject | None = None
    ) -> TakenSnapshot:
        """The Deployment may be gone: its snapshot becomes what the rollback restores."""
        taken = TakenSnapshot(snapshot=snapshot, deleted_at=time.monotonic(), entry=entry)
        self.snapshots.append(taken)
        self.record.setdefault("snapshots", []).append(
            {"name": snapshot.name, "namespace": snapshot.namespace, "manifest": snapshot.manifest}
        )
        return taken
