"""Python providers that chaosrun implements itself instead of importing.

``chaosk8s.*`` names are those of chaostoolkit-kubernetes and ``chaosprometheus.*`` those of
chaostoolkit-prometheus (neither extension need be installed); ``chaosrun.*`` names are
chaosrun's own additions. Each implementation takes a ``RunContext`` first, then the
documented arguments (``configuration`` and ``secrets`` are passed when it declares them).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chaos.actions import backend, deployments, pods, prometheus
from chaos.actions.families import NATIVE_FAMILIES, is_native_module

__all__ = ["NATIVE_FAMILIES", "NATIVE_MODULES", "NativeFunction", "is_native_module", "lookup"]


@dataclass(frozen=True)
class NativeFunction:
    module: str
    func: str
    impl: Callable[..., Any]
    kind: str  # "action" or "probe"
    destructive: bool = False
    # False for functions that never reach the run's target (the cluster or the local stack):
    # a run of those alone connects to nothing, and a dry run skips them as it skips http.
    uses_target: bool = True
    # Problems with literal arguments beyond the signature, one phrase each.
    check: Callable[[dict[str, Any]], list[str]] | None = None

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.func}"

    def parameters(self) -> list[inspect.Parameter]:
        """The parameters an experiment may pass (the run context excluded)."""
        return list(inspect.signature(self.impl).parameters.values())[1:]


_FUNCTIONS = [
    NativeFunction("chaosk8s.pod.actions", "terminate_pods", pods.terminate_pods, "action", True),
    NativeFunction("chaosk8s.pod.actions", "delete_pods", pods.delete_pods, "action", True),
    NativeFunction(
        "chaosk8s.deployment.actions",
        "delete_deployment",
        deployments.delete_deployment,
        "action",
        True,
    ),
    NativeFunction(
        "chaosk8s.deployment.actions",
        "scale_deployment",
        deployments.scale_deployment,
        "action",
        True,
    ),
    NativeFunction("chaosk8s.probes", "all_pods_healthy", pods.all_pods_healthy, "probe"),
    NativeFunction(
        "chaosk8s.probes", "all_microservices_healthy", pods.all_microservices_healthy, "probe"
    ),
    NativeFunction("chaosk8s.pod.probes", "pods_in_phase", pods.pods_in_phase, "probe"),
    NativeFunction("chaosk8s.pod.probes", "count_pods", pods.count_pods, "probe"),
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
]

NATIVE: dict[tuple[str, str], NativeFunction] = {(f.module, f.func): f for f in _FUNCTIONS}
NATIVE_MODULES: dict[str, list[str]] = {}
for _f in _FUNCTIONS:
    NATIVE_MODULES.setdefault(_f.module, []).append(_f.func)


def lookup(module: str, func: str) -> NativeFunction | None:
    return NATIVE.get((module, func))
