"""Controls as the Chaos Toolkit declares them: where they sit in a file and what makes one
valid, without pydantic.

A control is ``{"name": ..., "provider": {"type": "python", "module": ..., "arguments":
{...}}, "scope": "before"|"after", "automatic": bool}``, declared at the top of the
experiment, in the steady-state hypothesis or on an activity (and globally, in a settings
or control file). Its module must import: a control that cannot run is refused, never
skipped. ``chaosaddons.controls.safeguards`` is run natively by chaosrun, so it needs no
installation; its ``probes`` are checked as hypothesis probes are.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

SAFEGUARDS_MODULE = "chaosaddons.controls.safeguards"
NATIVE_CONTROL_MODULES = frozenset({SAFEGUARDS_MODULE})
SCOPES = ("before", "after")
_SAFEGUARD_ARGUMENTS = ("probes", "interrupt_after_activity")

# (place, probe) -> the problems of a safeguard probe, as ``place: message`` lines.
ProbeCheck = Callable[[str, Any], list[str]]


def control_lists(doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(place, the value of a "controls" key)`` wherever the file declares controls."""
    if "controls" in doc:
        yield "controls", doc["controls"]
    hypothesis = doc.get("steady-state-hypothesis")
    if isinstance(hypothesis, dict):
        if "controls" in hypothesis:
            yield "steady-state-hypothesis.controls", hypothesis["controls"]
        probes = hypothesis.get("probes")
        yield from _activity_controls("steady-state-hypothesis.probes", probes)
    yield from _activity_controls("method", doc.get("method"))
    yield from _activity_controls("rollbacks", doc.get("rollbacks"))


def _activity_controls(place: str, items: Any) -> Iterator[tuple[str, Any]]:
    if not isinstance(items, list):
        return
    for i, item in enumerate(items):
        if isinstance(item, dict) and "controls" in item:
            yield f"{place}[{i}].controls", item["controls"]


def _text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def control_shape_problems(control: Any) -> list[tuple[str, str]]:
    """``(field, message)`` for each structural problem of one control declaration."""
    if not isinstance(control, dict):
        return [("", "a control must be a mapping with a name and a provider")]
    problems: list[tuple[str, str]] = []
    if "name" not in control:
        problems.append(("name", "is required"))
    elif not _text(control["name"]):
        problems.append(("name", "must be a non-empty string"))
    provider = control.get("provider")
    if provider is None:
        problems.append(("provider", "is required"))
    elif not isinstance(provider, dict):
        problems.append(("provider", "must be a mapping with a type and a module"))
    else:
        if provider.get("type") != "python":
            problems.append(
                ("provider.type", "must be 'python' (the only kind of control that runs)")
            )
        if not _text(provider.get("module")):
            problems.append(("provider.module", "must name the control's Python module"))
        if not isinstance(provider.get("arguments", {}), dict):
            problems.append(("provider.arguments", "must be a mapping of argument names"))
    if control.get("scope") is not None and control.get("scope") not in SCOPES:
        problems.append(("scope", "must be 'before' or 'after'"))
    if not isinstance(control.get("automatic", True), bool):
        problems.append(("automatic", "must be true or false"))
    return problems


def controls_conform(value: Any) -> bool:
    """True when ``value`` is a list of structurally valid controls (the fast path)."""
    return isinstance(value, list) and all(not control_shape_problems(c) for c in value)


def import_problem(module: str) -> str | None:
    """Why a control's module cannot be used, or None (native modules always can)."""
    if module in NATIVE_CONTROL_MODULES:
        return None
    try:
        importlib.import_module(module)
    except Exception as exc:
        return f"cannot import the control module {module!r} ({exc}), so the control cannot run"
    return None


def own_validation_problem(control: dict[str, Any]) -> str | None:
    """What the control module's own ``validate_control(control)`` raises, if it defines
    one (chaostoolkit-lib calls it when validating an experiment)."""
    module = control["provider"]["module"]
    if module in NATIVE_CONTROL_MODULES:
        return None
    validate = getattr(importlib.import_module(module), "validate_control", None)
    if not callable(validate):
        return None
    try:
        validate(control)
    except Exception as exc:
        return f"the control module {module!r} refuses it: {str(exc) or type(exc).__name__}"
    return None


def ref_problems(doc: dict[str, Any]) -> list[str]:
    """A control given by ``ref`` names a control declared (without ``ref``) in the file."""
    declared = [
        (f"{place}[{i}]", control)
        for place, controls in control_lists(doc)
        if isinstance(controls, list)
        for i, control in enumerate(controls)
        if isinstance(control, dict)
    ]
    names = {_key(c.get("name")) for _, c in declared if "ref" not in c}
    return [
        f"{here}.ref: no control named {control['ref']!r} is declared"
        for here, control in declared
        if "ref" in control and _key(control["ref"]) not in names
    ]


def _key(name: Any) -> Any:
    """A name to compare: as written, or its repr when it cannot be hashed (a mapping given
    where a name belongs, which the schema reports)."""
    return name if isinstance(name, str | int | float | bool | None) else repr(name)


def _safeguard_problems(arguments: dict[str, Any], place: str, check: ProbeCheck) -> list[str]:
    problems = [
        f"{place}.{name}: unexpected argument for the safeguards control"
        for name in arguments
        if name not in _SAFEGUARD_ARGUMENTS
    ]
    after = arguments.get("interrupt_after_activity")
    if after is not None and not isinstance(after, bool):
        problems.append(f"{place}.interrupt_after_activity: must be true or false")
    probes = arguments.get("probes")
    if not isinstance(probes, list) or not probes:
        problems.append(f"{place}.probes: must be a non-empty list of probes")
        return problems
    for i, probe in enumerate(probes):
        problems.extend(check(f"{place}.probes[{i}]", probe))
    return problems


def controls_problems(value: Any, place: str, check: ProbeCheck) -> list[str]:
    """Every ``place: message`` line for one ``controls`` list."""
    if not isinstance(value, list):
        return [f"{place}: must be a list of controls"]
    problems: list[str] = []
    for i, control in enumerate(value):
        here = f"{place}[{i}]"
        shape = control_shape_problems(control)
        problems.extend(f"{here}.{f}: {m}" if f else f"{here}: {m}" for f, m in shape)
        if shape:
            continue
        module = control["provider"]["module"]
        if problem := import_problem(module):
            problems.append(f"{here}.provider.module: {problem}")
        elif problem := own_validation_problem(control):
            problems.append(f"{here}: {problem}")
        elif module == SAFEGUARDS_MODULE:
            arguments = control["provider"].get("arguments", {})
            problems.extend(_safeguard_problems(arguments, f"{here}.provider.arguments", check))
    return problems


__all__ = [
    "NATIVE_CONTROL_MODULES",
    "SAFEGUARDS_MODULE",
    "SCOPES",
    "control_lists",
    "control_shape_problems",
    "controls_conform",
    "controls_problems",
    "import_problem",
    "own_validation_problem",
    "ref_problems",
]
