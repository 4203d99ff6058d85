"""The run record of one run: opened on its first destructive change, closed when all is back."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from chaos.drivers.factory import TargetRef
from chaos.errors import RunFailure
from chaos.records.model import ObjectState, RecordedObject, RunRecord, now_iso
from chaos.records.store import RecordStore, new_record_id, record_text

logger = logging.getLogger("chaosrun")


class RecordError(RunFailure):
    """The run record could not be written, so the destructive change was not made."""


@runtime_checkable
class RecordMirror(Protocol):
    """A copy of the record kept in the target itself (a ConfigMap on Kubernetes), so that a
    runner that died with its disk can be recovered from another machine."""

    def save_record(self, record_id: str, namespace: str, text: str) -> None: ...

    def discard_record(self, record_id: str, namespace: str) -> None: ...

    def list_records(self, namespace: str) -> list[str]: ...


def mirror_namespace(record: RunRecord) -> str:
    """Kept beside what the run changed: the RBAC that allowed the chaos covers it."""
    return record.objects[0].namespace if record.objects else "default"


def mirror_save(mirror: RecordMirror, record: RunRecord) -> None:
    mirror.save_record(record.id, mirror_namespace(record), record_text(record))


def mirror_discard(mirror: RecordMirror, record: RunRecord) -> None:
    mirror.discard_record(record.id, mirror_namespace(record))


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
        self.mirror = mirror
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
                mirror_save(self.mirror, self.record)
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
        with self._lock:
            record = self._open()
            entry = RecordedObject(
                kind=kind, name=name, namespace=namespace, manifest=manifest, state=state
            )
            record.objects.append(entry)
            self._save(strict=True)
            return entry

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
                    mirror_discard(self.mirror, record)
                except Exception as exc:
                    logger.warning("Could not remove the run record from the cluster: %s", exc)
            self.store.release(record.id, self._lock_fd, finished=record.done)
            self._lock_fd = None
            if record.done:
                self.store.prune()
            return record
