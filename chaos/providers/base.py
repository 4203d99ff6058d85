"""What a provider type is: the fields an activity's ``provider`` holds, how they are
checked before a run, and how the activity is run.

A provider type's fields are a frozen dataclass (its *spec*): the annotations and defaults
are the single description of its structure. The experiment model builds its pydantic
model from them and the pydantic-free fast check reads the same annotations, so neither
names a provider type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Annotated, Any, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from chaos.actions.context import RunContext


class NonEmpty:
    """Marks a ``str`` field that must not be empty: ``Annotated[str, NON_EMPTY]`` as the
    field's own annotation (the model reads it there, not inside a list or a union)."""

    def __repr__(self) -> str:
        return "NON_EMPTY"


NON_EMPTY = NonEmpty()
NonEmptyText = Annotated[str, NON_EMPTY]


class Problem(NamedTuple):
    """One thing wrong with a provider; ``field`` is relative to the provider
    (``url``, ``timeout[1]``)."""

    field: str
    message: str


class TargetUse(NamedTuple):
    """How an activity acts on the run's target (the cluster, or the local stand-in)."""

    namespace: Any  # as the file gives it: may hold ``${name}`` references
    destructive: bool
    # Why no run may call it (one sentence), or None.
    refusal: str | None = None
    # Why a run on the local target may not call it, or None.
    local_refusal: str | None = None
    # Why a run that does not allow irreversible changes may not call it, or None.
    irreversible: str | None = None


@dataclass(frozen=True)
class Call:
    """What a run gives every activity besides its own fields."""

    ctx: RunContext
    configuration: dict[str, Any]
    secrets: dict[str, Any]


def _nothing(_specs: list[Any]) -> None:
    return None


def _never(_spec: Any) -> bool:
    return False


def _no_target(_spec: Any, _namespace: str) -> TargetUse | None:
    return None


Spec = TypeVar("Spec", bound="DataclassInstance")


@dataclass(frozen=True)
class ProviderType(Generic[Spec]):
    """One ``type`` of provider, as experiment files name it."""

    name: str
    spec: type[Spec]
    # Problems the Chaos Toolkit would find before a run, for a structurally valid spec.
    check: Callable[[Spec], list[Problem]]
    # The activity's output, or an exception (``ActivityFailed`` for a one-sentence one).
    run: Callable[[Spec, Call], Any]
    # Imports what ``run`` needs for these specs (the experiment's activities of this type,
    # their variables substituted), so the run's clock does not count them.
    load: Callable[[list[Spec]], None] = _nothing
    # True when the activity honours a dry run itself, so it runs in one; others are skipped.
    runs_in_dry_run: Callable[[Spec], bool] = _never
    # How the activity acts on the target, given the run's namespace; None: it does not,
    # so a run of such activities alone connects to nothing.
    target_use: Callable[[Spec, str], TargetUse | None] = _no_target

    def read(self, values: Mapping[str, Any]) -> Spec:
        """The spec of a structurally valid provider mapping: absent fields take their
        defaults, keys that are no field (``type``, unknown extras) are left out."""
        names = {f.name for f in fields(self.spec)}
        return self.spec(**{k: v for k, v in values.items() if k in names})
