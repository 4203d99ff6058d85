"""Before any change, for every namespace a run changes: its policy tightens the run's limits,
a halt standing refuses the run, and the run then watches for one. A drain changes the
namespaces of the pods it evicts: their policies are read as it picks them, still before any
change, and applied again at each eviction."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chaos.actions.blast import BlastLimits, BlastRefused
from chaos.actions.context import RunContext
from chaos.drivers.base import Driver
from chaos.drivers.factory import Target, TargetRef
from chaos.engine.blast import Touches, limits_of
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
from chaos.engine.policy import Policy, apply_policy, read_policy
from chaos.errors import BadInput


def state_dir_of(target: TargetRef) -> Path:
    from chaos.drivers.local.settings import LocalSettings

    return Path(target.state_dir or LocalSettings().state_dir).expanduser().resolve()


def halts_of(target: TargetRef, connect: Callable[[], Driver]) -> Halts:
    if target.kind is Target.local:
        return LocalHalts(state_dir_of(target))
    return ClusterHalts(connect())


class PoliciesByNamespace:
    """The policies of the namespaces a change reaches through the pods it picks (a drain's
    evicted pods): each read once, the first time a check asks for it, and applied to the
    run's own limits at every check, so a window that closes meanwhile stops the change."""

    def __init__(
        self, connect: Callable[[], Driver], state_dir: Path | None, own: BlastLimits
    ) -> None:
        self._connect, self._state_dir, self._own = connect, state_dir, own
        self._read: dict[str, Policy | None] = {}
        self._lock = threading.Lock()

    def __call__(self, namespace: str, function: str) -> BlastLimits:
        try:
            with self._lock:
                if namespace not in self._read:
                    self._read[namespace] = read_policy(self._connect(), namespace, self._state_dir)
                policy = self._read[namespace]
            if policy is None:
                return self._own
            return apply_policy(policy, self._own, {function})
        except BadInput as exc:
            raise BlastRefused(str(exc).rstrip(".")) from None


def guard_run(
    options: RunOptions,
    connect: Callable[[], Driver],
    raw: dict[str, Any],
    touches: Touches,
    ctx: RunContext,
) -> None:
    """``ctx.limits`` from the flags, the file and the policies; ``BadInput`` when a policy
    or a halt refuses the run; the halt watched while it lasts; on Kubernetes, an Event for
    every change and undo."""
    own = limits = limits_of(raw, options.guards)
    local = options.target.kind is Target.local
    state_dir = state_dir_of(options.target) if local else None
    if touches.policed:
        functions = set(touches.policed_functions)
        for ns in ["default"] if local else sorted(touches.policed):
            policy = read_policy(connect(), ns, state_dir)
            if policy is not None:
                limits = apply_policy(policy, limits, functions)
    if touches.by_their_pods:
        ctx.policy_of = PoliciesByNamespace(connect, state_dir, own)
    namespaces = touches.namespaces
    if namespaces:
        ordered = ["default"] if local else sorted(namespaces)
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
