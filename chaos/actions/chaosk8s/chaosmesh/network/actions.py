"""``chaosk8s.chaosmesh.network.actions``: NetworkChaos faults, declared; run natively later."""

from __future__ import annotations

from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.declare import planned

__all__ = [
    "add_latency",
    "corrupt_packets",
    "delete_network_fault",
    "duplicate_packets",
    "reorder_packets",
    "set_bandwidth",
    "set_loss",
]


@planned(local=False)
def add_latency(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | list[str] | None = None,
    label_selectors: str | dict[str, Any] | None = None,
    annotations_selectors: str | dict[str, Any] | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    latency: str | None = None,
    correlation: str | None = None,
    jitter: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def set_loss(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    loss: str | None = None,
    correlation: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def duplicate_packets(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    duplicate: str | None = None,
    correlation: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def reorder_packets(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    reorder: str | None = None,
    correlation: str | None = None,
    gap: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def corrupt_packets(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    corrupt: str | None = None,
    correlation: str | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def set_bandwidth(
    ctx: RunContext,
    name: str,
    rate: str,
    limit: int,
    buffer: int,
    ns: str = "default",
    namespaces_selectors: str | None = None,
    label_selectors: str | None = None,
    annotations_selectors: str | None = None,
    mode: str = "one",
    mode_value: str | None = None,
    direction: str = "to",
    peakrate: int | None = None,
    minburst: int | None = None,
    external_targets: str | list[str] | None = None,
    target_mode: str | None = "one",
    target_mode_value: str | None = None,
    target_namespaces_selectors: str | list[str] | None = None,
    target_label_selectors: str | dict[str, Any] | None = None,
    target_annotations_selectors: str | dict[str, Any] | None = None,
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError


@planned(local=False)
def delete_network_fault(
    ctx: RunContext,
    name: str,
    ns: str = "default",
    secrets: Any = None,
) -> dict[str, Any]:
    raise NotImplementedError
