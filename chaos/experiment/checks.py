"""What the Chaos Toolkit checks before a run, beyond the structure.

Refs resolve, tolerances are well-formed, pauses are sane, and each provider passes its
own type's checks (``chaos.providers``: functions exist and accept the given arguments,
processes exist ...). The checks read the experiment as a dict whose structure is already
known to be valid (by the model, or by ``chaos.experiment.shape``); missing optional keys
take the model's defaults. No client library and no pydantic is imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from chaos.experiment.controls import control_lists, controls_problems, ref_problems
from chaos.experiment.runtime import runtime_problems
from chaos.experiment.shape import activity_conforms
from chaos.providers import PROVIDERS
from chaos.values import seconds_problem

TOLERANCE_TYPES = ("regex", "range", "jsonpath", "probe")
# ``--dry``'s modes, also an activity's own ``dry``.
DRY_MODES = ("actions", "probes", "activities", "pause")
HYPOTHESIS = "steady-state-hypothesis"
# A pause longer than a day is a typo (and the clock cannot wait out an enormous one).
MAX_PAUSE = 24 * 60 * 60


def check_tolerance(tolerance: Any) -> str | None:
    """What is wrong with a tolerance, or None."""
    if tolerance is None:
        return "a hypothesis probe needs a tolerance"
    if isinstance(tolerance, float):
        # chaostoolkit-lib refuses it too, and would never find one met.
        return f"a number tolerance must be a whole number, not {tolerance!r} (use a range)"
    if isinstance(tolerance, bool | int | str | list):
        return None
    if not isinstance(tolerance, dict):
        return f"unsupported tolerance of type {type(tolerance).__name__}"
    kind = tolerance.get("type")
    if kind not in TOLERANCE_TYPES:
        return f"unsupported tolerance type {kind!r} (use regex, range, jsonpath or probe)"
    if kind == "probe":
        return _probe_tolerance_problem(tolerance)
    if kind == "jsonpath":
        return _jsonpath_problem(tolerance)
    if kind == "regex":
        pattern = tolerance.get("pattern")
        if not isinstance(pattern, str):
            return "a regex tolerance needs a 'pattern' string"
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"invalid regex pattern {pattern!r} ({exc})"
        return None
    bounds = tolerance.get("range")
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
    ):
        return "a range tolerance needs 'range': [min, max] with two numbers"
    if bounds[0] > bounds[1]:
        return f"the range's min {bounds[0]} is greater than its max {bounds[1]}"
    return None


def _probe_tolerance_problem(tolerance: dict[str, Any]) -> str | None:
    """A probe tolerance is a probe, called with the checked output as ``value``. As in the
    Chaos Toolkit, only the arguments written in it are checked: a function that does not
    take ``value`` passes validation (and fails, so is not met, when it runs)."""
    if not activity_conforms(tolerance) or "ref" in tolerance:
        return "a probe tolerance must be a probe with a name and a provider"
    provider = dict(tolerance["provider"])
    kind = PROVIDERS[provider["type"]]
    found = kind.check(kind.read(provider))
    if found and provider["type"] == "python":
        # A required ``value`` is not missing: the run passes it.
        provider["arguments"] = {**provider.get("arguments", {}), "value": None}
        with_value = kind.check(kind.read(provider))
        found = [problem for problem in found if problem in with_value]
    return f"its provider.{found[0].field}: {found[0].message}" if found else None


def _jsonpath_problem(tolerance: dict[str, Any]) -> str | None:
    path = tolerance.get("path")
    if not isinstance(path, str) or not path.strip():
        return "a jsonpath tolerance needs a 'path' string"
    count = tolerance.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        return "a jsonpath tolerance's 'count' must be a whole number"
    from jsonpath_ng.ext import parse

    try:
        parse(path)
    except Exception as exc:
        return f"invalid JSON path {path!r} ({str(exc).strip() or type(exc).__name__})"
    return None


def pause_problem(value: Any) -> str | None:
    """What is wrong with a pause of ``value`` seconds, or None."""
    if problem := seconds_problem(value):
        return problem
    if isinstance(value, int | float) and value < 0:
        return "must not be negative"
    if isinstance(value, int | float) and value > MAX_PAUSE:
        return f"must be at most {MAX_PAUSE} seconds (got {value:g})"
    return None


def _is_ref(item: dict[str, Any]) -> bool:
    return "ref" in item


def _items(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """``(place, activity-or-ref, in the hypothesis)`` in the order of the file."""
    hypothesis = doc.get(HYPOTHESIS)
    if hypothesis is not None:
        for i, item in enumerate(hypothesis.get("probes", [])):
            yield f"{HYPOTHESIS}.probes[{i}]", item, True
    for i, item in enumerate(doc["method"]):
        yield f"method[{i}]", item, False
    for i, item in enumerate(doc.get("rollbacks", [])):
        yield f"rollbacks[{i}]", item, False


def find_activity(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The first concrete activity called ``name`` (what a ``ref`` points to)."""
    return next(
        (item for _, item, _ in _items(doc) if not _is_ref(item) and item["name"] == name), None
    )


def unset_environment(doc: dict[str, Any], environ: Mapping[str, str]) -> list[str]:
    """Configuration and secrets read from an environment variable that is unset and has
    no default: ``run`` refuses them, so ``validate`` says so too."""
    problems: list[str] = []

    def walk(entries: Any, place: str, nested: bool) -> None:
        if not isinstance(entries, dict):
            return
        for name, value in entries.items():
            if not isinstance(value, dict):
                continue
            if "type" not in value and nested:
                walk(value, f"{place}.{name}", False)
            elif (
                value.get("type") == "env"
                and isinstance(value.get("key"), str)
                and value["key"] not in environ
                and "default" not in value
            ):
                problems.append(
                    f"{place}.{name}: environment variable {value['key']} is not set "
                    "and has no default"
                )

    walk(doc.get("configuration"), "configuration", False)
    walk(doc.get("secrets"), "secrets", True)
    return problems


def semantic_problems(doc: dict[str, Any]) -> list[str]:
    """Every ``place: what is wrong`` line for a structurally valid experiment dict."""
    return _Checker(doc).run()


class _Checker:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.problems: list[str] = []

    def add(self, place: str, message: str) -> None:
        self.problems.append(f"{place}: {message}")

    def run(self) -> list[str]:
        self.check_configuration(self.doc.get("configuration", {}), "configuration")
        self.check_configuration(self.doc.get("secrets", {}), "secrets", nested=True)
        for place, item, hypothesis in _items(self.doc):
            self.check_item(item, place, hypothesis)
        self.problems.extend(runtime_problems(self.doc.get("runtime")))
        for place, controls in control_lists(self.doc):
            self.problems.extend(controls_problems(controls, place, self.check_safeguard))
        self.problems.extend(ref_problems(self.doc))
        return self.problems

    def check_safeguard(self, place: str, probe: Any) -> list[str]:
        """A safeguard's probe is checked as a hypothesis probe, plus its schedule."""
        if not activity_conforms(probe):
            return [f"{place}: must be a probe with a name, a provider and a tolerance"]
        saved, self.problems = self.problems, []
        try:
            self.check_item(probe, place, True)
        finally:
            found, self.problems = self.problems, saved
        frequency = None if _is_ref(probe) else probe.get("frequency")
        if frequency is not None and (
            isinstance(frequency, bool) or not isinstance(frequency, int | float) or frequency <= 0
        ):
            found.append(f"{place}.frequency: must be a positive number of seconds")
        return found

    def check_configuration(
        self, entries: dict[str, Any], place: str, nested: bool = False
    ) -> None:
        for key, value in entries.items():
            if nested and isinstance(value, dict) and "type" not in value:
                self.check_configuration(value, f"{place}.{key}")
                continue
            if not isinstance(value, dict) or "type" not in value:
                continue
            if value["type"] != "env":
                self.add(
                    f"{place}.{key}.type",
                    f"unsupported type {value['type']!r} (chaosrun supports literals and 'env')",
                )
            elif not isinstance(value.get("key"), str) or not value.get("key"):
                self.add(f"{place}.{key}.key", "an 'env' entry needs the variable's name")

    def check_ref(self, ref: str, place: str, hypothesis: bool) -> None:
        target = find_activity(self.doc, ref)
        if target is None:
            self.add(f"{place}.ref", f"no activity named {ref!r}")
        elif hypothesis and target["type"] != "probe":
            self.add(f"{place}.ref", f"{ref!r} is an action, not a probe")
        elif hypothesis and (problem := check_tolerance(target.get("tolerance"))):
            self.add(f"{place}.ref", f"referenced probe {ref!r}: {problem}")

    def check_item(self, item: dict[str, Any], place: str, hypothesis: bool) -> None:
        if _is_ref(item):
            self.check_ref(item["ref"], place, hypothesis)
            return
        if hypothesis:
            if item["type"] != "probe":
                self.add(f"{place}.type", "the steady-state hypothesis may only hold probes")
            elif problem := check_tolerance(item.get("tolerance")):
                self.add(f"{place}.tolerance", problem)
        pauses = item.get("pauses")
        if pauses is not None:
            for key in ("before", "after"):
                if problem := pause_problem(pauses.get(key)):
                    self.add(f"{place}.pauses.{key}", problem)
        dry = item.get("dry")
        if dry is not None and dry not in DRY_MODES:
            self.add(f"{place}.dry", f"must be one of {', '.join(DRY_MODES)} (got {dry!r})")
        provider = item["provider"]
        kind = PROVIDERS[provider["type"]]
        for found in kind.check(kind.read(provider)):
            self.add(f"{place}.provider.{found.field}", found.message)
