"""``chaosk8s.chaosmesh.stress.actions``: StressChaos faults, declared; run natively later."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = ["delete_stressor", "stress_cpu", "stress_memory"]


@planned(local=False)
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
    raise NotImplementedError


@planned(local=False)
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
    raise NotImplementedError


@planned(local=False)
def delete_stressor(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError
