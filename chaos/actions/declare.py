"""How a catalogue function is declared: the Python function is its signature (``ctx`` first,
then the extension's arguments, names, defaults), the decorator says what it is to chaosrun.

The registry reads both; nothing else describes a function, so validation, the run and the
README's table cannot disagree about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "__chaosrun__"

# How the native mutating functions' changes are undone, as the README's table says.
BY_CONTROLLERS = "pods come back through their controllers"
FROM_SNAPSHOT = "re-created from its snapshot (rollback, `chaosrun restore`)"
IRREVERSIBLE = "cannot be undone: refused unless --allow-irreversible"
DELETED_BACK = "deleted by the rollback and `chaosrun restore`"
SCALED_BACK = "scaled back to the previous count (rollback, `chaosrun restore`)"
PUT_BACK = "put back as its snapshot (rollback, `chaosrun restore`)"
BY_UNCORDONING = "its previous `unschedulable` put back (rollback, `chaosrun restore`)"


@dataclass(frozen=True)
class Declaration:
    kind: str  # "action", "probe" or "other" (chaosk8s' discover and client factory)
    # Changes something on the target: refused in system namespaces, skipped in dry runs.
    destructive: bool = False
    # False: declared with its 0.39 signature (validation accepts it) but not run natively yet.
    native: bool = True
    # False: the local target cannot play it (it reads kinds the local stack does not have).
    local: bool = True
    # False: it never reaches the target (it works on a value it is given).
    uses_target: bool = True
    # Why a declared-only function is not run, when it is not merely "not yet".
    why: str | None = None
    # Problems with literal arguments beyond the signature, for ``chaosrun validate``.
    check: Callable[[dict[str, Any]], list[str]] | None = None
    # How the change is undone, for the README's table (a probe changes nothing).
    undo: str | None = None
    # It cannot be undone: refused before the run unless --allow-irreversible is given.
    irreversible: bool = False

    @property
    def undone_by(self) -> str:
        if self.undo is not None:
            return self.undo
        return "not yet" if self.destructive else "read-only"


def declare(kind: str, **options: Any) -> Callable[[F], F]:
    declaration = Declaration(kind, **options)

    def mark(function: F) -> F:
        setattr(function, ATTRIBUTE, declaration)
        return function

    return mark


def probe(**options: Any) -> Callable[[F], F]:
    """A read-only function chaosrun runs natively."""
    return declare("probe", **options)


def planned(kind: str = "action", **options: Any) -> Callable[[F], F]:
    """A mutating function declared with its signature, run natively in a later version."""
    return declare(kind, **{"destructive": True, **options, "native": False})


def declaration_of(function: Callable[..., Any]) -> Declaration | None:
    found = getattr(function, ATTRIBUTE, None)
    return found if isinstance(found, Declaration) else None
