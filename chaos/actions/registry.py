"""Python providers that chaosrun implements itself instead of importing.

``chaosk8s.*`` names are those of chaostoolkit-kubernetes and ``chaosprometheus.*`` those of
chaostoolkit-prometheus (neither extension need be installed); ``chaosrun.*`` names are
chaosrun's own additions. Each implementation takes a ``RunContext`` first, then the
documented arguments (``configuration`` and ``secrets`` are passed when it declares them).
The ``chaosk8s`` catalogue is read from its declarations (``catalogue``): every function a
module exports, with what ``declare`` says of it, one module at a time as files name them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chaos.actions import backend, catalogue, changes, deployments, prometheus
from chaos.actions.declare import declaration_of
from chaos.actions.families import NATIVE_FAMILIES, is_native_module

__all__ = [
    "NATIVE_FAMILIES",
    "NativeFunction",
    "all_functions",
    "functions_in",
    "is_native_module",
    "lookup",
    "native_modules",
]


@dataclass(frozen=True)
class NativeFunction:
    module: str
    func: str
    impl: Callable[..., Any]
    kind: str  # "action", "probe" or "other"
    destructive: bool = False
    # False for functions that never reach the run's target (the cluster or the local stack):
    # a run of those alone connects to nothing, and a dry run skips them as it skips http.
    uses_target: bool = True
    # Problems with literal arguments beyond the signature, one phrase each.
    check: Callable[[dict[str, Any]], list[str]] | None = None
    # False: declared (validation accepts it), not run natively yet; ``why`` says otherwise.
    native: bool = True
    why: str | None = None
    # False: the local target cannot play it.
    local: bool = True
    # How its change is undone ("read-only" for a probe), as the README's table says.
    undo: str = "read-only"
    # Its change cannot be undone: refused unless the run allows irreversible changes.
    irreversible: bool = False

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.func}"

    def parameters(self) -> list[inspect.Parameter]:
        """The parameters an experiment may pass (the run context excluded)."""
        return list(inspect.signature(self.impl).parameters.values())[1:]

    def refusal(self, target: str) -> str | None:
        """Why a run on ``target`` may not call it (one sentence), or None."""
        if not self.native:
            if self.why:
                return f"{self.qualified} cannot be run by chaosrun: {self.why}"
            return f"{self.qualified} is not implemented natively by chaosrun yet"
        if target == "local" and not self.local:
            return (
                f"{self.qualified} needs a Kubernetes cluster: the local target has no such objects"
            )
        return None

    @property
    def irreversible_refusal(self) -> str | None:
        """Why a run that does not allow irreversible changes may not call it, or None."""
        if not self.irreversible:
            return None
        return (
            f"{self.qualified} makes a change chaosrun cannot undo (pass --allow-irreversible "
            "if you really mean it)"
        )


@functools.cache
def _declared(name: str) -> dict[str, NativeFunction]:
    """The functions the catalogue module ``name`` declares, by function name."""
    module = catalogue.load(name)
    found = {}
    for func in module.__all__:
        impl = getattr(module, func)
        declared = declaration_of(impl)
        if declared is None:
            raise RuntimeError(f"{module.__name__}.{func} is exported but not declared")
        found[func] = NativeFunction(
            name,
            func,
            impl,
            declared.kind,
            declared.destructive,
            uses_target=declared.uses_target,
            native=declared.native,
            why=declared.why,
            local=declared.local,
            check=declared.check,
            undo=declared.undone_by,
            irreversible=declared.irreversible,
        )
    return found


# chaosrun's own and chaostoolkit-prometheus' functions.
_FUNCTIONS = [
    *(
        NativeFunction(
            "chaosprometheus.probes",
            impl.__name__,
            impl,
            "probe",
            uses_target=False,
            check=prometheus.argument_problems,
        )
        for impl in (prometheus.query, prometheus.query_interval)
    ),
    NativeFunction(
        "chaosrun.deployment", "restore_deployment", deployments.restore_deployment, "action"
    ),
    NativeFunction("chaosrun.service", "frontend_url", deployments.frontend_url, "probe"),
    NativeFunction("chaosrun.backend", "slow_down", backend.slow_down, "action", True),
    NativeFunction("chaosrun.backend", "restore_speed", backend.restore_speed, "action"),
    NativeFunction("chaosrun.changes", "undo_changes", changes.undo_changes, "action"),
]

_FIXED: dict[tuple[str, str], NativeFunction] = {(f.module, f.func): f for f in _FUNCTIONS}


def native_modules() -> list[str]:
    """Every module chaosrun answers itself (nothing imported)."""
    return [*catalogue.MODULES, *dict.fromkeys(f.module for f in _FUNCTIONS)]


def functions_in(module: str) -> list[str]:
    """The function names of one module chaosrun answers itself."""
    if module in catalogue.MODULES:
        return list(_declared(module))
    return [f.func for f in _FUNCTIONS if f.module == module]


def lookup(module: str, func: str) -> NativeFunction | None:
    if module in catalogue.MODULES:
        return _declared(module).get(func)
    return _FIXED.get((module, func))


def all_functions() -> list[NativeFunction]:
    """Every function chaosrun answers itself (imports every catalogue module)."""
    declared = [f for name in catalogue.MODULES for f in _declared(name).values()]
    return [*declared, *_FUNCTIONS]
