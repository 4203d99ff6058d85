"""Chaos Mesh faults as the custom objects chaosk8s 0.39 writes: NetworkChaos and StressChaos.

Chaos Mesh's controller does the harm; chaosrun only creates the object (undone by deleting it)
or deletes one (undone by re-creating it from its snapshot), through ``objects.py``.

Where 0.39 writes an object Chaos Mesh would refuse or misread, chaosrun writes what it meant:
``metadata.namespace`` (0.39: ``metadata.ns``), the ``bandwidth`` action (0.39: ``bandwdith``),
and ``stress_memory``'s ``memory`` stressor (0.39: a ``cpu`` one with the size as its load).
"""

from __future__ import annotations

from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.drivers.base import ObjectKind

GROUP, VERSION = "chaos-mesh.org", "v1alpha1"
# As ``chaos.actions.objects.custom`` names them (the run record's kinds).
NETWORK_CHAOS = ObjectKind(f"networkchaos.{VERSION}.{GROUP}", GROUP, VERSION, "networkchaos")
STRESS_CHAOS = ObjectKind(f"stresschaos.{VERSION}.{GROUP}", GROUP, VERSION, "stresschaos")
# A target's mode takes a value with these, as Chaos Mesh's selector spec says.
_VALUED_TARGET_MODES = ("fixed", "fixed-percent", "random-max-percent")


def _listed(value: str | list[str]) -> list[str]:
    return value.split(",") if isinstance(value, str) else list(value)


def _pairs(value: str | dict[str, Any], what: str) -> dict[str, Any]:
    """``a=b,c=d`` (or a mapping already) as the mapping Chaos Mesh's selectors take."""
    if isinstance(value, dict):
        return dict(value)
    pairs: dict[str, Any] = {}
    for item in value.split(","):
        key, sep, val = item.partition("=")
        if not sep:
            raise ActivityFailed(
                f"{what} must be key=value pairs separated by commas, not {value!r}"
            )
        pairs[key] = val
    return pairs


def selector(
    namespaces: str | list[str] | None,
    labels: str | dict[str, Any] | None,
    annotations: str | dict[str, Any] | None,
    prefix: str = "",
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if namespaces:
        found["namespaces"] = _listed(namespaces)
    if labels:
        found["labelSelectors"] = _pairs(labels, f"{prefix}label_selectors")
    if annotations:
        found["annotationSelectors"] = _pairs(annotations, f"{prefix}annotations_selectors")
    return found


def chaos_object(
    kind: str, name: str, ns: str, spec: dict[str, Any], mode: str, mode_value: str | None
) -> dict[str, Any]:
    """The object with the fields every Chaos Mesh fault shares (``mode``, its value)."""
    spec["mode"] = mode
    if mode == "fixed-percent":
        spec["value"] = mode_value
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": kind,
        "metadata": {"name": name, "namespace": ns},
        "spec": spec,
    }


def network_chaos(
    action: str,
    name: str,
    ns: str,
    fault: dict[str, Any],
    arguments: dict[str, Any],
) -> dict[str, Any]:
    """A NetworkChaos: ``fault`` is the action's own block (``delay``, ``loss``...), the
    shared arguments (selectors, mode, direction, target) come from ``arguments``."""
    spec: dict[str, Any] = {
        "action": action,
        "direction": arguments.get("direction", "to"),
        "selector": selector(
            arguments.get("namespaces_selectors"),
            arguments.get("label_selectors"),
            arguments.get("annotations_selectors"),
        ),
        "bandwidth" if action == "bandwidth" else action: {
            k: v for k, v in fault.items() if v not in (None, "")
        },
    }
    if external := arguments.get("external_targets"):
        spec["externalTargets"] = _listed(external)
    if target_mode := arguments.get("target_mode"):
        target: dict[str, Any] = {
            "mode": target_mode,
            "selector": selector(
                arguments.get("target_namespaces_selectors"),
                arguments.get("target_label_selectors"),
                arguments.get("target_annotations_selectors"),
                "target_",
            ),
        }
        if target_mode in _VALUED_TARGET_MODES:
            target["value"] = arguments.get("target_mode_value")
        spec["target"] = target
    return chaos_object(
        "NetworkChaos",
        name,
        ns,
        spec,
        arguments.get("mode", "one"),
        arguments.get("mode_value"),
    )


def stress_chaos(
    name: str, ns: str, stressors: dict[str, Any], arguments: dict[str, Any]
) -> dict[str, Any]:
    """A StressChaos with ``stressors`` (``{"cpu": {...}}`` or ``{"memory": {...}}``)."""
    spec: dict[str, Any] = {
        "selector": selector(
            arguments.get("namespaces_selectors"),
            arguments.get("label_selectors"),
            arguments.get("annotations_selectors"),
        ),
        "stressors": {
            kind: {k: v for k, v in values.items() if v is not None}
            for kind, values in stressors.items()
        },
        "duration": arguments.get("duration", "30s"),
        "direction": arguments.get("direction", "to"),
    }
    if containers := arguments.get("container_names"):
        spec["containerNames"] = _listed(containers)
    if stressng := arguments.get("stressng_stressors"):
        spec["stressngStressors"] = stressng
    return chaos_object(
        "StressChaos", name, ns, spec, arguments.get("mode", "one"), arguments.get("mode_value")
    )
