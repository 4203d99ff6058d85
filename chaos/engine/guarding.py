"""Before any change, for every namespace a run changes: its policy tightens the run's limits,
a halt standing refuses the run, and the run then watches for one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaos.actions.context import RunContext
from chaos.drivers.base import Driver
from chaos.drivers.factory import Target, TargetRef
from chaos.engine.blast import limits_of
from chaos.engine.halt import (
    HALT,
    ClusterHalts,
    Halts,
    LocalHalts,
    halt_check,
    refuse_if_halted,
)
from chaos.engine.kube_events import EventSink
from chaos.engine.options import RunOptions
from chaos.engine.policy import apply_policy, read_policy


def state_dir_of(target: TargetRef) -> Path:
    from chaos.drivers.local.settings import LocalSettings

    return Path(target.state_dir or LocalSettings().state_dir).expanduser().resolve()


def halts_of(target: TargetRef, connect: Callable[[], Driver]) -> Halts:
    if target.kind is Target.local:
        return LocalHalts(state_dir_of(target))
    return ClusterHalts(connect())


def guard_run(
    options: RunOptions,
    connect: Callable[[], Driver],
    raw: dict[str, Any],
    touches: tuple[set[str], set[str]],
    ctx: RunContext,
) -> None:
    """``ctx.limits`` from the flags, the file and the policies; ``BadInput`` when a policy
    or a halt refuses the run; the halt watched while it lasts; on Kubernetes, an Event for
    every change and undo."""
    limits = limits_of(raw, options.guards)
    namespaces, functions = touches
    if namespaces:
        local = options.target.kind is Target.local
        state_dir = state_dir_of(options.target) if local else None
        ordered = ["default"] if local else sorted(namespaces)
        for ns in ordered:
            policy = read_policy(connect(), ns, state_dir)
            if policy is not None:
                limits = apply_policy(policy, limits, functions)
        if not local:
            title = str(raw.get("title", ""))
            ctx.on_event = EventSink(connect(), ctx.record, title)
        halts = halts_of(options.target, connect)
        refuse_if_halted(halts, ordered)

        def halted(ns: str, why: str) -> None:
            ctx.event("ConfigMap", HALT, ns, "ChaosHalted", f"the run stops: {why}")

        ctx.stop_checks.append(halt_check(halts, ordered, ctx.record, halted))
    ctx.limits = limits


__all__ = ["guard_run", "halts_of", "state_dir_of"]
