"""Whether a workload's pods are ready, and waiting until they are (or are not): the state
chaosk8s' ``*_fully_available`` probes watch for, read here by looking again until a deadline."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.reads import by_name, count, items, wait_for
from chaos.drivers.base import DAEMONSETS, ObjectKind


def fully_ready(obj: dict[str, Any], kind: ObjectKind) -> bool:
    """Every pod the workload wants is ready (a DaemonSet: one per scheduled node)."""
    if kind == DAEMONSETS:
        return count(obj, "status", "numberReady") == count(obj, "status", "desiredNumberScheduled")
    return count(obj, "status", "readyReplicas") == count(obj, "spec", "replicas")


def reaches_readiness(
    ctx: RunContext,
    kind: ObjectKind,
    name: str,
    ns: str,
    label_selector: str | None,
    ready: bool,
    timeout: Any,
) -> bool:
    """True once one matching workload's readiness is ``ready`` within ``timeout`` seconds;
    False if none does (or none matches) by then."""
    selector = label_selector.format(name=name) if label_selector is not None else None

    def reached() -> bool:
        found = items(ctx, kind, ns, selector, by_name(name))
        return any(fully_ready(obj, kind) == ready for obj in found)

    return wait_for(reached, timeout)
