"""Pod chaos and pod probes, compatible with chaostoolkit-kubernetes' signatures.

The first parameter is chaosrun's ``RunContext``; the rest mirror ``chaosk8s`` so that
experiment files written for the Chaos Toolkit pass the same arguments.
"""

from __future__ import annotations

import math
import re
from typing import Any

from chaos.actions.blast import (
    BlastRefused,
    Workload,
    check_floor,
    check_labels,
    check_share,
)
from chaos.actions.context import RunContext, system_namespace_refusal
from chaos.actions.errors import ActivityFailed
from chaos.actions.reads import verdict
from chaos.drivers.base import PodInfo
from chaos.drivers.labels import SelectorError, parse_selector

MODES = ("fixed", "percentage")
ORDERS = ("alphabetic", "oldest")


def guard_namespace(ctx: RunContext, ns: str) -> None:
    """Refuse destructive chaos in a system namespace unless explicitly allowed."""
    refusal = system_namespace_refusal(ns, ctx.allow_system_namespaces)
    if refusal is not None:
        raise ActivityFailed(refusal)


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def _guard_selection(label_selector: str | None, name_pattern: str | None, doing: str) -> None:
    """Stricter than chaosk8s, which then selects every pod of the namespace: refuse a
    selection with neither a label selector nor a name pattern."""
    if _blank(label_selector) and _blank(name_pattern):
        raise ActivityFailed(
            f"refusing to {doing} pods with neither a label selector nor a name pattern "
            "(that would select every pod in the namespace)"
        )


def _describe(label_selector: str | None, name_pattern: str | None, ns: str) -> str:
    parts = []
    if label_selector:
        parts.append(f"label selector '{label_selector}'")
    if name_pattern:
        parts.append(f"name pattern '{name_pattern}'")
    what = " and ".join(parts) if parts else "no filter"
    return f"{what} in namespace '{ns}'"


def matching_pods(
    ctx: RunContext, ns: str, label_selector: str | None, name_pattern: str | None = None
) -> list[PodInfo]:
    """Pods of ``ns`` matching the label selector and the name pattern (regex search)."""
    try:
        pattern = re.compile(name_pattern) if name_pattern else None
    except re.error as exc:
        raise ActivityFailed(f"invalid name pattern {name_pattern!r}: {exc}") from None
    try:
        requirements = parse_selector(label_selector or "")
    except SelectorError as exc:
        raise ActivityFailed(str(exc)) from None
    # The API server narrows the list (on a large namespace, most of a run's list parsing);
    # the selector is still checked here, for drivers that do not filter.
    pods = [
        p
        for p in ctx.driver().list_pods(ns, label_selector or None)
        if all(req.matches(p.labels) for req in requirements)
        and (pattern is None or pattern.search(p.name))
    ]
    return sorted(pods, key=lambda p: p.name)


def select_pods(
    pods: list[PodInfo],
    *,
    all: bool = False,
    rand: bool = False,
    mode: str = "fixed",
    qty: int = 1,
    order: str = "alphabetic",
    ctx: RunContext | None = None,
) -> list[PodInfo]:
    """Choose the victims among ``pods`` the way chaosk8s' ``terminate_pods`` does."""
    if mode not in MODES:
        raise ActivityFailed(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if order not in ORDERS:
        raise ActivityFailed(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    if not isinstance(qty, int) or isinstance(qty, bool) or qty < 0:
        raise ActivityFailed(f"qty must be a non-negative integer, not {qty!r}")
    if mode == "percentage" and qty > 100:
        raise ActivityFailed(f"qty must be at most 100 in percentage mode, not {qty}")
    ordered = sorted(pods, key=lambda p: p.name)
    if order == "oldest":
        ordered.sort(key=lambda p: (p.created is None, p.created.timestamp() if p.created else 0))
    if all:
        return ordered
    count = math.ceil(qty * len(ordered) / 100) if mode == "percentage" else qty
    count = min(count, len(ordered))
    if rand:
        if ctx is None:
            raise RuntimeError("random selection needs a run context for its seed")
        return ctx.rng().sample(ordered, count)
    return ordered[:count]


def _alive(pods: list[PodInfo]) -> list[PodInfo]:
    """Pods not already on their way out (terminating pods are not chaos victims)."""
    return [p for p in pods if not p.terminating]


def _matching(label_selector: str | None, name_pattern: str | None) -> str:
    parts = [label_selector] if label_selector else []
    if name_pattern:
        parts.append(f"name ~ {name_pattern!r}")
    return " and ".join(parts)


def guard_blast(
    ctx: RunContext,
    pods: list[PodInfo],
    victims: list[PodInfo],
    ns: str,
    label_selector: str | None,
    name_pattern: str | None = None,
) -> None:
    """``--max-percent`` and ``--min-healthy`` on a choice of pods (``BlastRefused``);
    the matching pods are then watched against the floor."""
    if not ctx.limits:
        return
    what = f"pods matching {_matching(label_selector, name_pattern)}"
    workload = Workload(f"the {what} in {ns}", ns, label_selector or "", len(pods), name_pattern)
    hit = {p.name for p in victims}
    try:
        check_labels(ctx.limits, "pod", [(p.name, p.labels) for p in victims])
        check_share(ctx.limits, len(victims), len(pods), what)
        check_floor(ctx.limits, workload, sum(1 for p in pods if p.ready and p.name not in hit))
    except BlastRefused as refused:
        for pod in victims:
            ctx.event("Pod", pod.name, ns, "ChaosRefused", f"not terminated: {refused}")
        raise
    ctx.watch(workload)


def ready_count(ctx: RunContext, workload: Workload) -> int:
    """Ready pods of ``workload`` now (terminating ones not counted)."""
    pods = matching_pods(ctx, workload.namespace, workload.selector, workload.name_pattern)
    return sum(1 for p in _alive(pods) if p.ready)


def _terminate(ctx: RunContext, victims: list[PodInfo], ns: str, grace: int | None) -> list[str]:
    names = [p.name for p in victims]
    if ctx.announce_dry_run("terminate pod", ns, names):
        return names
    driver = ctx.driver()
    for name in names:
        driver.delete_pod(name, ns, grace_period=grace)
        ctx.event("Pod", name, ns, "ChaosInjected", f"terminated pod {ns}/{name}")
    return names


def terminate_pods(
    ctx: RunContext,
    label_selector: str | None = None,
    name_pattern: str | None = None,
    all: bool = False,
    rand: bool = False,
    mode: str = "fixed",
    qty: int = 1,
    grace_period: int = -1,
    ns: str = "default",
    order: str = "alphabetic",
    secrets: Any = None,
) -> list[str]:
    """Terminate pods chosen by selector and/or name pattern; return the names hit."""
    _guard_selection(label_selector, name_pattern, "terminate")
    guard_namespace(ctx, ns)
    pods = _alive(matching_pods(ctx, ns, label_selector, name_pattern))
    if not pods:
        raise ActivityFailed(f"no pod matches {_describe(label_selector, name_pattern, ns)}")
    victims = select_pods(pods, all=all, rand=rand, mode=mode, qty=qty, order=order, ctx=ctx)
    if not victims:
        raise ActivityFailed(
            f"the selection chose no pod among the {len(pods)} matching "
            f"{_describe(label_selector, name_pattern, ns)} (qty={qty}, mode={mode})"
        )
    guard_blast(ctx, pods, victims, ns, label_selector, name_pattern)
    grace = None if grace_period is None or grace_period < 0 else int(grace_period)
    return _terminate(ctx, victims, ns, grace)


def delete_pods(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str | None = None,
    secrets: Any = None,
) -> list[str]:
    """The deprecated chaosk8s action: delete every pod labelled ``name in (<name>)``.

    chaosrun extension: when no ``label_selector`` is given and no pod carries a ``name``
    label, pods labelled ``app=<name>`` are used instead (today's manifests use ``app``).
    """
    guard_namespace(ctx, ns)
    if label_selector is not None:
        selector = label_selector.format(name=name)
        _guard_selection(selector, None, "delete")
        pods = _alive(matching_pods(ctx, ns, selector))
    else:
        selector = f"name in ({name})"
        pods = _alive(matching_pods(ctx, ns, selector))
        if not pods:
            selector = f"app in ({name})"
            pods = _alive(matching_pods(ctx, ns, selector))
    if not pods:
        raise ActivityFailed(
            f"no pod matches label selector 'name in ({name})' or 'app in ({name})' "
            f"in namespace '{ns}'"
            if label_selector is None
            else f"no pod matches {_describe(selector, None, ns)}"
        )
    guard_blast(ctx, pods, pods, ns, selector)
    return _terminate(ctx, pods, ns, None)


def _unhealthy(pod: PodInfo) -> str | None:
    if pod.phase == "Succeeded" or pod.terminating:
        return None
    if pod.phase != "Running":
        return f"{pod.name} ({pod.phase})"
    if not pod.ready:
        return f"{pod.name} (Running, not ready)"
    return None


def all_pods_healthy(ctx: RunContext, ns: str = "default", secrets: Any = None) -> bool:
    """True when every pod of ``ns`` is Running and Ready; otherwise fail naming the others.

    Terminating pods are left out: their replacements are what serves (chaosk8s' own probe
    looks at the phase alone, which a terminating pod still reports as Running)."""
    bad = [reason for pod in ctx.driver().list_pods(ns) if (reason := _unhealthy(pod))]
    if bad:
        raise ActivityFailed(f"pods not healthy in namespace '{ns}': {', '.join(sorted(bad))}")
    return True


def all_microservices_healthy(ctx: RunContext, ns: str = "default", secrets: Any = None) -> bool:
    """Alias of ``all_pods_healthy`` (chaosk8s' older name)."""
    return all_pods_healthy(ctx, ns=ns, secrets=secrets)


def pods_in_phase(
    ctx: RunContext,
    label_selector: str,
    phase: str = "Running",
    ns: str = "default",
    raise_on_invalid_phase: bool = True,
    secrets: Any = None,
) -> bool:
    """True when at least one pod matches and all matching pods are in ``phase``; otherwise
    fail naming them, or False with ``raise_on_invalid_phase`` false."""
    pods = matching_pods(ctx, ns, label_selector)
    if not pods:
        return verdict(
            False, f"no pod matches {_describe(label_selector, None, ns)}", raise_on_invalid_phase
        )
    others = [f"{p.name} ({p.phase})" for p in pods if p.phase != phase]
    return verdict(
        not others, f"pods not in phase {phase}: {', '.join(others)}", raise_on_invalid_phase
    )


def count_pods(
    ctx: RunContext,
    label_selector: str,
    phase: str | None = None,
    ns: str = "default",
    secrets: Any = None,
) -> int:
    """How many pods match the selector (and the phase, when given)."""
    pods = matching_pods(ctx, ns, label_selector)
    return sum(1 for p in pods if phase is None or p.phase == phase)
