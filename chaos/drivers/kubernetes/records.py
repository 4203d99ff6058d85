"""Run records as ConfigMaps, so a runner that died with its disk can be recovered elsewhere.

The driver stores a record's text and its seal under its id, and keeps the key of the seals in
a Secret; what a record holds and how it is sealed is ``chaos.records``'.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from typing import Any
from urllib.parse import quote

from kubernetes import client

from chaos.drivers.base import DriverError, KeptRecord, NotFound
from chaos.drivers.kubernetes.transport import CORE, ApiCalls

RECORD_KEY = "record.json"
SEAL_KEY = "seal"
# The key of the records' seals: one Secret per namespace, made by the first run that keeps a
# record there, read by name only (the runner's Role names it in resourceNames).
KEY_SECRET = "chaosrun-records-key"
KEY_FIELD = "key"
MANAGED_BY = "app.kubernetes.io/managed-by"
RECORD_LABEL = "chaosrun.io/run-record"
RECORD_SELECTOR = f"{MANAGED_BY}=chaosrun,{RECORD_LABEL}=true"


def record_configmap_name(record_id: str) -> str:
    return f"chaosrun-run-{record_id.lower()}"


def record_configmap(record_id: str, namespace: str, text: str, seal: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": record_configmap_name(record_id),
            "namespace": namespace,
            "labels": {MANAGED_BY: "chaosrun", RECORD_LABEL: "true"},
        },
        "data": {RECORD_KEY: text, SEAL_KEY: seal},
    }


def key_secret(namespace: str, key: bytes) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "immutable": True,
        "metadata": {
            "name": KEY_SECRET,
            "namespace": namespace,
            "labels": {MANAGED_BY: "chaosrun"},
        },
        "data": {KEY_FIELD: base64.b64encode(key).decode("ascii")},
    }


class RecordConfigMaps(ApiCalls):
    """The ``RecordMirror`` of a Kubernetes target: run records as ConfigMaps."""

    def save_record(
        self, record_id: str, namespace: str, text: str, seal: str, sensitive: bool = False
    ) -> None:
        name = record_configmap_name(record_id)
        body = record_configmap(record_id, namespace, text, seal)
        plural = "secrets" if sensitive else "configmaps"
        if sensitive:
            body = _as_secret(body)
        path = f"{CORE}/namespaces/{quote(namespace)}/{plural}"
        doing = f"keep the run record in {body['kind']} {name!r} in namespace {namespace!r}"

        def put() -> Any:
            try:
                return self.send("PUT", f"{path}/{quote(name)}", body=body)
            except client.ApiException as exc:
                if exc.status != 404:
                    raise
            return self.send("POST", path, body=body)

        self.call(doing, None, put)
        if sensitive:  # kept as a ConfigMap before it held a Secret's values: not any more
            self._discard(record_id, namespace, "configmaps")

    def discard_record(self, record_id: str, namespace: str, sensitive: bool = False) -> None:
        self._discard(record_id, namespace, "secrets" if sensitive else "configmaps")

    def _discard(self, record_id: str, namespace: str, plural: str) -> None:
        name = record_configmap_name(record_id)
        path = f"{CORE}/namespaces/{quote(namespace)}/{plural}/{quote(name)}"
        with contextlib.suppress(NotFound):
            self.delete_resolving(
                f"delete {plural} {name!r} in namespace {namespace!r}",
                f"{name!r} not found in namespace {namespace!r}",
                lambda: self.send("DELETE", path),
                lambda: self.present(path),
            )

    def list_records(self, namespace: str) -> list[KeptRecord]:
        """The run records kept in ``namespace``, each with its seal: in ConfigMaps, and in
        Secrets those that hold a Secret's values (skipped when Secrets may not be listed)."""
        kept = self._kept(namespace, "configmaps")
        with contextlib.suppress(DriverError):
            kept += [_decoded(k) for k in self._kept(namespace, "secrets")]
        return kept

    def _kept(self, namespace: str, plural: str) -> list[KeptRecord]:
        listing = self.call(
            f"list {plural} in namespace {namespace!r}",
            None,
            lambda: self.send(
                "GET",
                f"{CORE}/namespaces/{quote(namespace)}/{plural}",
                query={"labelSelector": RECORD_SELECTOR},
            ),
        )
        kept = []
        for item in listing.get("items", []):
            data = item.get("data") or {}
            if RECORD_KEY not in data:
                continue
            seal = data.get(SEAL_KEY)
            kept.append(
                KeptRecord(
                    name=str(item.get("metadata", {}).get("name", "")),
                    namespace=namespace,
                    text=str(data[RECORD_KEY]),
                    seal=str(seal) if seal is not None else None,
                )
            )
        return kept

    def records_key(self, namespace: str, new_key: bytes | None = None) -> bytes:
        """The key of the seals in ``namespace``. A missing one is created as ``new_key`` when
        given (a key another run created first wins), else ``NotFound``."""
        path = f"{CORE}/namespaces/{quote(namespace)}/secrets"
        doing = f"read Secret {KEY_SECRET!r} in namespace {namespace!r}"
        missing = (
            f"Secret {KEY_SECRET!r} in namespace {namespace!r}, which holds the key of the run "
            "records' seals, does not exist"
        )
        for _ in range(3):  # read, create, read what won; more means it keeps vanishing
            try:
                secret = self.call(doing, missing, lambda: self.send("GET", f"{path}/{KEY_SECRET}"))
                return _key_of(secret, namespace)
            except NotFound:
                if new_key is None:
                    raise

            def create() -> bool:
                try:
                    self.send("POST", path, body=key_secret(namespace, new_key))
                except client.ApiException as exc:
                    if exc.status == 409:  # another run made it meanwhile: read theirs
                        return False
                    raise
                return True

            if self.call(f"create Secret {KEY_SECRET!r} in namespace {namespace!r}", None, create):
                return new_key
        raise DriverError(f"Secret {KEY_SECRET!r} in namespace {namespace!r} keeps vanishing")


def _as_secret(configmap: dict[str, Any]) -> dict[str, Any]:
    data = {k: base64.b64encode(v.encode()).decode("ascii") for k, v in configmap["data"].items()}
    return {**configmap, "kind": "Secret", "type": "Opaque", "data": data}


def _decoded(kept: KeptRecord) -> KeptRecord:
    """A record kept in a Secret: its data is base64."""
    try:
        text = base64.b64decode(kept.text, validate=True).decode("utf-8")
        seal = base64.b64decode(kept.seal, validate=True).decode() if kept.seal else None
    except (binascii.Error, UnicodeDecodeError):
        return KeptRecord(kept.name, kept.namespace, kept.text, None)
    return KeptRecord(kept.name, kept.namespace, text, seal)


def _key_of(secret: dict[str, Any], namespace: str) -> bytes:
    try:
        return base64.b64decode((secret.get("data") or {})[KEY_FIELD], validate=True)
    except (KeyError, TypeError, binascii.Error):
        raise DriverError(
            f"Secret {KEY_SECRET!r} in namespace {namespace!r} holds no key in {KEY_FIELD!r}"
        ) from None
