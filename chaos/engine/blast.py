"""A run's blast radius: its limits (``--max-percent``, ``--min-healthy``, or the file's
``chaosrun`` extension), checked on every change of the method before any change is made,
and the floors watched while the run lasts.

The check before the run plays each pod- or Deployment-choosing function of the method in a
quiet dry run: the same choice, the same limits, nothing changed. A refusal then is bad input.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from chaos.actions.blast import BlastLimits, BlastRefused, floor_broken, parse_floor
from chaos.actions.errors import ActivityFailed
from chaos.engine.signals import request_stop
from chaos.engine.slo import EXTENSION, extension_entry
from chaos.errors import BadInput

if TYPE_CHECKING:
    from chaos.actions.context import RunContext
    from chaos.actions.registry import NativeFunction
    from chaos.engine.options import Guards

logger = logging.getLogger("chaosrun")

# The functions whose choice of targets the limits judge.
CHOOSING = frozenset(
    {
        "terminate_pods",
        "delete_pods",
        "delete_deployment",
        "remove_statefulset",
        "delete_replica_set",
        "delete_daemon_set",
        "scale_deployment",
        "scale_statefulset",
        "create_network_policy",
        "deny_all_ingress",
        "deny_all_egress",
        "cordon_node",
        "delete_nodes",
        "drain_nodes",
        "slow_down",
    }
)
# The functions that reach a namespace only through the pods they pick on nodes.
BY_THEIR_PODS = frozenset({"drain_nodes"})
FLOOR_POLL = 0.2  # seconds between two counts of the watched workloads' Ready pods


def _percent(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise BadInput(f"{where} must be a number from 0 to 100, not {value!r}.")
    return float(value)


def limits_of(raw: dict[str, Any], guards: Guards) -> BlastLimits:
    """The command line's limits, tightened by the file's (``BadInput`` naming a bad one);
    a floor on the command line replaces the file's."""
    entry = extension_entry(raw)
    where = f"extensions[{EXTENSION}]"
    shares = [guards.max_percent] if guards.max_percent is not None else []
    if entry.get("max-percent") is not None:
        shares.append(_percent(entry["max-percent"], f"{where}.max-percent"))
    floor_text = guards.min_healthy
    floor_where = "--min-healthy"
    if floor_text is None and entry.get("min-healthy") is not None:
        floor_text, floor_where = str(entry["min-healthy"]), f"{where}.min-healthy"
    try:
        floor = parse_floor(floor_text, floor_where) if floor_text is not None else None
    except ValueError as exc:
        raise BadInput(f"{exc}.") from None
    return BlastLimits(min(shares) if shares else None, floor)


def _natives(
    experiment: Any, configuration: dict[str, Any], namespace: str | None
) -> Iterator[tuple[NativeFunction, dict[str, Any]]]:
    """The method's native functions that change the target, with their arguments as the
    run will pass them."""
    from chaos.actions.registry import is_native_module, lookup
    from chaos.engine.config import substitute

    for activity in experiment.method:
        provider = getattr(activity, "provider", None)
        if provider is None or provider.type != "python":
            continue
        spec = provider.spec()
        native = lookup(spec.module, spec.func) if is_native_module(spec.module) else None
        if native is None or not native.destructive:
            continue
        arguments = substitute(dict(spec.arguments), configuration)
        takes_ns = any(p.name == "ns" for p in native.parameters())
        if namespace and takes_ns and "ns" not in arguments:
            arguments["ns"] = namespace
        yield native, arguments


@dataclass(frozen=True)
class Touches:
    """What the method changes: the namespaces (a halt there stops the run) and the functions;
    of those, the ones whose namespace's policy is read before the run. A function of
    ``BY_THEIR_PODS`` reaches the namespaces of the pods it picks, their policies read then."""

    namespaces: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    policed: frozenset[str] = frozenset()
    policed_functions: frozenset[str] = frozenset()

    @property
    def by_their_pods(self) -> bool:
        return bool(self.functions & BY_THEIR_PODS)


def touched(experiment: Any, configuration: dict[str, Any], namespace: str | None) -> Touches:
    """The namespaces the method changes and the functions it changes them with."""
    namespaces: set[str] = set()
    functions: set[str] = set()
    policed: set[str] = set()
    for native, arguments in _natives(experiment, configuration, namespace):
        ns = str(arguments.get("ns") or namespace or "default")
        namespaces.add(ns)
        functions.add(native.func)
        if native.func not in BY_THEIR_PODS:
            policed.add(ns)
    return Touches(
        frozenset(namespaces),
        frozenset(functions),
        frozenset(policed),
        frozenset(functions - BY_THEIR_PODS),
    )


def check_before(experiment: Any, configuration: dict[str, Any], ctx: RunContext) -> None:
    """Before any change: every choosing function of the method, played dry and quiet, keeps
    within the limits (``BadInput`` otherwise). Other failures are left to the run."""
    if not ctx.limits and ctx.policy_of is None:
        return
    preview = replace(ctx, dry_run=True, quiet=True, record={}, records=None, floors=[], _rng=None)
    for native, arguments in _natives(experiment, configuration, ctx.namespace):
        if native.func not in CHOOSING:
            continue
        try:
            native.impl(preview, **arguments)
        except BlastRefused as exc:
            raise BadInput(f"{str(exc).rstrip('.')}; nothing was changed.") from None
        except (ActivityFailed, TypeError):
            continue  # the run reports it where it happens


class FloorWatch:
    """While the method runs, every ``FLOOR_POLL`` seconds: the run's stop checks (a halt),
    and the Ready pods of every workload a change touched; a halt, or a floor broken, stops
    the run (``request_stop``)."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> FloorWatch:
        watching = (
            self.ctx.limits.min_healthy is not None
            or self.ctx.policy_of is not None
            or self.ctx.stop_checks
        )
        if watching and not self.ctx.dry_run:
            self._thread = threading.Thread(target=self._loop, name="floor-watch", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        from chaos.actions.pods import ready_count

        while not self._stop.wait(FLOOR_POLL):
            for check in self.ctx.stop_checks:
                why = check()
                if why is not None and not self._stop.is_set():
                    logger.warning("%s", why)
                    request_stop(why)
                    return
            for workload, limits in list(self.ctx.floors):
                try:
                    ready = ready_count(self.ctx, workload)
                except Exception as exc:  # a failed count is no verdict: next poll
                    logger.debug("counting %s: %s", workload.label, exc)
                    continue
                why = floor_broken(limits, workload, ready)
                if why is not None and not self._stop.is_set():
                    self.ctx.record["floor_broken"] = why
                    request_stop(why)
                    return
