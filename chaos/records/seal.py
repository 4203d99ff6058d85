"""Seals on the run records kept in a cluster.

Whoever may edit ConfigMaps in a namespace may edit a record kept there, and ``chaosrun
restore`` creates what a record says. So each record is sealed: an HMAC-SHA256 over its
namespace and its exact text, with a random 32-byte key that the target keeps apart from the
records (on Kubernetes a Secret, readable by name only). A record whose seal is missing or does
not match, or whose key cannot be read, is reported and never acted on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Protocol, runtime_checkable

from chaos.drivers.base import DriverError, KeptRecord
from chaos.records.kinds import in_cluster_refusal
from chaos.records.model import RunRecord
from chaos.records.store import record_text

SCHEME = "hmac-sha256"
KEY_BYTES = 32


@runtime_checkable
class RecordMirror(Protocol):
    """A copy of the record kept in the target itself (a ConfigMap on Kubernetes), so that a
    runner that died with its disk can be recovered from another machine."""

    def save_record(
        self, record_id: str, namespace: str, text: str, seal: str, sensitive: bool = False
    ) -> None:
        """Keep the record; ``sensitive`` (it holds a Secret's snapshot): in a Secret, never
        where whoever may read ConfigMaps reads it."""

    def discard_record(self, record_id: str, namespace: str, sensitive: bool = False) -> None: ...

    def list_records(self, namespace: str) -> list[KeptRecord]: ...

    def records_key(self, namespace: str, new_key: bytes | None = None) -> bytes:
        """The key of the seals in ``namespace``; a missing one is created as ``new_key``
        when given, else ``NotFound``."""


def seal(key: bytes, namespace: str, text: str) -> str:
    message = namespace.encode() + b"\n" + text.encode()
    return f"{SCHEME}:{hmac.new(key, message, hashlib.sha256).hexdigest()}"


def seal_matches(key: bytes, namespace: str, text: str, stated: str) -> bool:
    return hmac.compare_digest(seal(key, namespace, text).encode(), stated.encode())


def holds_secret(record: RunRecord) -> bool:
    """The record holds a Secret's values (a snapshot of one deleted or changed)."""
    return any(
        o.kind == "Secret" and (o.manifest.get("data") or o.manifest.get("stringData"))
        for o in record.objects
    )


def mirror_namespace(record: RunRecord) -> str:
    """Kept beside what the run changed: the RBAC that allowed the chaos covers it (a
    cluster-scoped object, a Node, has no namespace)."""
    return next((o.namespace for o in record.objects if o.namespace), "default")


class SealedMirror:
    """Writes a run's record to its mirror sealed, with the namespace's key (made if none)."""

    def __init__(self, mirror: RecordMirror) -> None:
        self.mirror = mirror
        self._keys: dict[str, bytes] = {}

    def _key(self, namespace: str) -> bytes:
        if namespace not in self._keys:
            made = secrets.token_bytes(KEY_BYTES)
            self._keys[namespace] = self.mirror.records_key(namespace, new_key=made)
        return self._keys[namespace]

    def save(self, record: RunRecord) -> None:
        namespace = mirror_namespace(record)
        text = record_text(record)
        stamp = seal(self._key(namespace), namespace, text)
        self.mirror.save_record(record.id, namespace, text, stamp, sensitive=holds_secret(record))

    def discard(self, record: RunRecord) -> None:
        self.mirror.discard_record(record.id, mirror_namespace(record), holds_secret(record))


def _refusal(kept: KeptRecord, key: bytes | str) -> tuple[RunRecord | None, str | None]:
    """The record ``kept`` holds, or why it is not to be acted on."""
    if kept.seal is None:
        return None, "it carries no seal"
    if isinstance(key, str):
        return None, f"its seal cannot be checked ({key})"
    if len(key) < KEY_BYTES:
        return None, f"the key of its seal is shorter than {KEY_BYTES} bytes"
    if not seal_matches(key, kept.namespace, kept.text, kept.seal):
        return None, (
            "its seal does not match its content (it was changed after chaosrun wrote it, "
            "or sealed with another key)"
        )
    try:
        record = RunRecord.from_dict(json.loads(kept.text))
    except ValueError as exc:
        return None, f"it is not readable ({exc})"
    return record, in_cluster_refusal(record, kept.namespace)


def read_sealed(mirror: RecordMirror, namespace: str) -> tuple[list[RunRecord], list[str]]:
    """The records kept in ``namespace`` that are sealed, intact and stay in their namespace,
    and one sentence for each of the others (which are then not acted on)."""
    kept = mirror.list_records(namespace)
    if not kept:
        return [], []
    key: bytes | str
    try:
        key = mirror.records_key(namespace)
    except DriverError as exc:
        key = str(exc)
    records: list[RunRecord] = []
    refusals: list[str] = []
    for each in kept:
        record, why = _refusal(each, key)
        if why is not None:
            refusals.append(
                f"run record {each.name!r} in namespace {each.namespace!r} was not acted on: {why}"
            )
        elif record is not None:
            records.append(record)
    return records, refusals
