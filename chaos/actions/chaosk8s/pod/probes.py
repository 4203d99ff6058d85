"""``chaosk8s.pod.probes``: pods' phases, conditions and logs."""

from __future__ import annotations

import re
from typing import Any

from chaos.actions import pods
from chaos.actions.context import RunContext
from chaos.actions.declare import probe
from chaos.actions.durations import duration_problem, seconds_ago
from chaos.actions.errors import ActivityFailed
from chaos.actions.reads import field, items, verdict
from chaos.drivers.base import PODS, LogRequest

__all__ = [
    "count_min_pods",
    "count_pods",
    "pod_is_not_available",
    "pods_in_conditions",
    "pods_in_phase",
    "pods_not_in_phase",
    "read_pod_logs",
    "should_be_found_in_logs",
]

pods_in_phase = probe()(pods.pods_in_phase)
count_pods = probe()(pods.count_pods)


def _missing(label_selector: str) -> str:
    return f"no pods '{label_selector}' were found"


def _last_problems(arguments: dict[str, Any]) -> list[str]:
    value = arguments.get("last")
    problem = None if isinstance(value, str) and "${" in value else duration_problem(value)
    return [problem] if problem else []


@probe(check=_last_problems)
def read_pod_logs(
    ctx: RunContext,
    name: str | None = None,
    last: str | None = None,
    ns: str = "default",
    from_previous: bool = False,
    label_selector: str = "name in ({name})",
    container_name: str | None = None,
    secrets: Any = None,
) -> dict[str, str]:
    """The logs of the pods selected (``{name}`` in the selector is ``name``), by pod name;
    ``last`` ("10 minutes") keeps only that much of them."""
    selector = label_selector.format(name=name) if label_selector else None
    request = LogRequest(
        container=container_name, since_seconds=seconds_ago(last), previous=from_previous
    )
    driver = ctx.driver()
    return {
        pod["metadata"]["name"]: driver.read_log(pod["metadata"]["name"], ns, request)
        for pod in items(ctx, PODS, ns, selector)
    }


@probe()
def pods_in_conditions(
    ctx: RunContext,
    label_selector: str,
    conditions: list[dict[str, str]],
    ns: str = "default",
    raise_on_invalid_conditions: bool = True,
    secrets: Any = None,
) -> bool:
    """True when every selected pod has each of ``conditions`` (``type`` and ``status``)."""
    found = items(ctx, PODS, ns, label_selector)
    if not found:
        return verdict(False, _missing(label_selector), raise_on_invalid_conditions)
    for pod in found:
        have = [
            {"type": c.get("type"), "status": c.get("status")}
            for c in field(pod, "status", "conditions") or []
        ]
        for condition in conditions:
            if condition not in have:
                return verdict(
                    False,
                    f"pod {pod['metadata']['name']} does not match the condition {condition}",
                    raise_on_invalid_conditions,
                )
    return True


@probe()
def pods_not_in_phase(
    ctx: RunContext,
    label_selector: str,
    phase: str = "Running",
    ns: str = "default",
    raise_on_in_phase: bool = True,
    secrets: Any = None,
) -> bool:
    """True when pods match and none of them is in ``phase``."""
    found = items(ctx, PODS, ns, label_selector)
    if not found:
        return verdict(False, _missing(label_selector), raise_on_in_phase)
    inside = [p["metadata"]["name"] for p in found if field(p, "status", "phase") == phase]
    return verdict(
        not inside,
        f"pods {', '.join(inside)} should not be in phase '{phase}'",
        raise_on_in_phase,
    )


@probe()
def pod_is_not_available(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    label_selector: str = "name in ({name})",
    raise_on_is_available: bool = True,
    secrets: Any = None,
) -> bool:
    """True unless one of the pods selected (``{name}`` is ``name``) is Running."""
    selector = label_selector.format(name=name) if label_selector else None
    running = any(field(p, "status", "phase") == "Running" for p in items(ctx, PODS, ns, selector))
    return verdict(not running, f"pod '{name}' is actually running", raise_on_is_available)


@probe()
def count_min_pods(
    ctx: RunContext,
    label_selector: str,
    phase: str = "Running",
    min_count: int = 2,
    ns: str = "default",
    secrets: Any = None,
) -> bool:
    """True when at least ``min_count`` selected pods are in ``phase``."""
    return pods.count_pods(ctx, label_selector, phase=phase, ns=ns) >= min_count


@probe(uses_target=False)
def should_be_found_in_logs(
    ctx: RunContext,
    pattern: str,
    all_containers: bool = True,
    value: dict[str, str] | None = None,
    secrets: Any = None,
) -> bool:
    """Whether ``pattern`` is found in the logs ``read_pod_logs`` returned (``value``, passed
    by the Chaos Toolkit's tolerance): in every one with ``all_containers``, else in one."""
    if not value:
        raise ActivityFailed("no logs to search from")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ActivityFailed(f"invalid pattern {pattern!r}: {exc}") from None
    matched = sum(1 for logs in value.values() if compiled.search(str(logs)))
    return matched == len(value) if all_containers else matched > 0
