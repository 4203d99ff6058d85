"""The halt switch: ``chaosrun halt`` writes ConfigMap ``chaosrun-halt`` in a namespace (on
the local target, the file ``halt`` in the state directory); every run there watches it and
stops (interrupted, rolled back), and new runs are refused until ``chaosrun halt --clear``.

A run that stops for a halt adds its id to the halt (a merge patch, so runs never conflict):
that is how ``chaosrun halt`` counts the runs it stopped.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from chaos.drivers.base import NAMESPACES, DriverError, NotFound, Selection
from chaos.engine.policy import CONFIGMAPS
from chaos.errors import BadInput

HALT = "chaosrun-halt"
HALT_FILE = "halt"
STOPPED = "stopped."  # a stopped run's key: stopped.<run id>
# How long ``chaosrun halt`` waits for runs to say they stopped: runs look every HALT_POLL.
HALT_POLL = 0.2
ANSWER_WAIT = 1.5


class Halts(Protocol):
    def read(self, namespace: str) -> dict[str, str] | None: ...

    def write(self, namespace: str, data: dict[str, str]) -> None: ...

    def acknowledge(self, namespace: str, run_id: str) -> None: ...

    def clear(self, namespace: str) -> bool: ...

    def where(self, namespace: str) -> str: ...


class ClusterHalts:
    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def where(self, namespace: str) -> str:
        return f"{HALT} in {namespace}"

    def read(self, namespace: str) -> dict[str, str] | None:
        try:
            found = self.driver.read_object(CONFIGMAPS, HALT, namespace)
        except NotFound:
            return None
        return dict(found.get("data") or {})

    def write(self, namespace: str, data: dict[str, str]) -> None:
        labels = {"app.kubernetes.io/managed-by": "chaosrun"}
        self.driver.put_configmap(HALT, namespace, data, labels)

    def acknowledge(self, namespace: str, run_id: str) -> None:
        self.driver.merge_configmap(HALT, namespace, {STOPPED + run_id: _now()})

    def clear(self, namespace: str) -> bool:
        return bool(self.driver.delete_configmap(HALT, namespace))

    def namespaces(self) -> list[str]:
        listing = self.driver.list_objects(NAMESPACES, Selection())
        return sorted(item["metadata"]["name"] for item in listing.get("items", []))


class LocalHalts:
    """The local target has one namespace: the halt is a JSON file in the state directory,
    the runs it stopped one line each in ``halt.stopped`` beside it."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / HALT_FILE
        self.stopped = state_dir / (HALT_FILE + ".stopped")

    def where(self, namespace: str) -> str:
        return f"the halt file {self.path}"

    def read(self, namespace: str) -> dict[str, str] | None:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            data = {"reason": "(unreadable halt file)"}
        if self.stopped.exists():
            for line in self.stopped.read_text().split():
                data[STOPPED + line] = ""
        return {str(k): str(v) for k, v in data.items()}

    def write(self, namespace: str, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.stopped.unlink(missing_ok=True)
        self.path.write_text(json.dumps(data))

    def acknowledge(self, namespace: str, run_id: str) -> None:
        with self.stopped.open("a") as out:
            out.write(run_id + "\n")

    def clear(self, namespace: str) -> bool:
        self.stopped.unlink(missing_ok=True)
        if not self.path.exists():
            return False
        self.path.unlink()
        return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def who() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


def _said(data: dict[str, str]) -> str:
    reason = data.get("reason") or "no reason given"
    return f"{reason} (by {data.get('who', 'someone')} at {data.get('when', '?')})"


def refuse_if_halted(halts: Halts, namespaces: list[str]) -> None:
    """Before a run: ``BadInput`` naming a halt that stands in one of ``namespaces``."""
    for ns in namespaces:
        try:
            data = halts.read(ns)
        except DriverError as exc:
            raise BadInput(
                f"cannot read ConfigMap {HALT} in namespace {ns!r} ({exc}); a run never goes "
                "ahead unchecked: grant get on it."
            ) from None
        if data is not None:
            raise BadInput(
                f"refused: {halts.where(ns)} stands: {_said(data)}; `chaosrun halt --clear` "
                "lifts it."
            )


def halt_check(
    halts: Halts,
    namespaces: list[str],
    record: dict[str, Any],
    notify: Callable[[str, str], None] | None = None,
) -> Callable[[], str | None]:
    """For the run's watcher: the reason to stop when a halt appeared, else None;
    ``notify(namespace, reason)`` is told first (the ChaosHalted Event)."""

    def check() -> str | None:
        for ns in namespaces:
            try:
                data = halts.read(ns)
            except DriverError:
                continue  # no verdict: next poll
            if data is None:
                continue
            record["halted"] = {"namespace": ns, **data}
            with contextlib.suppress(DriverError):  # stopping matters more than being counted
                halts.acknowledge(ns, str(record.get("run_id", "unknown")))
            why = f"halted by {halts.where(ns)}: {_said(data)}"
            if notify is not None:
                notify(ns, why)
            return why
        return None

    return check


def halt(halts: Halts, namespaces: list[str], reason: str, wait: float = ANSWER_WAIT) -> int:
    """Write the halt in every namespace; the number of runs that said they stopped."""
    data = {"reason": reason, "who": who(), "when": _now()}
    for ns in namespaces:
        halts.write(ns, data)
    time.sleep(wait)
    stopped = 0
    for ns in namespaces:
        found = halts.read(ns) or {}
        stopped += sum(1 for key in found if key.startswith(STOPPED))
    return stopped


def clear(halts: Halts, namespaces: list[str]) -> int:
    """Lift the halt in every namespace; how many stood."""
    return sum(1 for ns in namespaces if halts.clear(ns))
