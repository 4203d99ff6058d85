"""What a run record holds: the objects a run changed, each with its snapshot and its state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from chaos.drivers.factory import TargetRef

RECORD_KIND = "chaosrun-run-record"


class ObjectState(StrEnum):
    # Written before the destructive call is sent: from here on the object may be gone.
    DELETING = "deleting"
    DELETED = "deleted"
    # The delete was refused outright: the object still stands, nothing to put back.
    UNTOUCHED = "untouched"
    RESTORED = "restored"
    # A change that is not a delete (a fault injected into a service), written before it is
    # sent and kept until it is reverted.
    CHANGING = "changing"
    CHANGED = "changed"

    @property
    def needs_restore(self) -> bool:
        return self in (
            ObjectState.DELETING,
            ObjectState.DELETED,
            ObjectState.CHANGING,
            ObjectState.CHANGED,
        )


class Op(StrEnum):
    """What a run did to an object, and so what undoes it."""

    CREATED = "created"  # undone by deleting it
    DELETED = "deleted"  # re-created from its snapshot
    UPDATED = "updated"  # put back as its snapshot (patched or replaced)
    SCALED = "scaled"  # ``previous``: the replica count it had
    CORDONED = "cordoned"  # ``previous``: the Node's ``spec.unschedulable`` before
    SELECTOR = "selector"  # ``previous``: the Service's ``spec.selector`` before


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class RecordedObject:
    kind: str
    name: str
    namespace: str
    manifest: dict[str, Any]
    state: ObjectState = ObjectState.DELETING
    changed: str = field(default_factory=now_iso)
    note: str | None = None
    # A Deployment deleted by ``delete_deployment`` (the first kind recorded) is "deleted".
    op: Op = Op.DELETED
    # The value ``op`` changed, for the ops that change one value (SCALED, CORDONED, SELECTOR).
    previous: Any = None

    @property
    def label(self) -> str:
        if not self.namespace:  # a cluster-scoped object (a Node, a Namespace)
            return f"{self.kind} {self.name}"
        return f"{self.kind} {self.namespace}/{self.name}"


@dataclass
class RunRecord:
    id: str
    target: TargetRef
    experiment: str
    journal_path: str | None
    pid: int
    host: str
    started: str = field(default_factory=now_iso)
    updated: str = field(default_factory=now_iso)
    done: bool = False
    outcome: str | None = None  # the run's status once it ended; None: it never got there
    objects: list[RecordedObject] = field(default_factory=list)

    def pending(self) -> list[RecordedObject]:
        """The objects still to be put back."""
        return [o for o in self.objects if o.state.needs_restore]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": RECORD_KIND,
            "id": self.id,
            "target": self.target.to_dict(),
            "experiment": self.experiment,
            "journal_path": self.journal_path,
            "pid": self.pid,
            "host": self.host,
            "started": self.started,
            "updated": self.updated,
            "done": self.done,
            "outcome": self.outcome,
            "objects": [
                {
                    "kind": o.kind,
                    "name": o.name,
                    "namespace": o.namespace,
                    "state": o.state.value,
                    "changed": o.changed,
                    "note": o.note,
                    "op": o.op.value,
                    "previous": o.previous,
                    "manifest": o.manifest,
                }
                for o in self.objects
            ],
        }

    @classmethod
    def from_dict(cls, data: Any) -> RunRecord:
        """Raise ``ValueError`` when ``data`` is not a run record."""
        if not isinstance(data, dict) or data.get("kind") != RECORD_KIND:
            raise ValueError("not a chaosrun run record")
        try:
            return cls(
                id=str(data["id"]),
                target=TargetRef.from_dict(data.get("target") or {}),
                experiment=str(data.get("experiment") or ""),
                journal_path=data.get("journal_path"),
                pid=int(data.get("pid") or 0),
                host=str(data.get("host") or ""),
                started=str(data.get("started") or ""),
                updated=str(data.get("updated") or ""),
                done=bool(data.get("done")),
                outcome=data.get("outcome"),
                objects=[
                    RecordedObject(
                        kind=str(o["kind"]),
                        name=str(o["name"]),
                        namespace=str(o["namespace"]),
                        manifest=dict(o["manifest"]),
                        state=ObjectState(o["state"]),
                        changed=str(o.get("changed") or ""),
                        note=o.get("note"),
                        op=Op(o.get("op") or Op.DELETED),
                        previous=o.get("previous"),
                    )
                    for o in data.get("objects") or []
                ],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed run record ({exc})") from None
