"""Whether a workload's pods are ready, and waiting until they are (or are not): the state
chaosk8s' ``*_fully_available`` probes watch for, read here by looking again until a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.reads import by_name, count, items, verdict, wait_for
from chaos.drivers.base import DAEMONSETS, ObjectKind


@dataclass(frozen=True)
class Workload:
    """The workloads a probe watches: ``name`` in ``ns``, narrowed by ``label_selector``
    (where ``{name}`` stands for the name, as in chaosk8s)."""

    kind: ObjectKind
    name: str
    ns: str
    label_selector: str | None = None

    def found(self, ctx: RunContext) -> list[dict[str, Any]]:
        selector = self.label_selector
        if selector is not None:
            selector = selector.format(name=self.name)
        return items(ctx, self.kind, self.ns, selector, by_name(self.name))


def fully_ready(obj: dict[str, Any], kind: ObjectKind) -> bool:
    """Every pod the workload wants is ready (a DaemonSet: one per scheduled node)."""
    if kind == DAEMONSETS:
        return count(obj, "status", "numberReady") == count(obj, "status", "desiredNumberScheduled")
    return count(obj, "status", "readyReplicas") == count(obj, "spec", "replicas")


def reaches_readiness(ctx: RunContext, workload: Workload, ready: bool, timeout: Any) -> bool:
    """True once one matching workload's readiness is ``ready`` within ``timeout`` seconds;
    False if none does (or none matches) by then."""
    return wait_for(
        lambda: any(fully_ready(obj, workload.kind) == ready for obj in workload.found(ctx)),
        timeout,
    )


def readiness_verdict(
    ctx: RunContext,
    workload: Workload,
    ready: bool,
    timeout: Any,
    raise_on_failure: bool,
    who: str,
) -> bool:
    """``reaches_readiness`` as chaosk8s' probes answer it: True, or the failure raised (or
    False), naming the workload as ``who``, as chaosk8s' message does."""
    reached = reaches_readiness(ctx, workload, ready, timeout)
    doing = "recover" if ready else "stop running"
    return verdict(
        reached, f"{who} '{workload.name}' failed to {doing} within {timeout}s", raise_on_failure
    )
