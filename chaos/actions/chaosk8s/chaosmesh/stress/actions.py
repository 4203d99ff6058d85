"""``chaosk8s.chaosmesh.stress.actions``: StressChaos faults, as chaosk8s 0.39 writes them.

Each creates a StressChaos object (the undo deletes it); ``delete_stressor`` deletes one (the
undo re-creates it from its snapshot). Chaos Mesh must be installed for one to bite."""

from __future__ import annotations

from typing import Any

from chaos.actions import objects
from chaos.actions.chaosmesh import STRESS_CHAOS, stress_chaos
from chaos.actions.context import RunContext
from chaos.actions.declare import DELETED_BACK, FROM_SNAPSHOT, declare

__all__ = ["delete_stressor", "stress_cpu", "stress_memory"]


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def stress_cpu(
    ctx: RunContext,
    name: str,
    workers: int,
    load: int,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    duration: str = "30s",
    container_names: str | list[str] | None = None,
    stressng_stressors: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    stressors = {"cpu": {"workers": workers, "load": load}}
    return objects.create(ctx, STRESS_CHAOS, ns, stress_chaos(name, ns, stressors, locals()))


@declare("action", destructive=True, local=False, undo=DELETED_BACK)
def stress_memory(
    ctx: RunContext,
    name: str,
    workers: int | None = None,
    size: str | None = None,
    oom_score: int | None = None,
    time_to_get_to_size: str | None = None,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    duration: str = "30s",
    container_names: str | list[str] | None = None,
    stressng_stressors: str | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    memory = {
        "workers": workers,
        "size": size,
        "time": time_to_get_to_size,
        "oomScoreAdj": oom_score,
    }
    stressors = {"memory": memory}
    return objects.create(ctx, STRESS_CHAOS, ns, stress_chaos(name, ns, stressors, locals()))


@declare("action", destructive=True, local=False, undo=FROM_SNAPSHOT)
def delete_stressor(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    return objects.delete(ctx, STRESS_CHAOS, ns, name)
