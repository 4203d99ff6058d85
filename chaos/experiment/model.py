"""The experiment the engine runs: plain objects read from a document already validated.

``chaos.experiment.validate`` hands the engine these: read straight from the file when it
conforms (``chaos.experiment.shape``), else from what the pydantic schema
(``chaos.experiment.schema``) made of it. Running a well-formed file so never imports
pydantic. Each object keeps its document as ``declared``; ``as_declared()`` gives the copy
the journal and the controls see (JSON values only, as pydantic's ``mode="json"`` dump).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal

from chaos.providers import PROVIDERS


def jsonable(value: Any) -> Any:
    """A copy of ``value`` made of JSON types (dates as ISO text, tuples and sets as lists),
    as pydantic's JSON dump makes it; an infinite or NaN number stays as the file gave it
    (the Chaos Toolkit's journal keeps it too)."""
    if isinstance(value, dict):
        return {_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def _key(key: Any) -> Any:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(jsonable(key))


class Provider:
    """An activity's ``provider``: its type and its fields as declared."""

    __slots__ = ("declared", "type")

    def __init__(self, declared: dict[str, Any]) -> None:
        self.declared = declared
        self.type: str = declared["type"]

    def spec(self) -> Any:
        """The provider type's own typed view of these fields (what it checks and runs)."""
        return PROVIDERS[self.type].read(self.declared)

    def as_declared(self) -> dict[str, Any]:
        return jsonable(self.declared)


class Pauses:
    __slots__ = ("after", "before")

    def __init__(self, declared: dict[str, Any]) -> None:
        self.before: float | str | None = declared.get("before")
        self.after: float | str | None = declared.get("after")


class Activity:
    """An action or a probe."""

    __slots__ = ("background", "declared", "name", "pauses", "provider", "tolerance", "type")

    def __init__(self, declared: dict[str, Any]) -> None:
        self.declared = declared
        self.type: Literal["action", "probe"] = declared["type"]
        self.name: str = declared["name"]
        self.provider = Provider(declared["provider"])
        self.tolerance: Any = declared.get("tolerance")
        pauses = declared.get("pauses")
        self.pauses = Pauses(pauses) if pauses is not None else None
        self.background: bool = declared.get("background", False)

    def as_declared(self) -> dict[str, Any]:
        return jsonable(self.declared)


class Ref:
    """An activity named again by ``ref`` (the first activity of that name)."""

    __slots__ = ("declared", "ref")

    def __init__(self, declared: dict[str, Any]) -> None:
        self.declared = declared
        self.ref: str = declared["ref"]


def read_item(declared: dict[str, Any]) -> Activity | Ref:
    return Ref(declared) if "ref" in declared else Activity(declared)


def _items(values: list[dict[str, Any]] | None) -> list[Activity | Ref]:
    return [read_item(v) for v in values or ()]


class Hypothesis:
    __slots__ = ("declared", "probes", "title")

    def __init__(self, declared: dict[str, Any]) -> None:
        self.declared = declared
        self.title: str = declared["title"]
        self.probes = _items(declared.get("probes"))

    def as_declared(self) -> dict[str, Any]:
        return jsonable(self.declared)


class Experiment:
    """A whole experiment; keys the engine does not read (``controls``, ``runtime``,
    ``extensions`` ...) stay in ``declared``."""

    __slots__ = (
        "configuration",
        "declared",
        "method",
        "rollbacks",
        "secrets",
        "steady_state_hypothesis",
        "title",
    )

    def __init__(self, declared: dict[str, Any]) -> None:
        self.declared = declared
        self.title: str = declared["title"]
        self.configuration: dict[str, Any] = dict(declared.get("configuration") or {})
        self.secrets: dict[str, Any] = dict(declared.get("secrets") or {})
        hypothesis = declared.get("steady-state-hypothesis")
        self.steady_state_hypothesis = Hypothesis(hypothesis) if hypothesis is not None else None
        self.method = _items(declared["method"])
        self.rollbacks = _items(declared.get("rollbacks"))

    def activities(self) -> list[Activity]:
        """Every concrete (non-ref) activity: hypothesis probes, method, rollbacks."""
        items: list[Activity | Ref] = []
        if self.steady_state_hypothesis is not None:
            items.extend(self.steady_state_hypothesis.probes)
        items.extend(self.method)
        items.extend(self.rollbacks)
        return [a for a in items if isinstance(a, Activity)]

    def find(self, name: str) -> Activity | None:
        """The first activity called ``name`` (what a ``ref`` points to)."""
        return next((a for a in self.activities() if a.name == name), None)
