"""The run record of one run: opened on its first destructive change, closed when all is back."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

from chaos.defaults import SYSTEM_NAMESPACES
from chaos.drivers.factory import TargetRef
from chaos.errors import RunFailure
from chaos.records.model import ObjectState, RecordedObject, RunRecord, now_iso
from chaos.records.seal import RecordMirror, SealedMirror, mirror_namespace
from chaos.records.store import RecordStore, new_record_id

logger = logging.getLogger("chaosrun")


class RecordError(RunFailure):
    """The run record could not be written, so the destructive change was not made."""


class RecordWriter:
    def __init__(
        self,
        store: RecordStore,
        target: Callable[[], TargetRef],
        *,
        experiment: str = "",
        journal_path: str | None = None,
        mirror: RecordMirror | None = None,
    ) -> None:
        self.store = store
        self.target = target
        self.experiment = experiment
        self.journal_path = journal_path
        self.mirror = SealedMirror(mirror) if mirror is not None else None
        self.record: RunRecord | None = None
        self._lock_fd: int | None = None
        self._lock = threading.Lock()  # background activities may delete concurrently

    def _open(self) -> RunRecord:
        if self.record is None:
            record = RunRecord(
                id=new_record_id(),
                target=self.target(),
                experiment=self.experiment,
                journal_path=self.journal_path,
                pid=os.getpid(),
                host=socket.gethostname(),
            )
            self._lock_fd = self.store.hold(record.id)
            self.record = record
        return self.record

    def _save(self, *, strict: bool) -> None:
        assert self.record is not None
        try:
            self.store.save(self.record)
        except OSError as exc:
            if strict:
                raise RecordError(
                    f"cannot write the run record to {self.store.path(self.record.id)}: "
                    f"{exc.strerror or exc}"
                ) from None
            logger.error("Could not update the run record: %s", exc.strerror or exc)
        if self.mirror is not None:
            try:
                self.mirror.save(self.record)
            except Exception as exc:
                if strict:
                    raise RecordError(f"cannot keep the run record in the cluster: {exc}") from None
                logger.error("Could not update the run record in the cluster: %s", exc)

    def before_delete(
        self,
        kind: str,
        name: str,
        namespace: str,
        manifest: dict[str, Any],
        state: ObjectState = ObjectState.DELETING,
    ) -> RecordedObject:
        """Write the snapshot ahead of the delete (or, with ``state`` CHANGING, of another
        change); raise ``RecordError`` if it is not kept."""
        return self.write_ahead(
            RecordedObject(
                kind=kind, name=name, namespace=namespace, manifest=manifest, state=state
            )
        )

    def write_ahead(self, entry: RecordedObject) -> RecordedObject:
        """Keep ``entry`` (what undoes the change it describes) before the change is made;
        raise ``RecordError`` if it is not kept, and then the change must not be made."""
        with self._lock:
            record = self._open()
            self._check_mirrored(record, entry.kind, entry.name, entry.namespace)
            record.objects.append(entry)
            try:
                self._save(strict=True)
            except RecordError:
                record.objects.remove(entry)
                raise
            return entry

    def _check_mirrored(self, record: RunRecord, kind: str, name: str, namespace: str) -> None:
        """A record kept in the cluster holds only its own namespace's objects (and
        cluster-scoped ones), never a system namespace's: ``chaosrun restore`` would refuse
        it, so the change is not made."""
        if self.mirror is None or not namespace:
            return
        if namespace in SYSTEM_NAMESPACES:
            raise RecordError(
                "a run record kept in the cluster cannot hold a change in the system namespace "
                f"{namespace!r}"
            )
        own = mirror_namespace(record) if any(o.namespace for o in record.objects) else namespace
        if namespace != own:
            raise RecordError(
                f"a run record kept in the cluster holds the changes of one namespace ({own!r}), "
                f"not {kind} {namespace}/{name}"
            )

    def mark(self, entry: RecordedObject, state: ObjectState, note: str | None = None) -> None:
        with self._lock:
            entry.state = state
            entry.changed = now_iso()
            entry.note = note
            self._save(strict=False)

    def finish(self, outcome: str | None) -> RunRecord | None:
        """Note how the run ended; the record is done when nothing is left to put back."""
        with self._lock:
            record = self.record
            if record is None or self._lock_fd is None:
                return record
            record.outcome = outcome
            record.done = not record.pending()
            self._save(strict=False)
            if record.done and self.mirror is not None:
                try:
                    self.mirror.discard(record)
                except Exception as exc:
                    logger.warning("Could not remove the run record from the cluster: %s", exc)
            self.store.release(record.id, self._lock_fd, finished=record.done)
            self._lock_fd = None
            if record.done:
                self.store.prune()
            return record
