"""Validate an experiment dict, naming the exact place of every problem.

Messages look like ``method[0].provider.func: unknown chaosk8s function 'delete_pod'``.
Beyond the structure this checks what the Chaos Toolkit checks before a run (functions
exist and accept the given arguments, processes exist, refs resolve, tolerances are
well-formed) without importing any client library: ``chaosk8s`` names are looked up in
chaosrun's own registry, other python modules are imported as the Chaos Toolkit would.
"""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
from typing import Any

from pydantic import ValidationError

from chaos.actions.registry import NATIVE_MODULES, is_native_module, lookup
from chaos.experiment.loader import ExperimentError
from chaos.experiment.model import (
    Activity,
    Experiment,
    HttpProvider,
    ProcessProvider,
    PythonProvider,
    Ref,
)

_VAR_RE = re.compile(r"\$\{[^}]+\}")
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
TOLERANCE_TYPES = ("regex", "range")


def location(loc: tuple[int | str, ...]) -> str:
    """``('method', 0, '@activity', 'provider', 'func')`` -> ``method[0].provider.func``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("@") or part.startswith("function-"):
            continue
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def _message(error: Any) -> str:
    kind = error["type"]
    got = error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be {expected} (got {got!r})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return "must not be empty"
    if kind.endswith("_type") and kind != "provider_type":
        wanted = kind[: -len("_type")].replace("dict", "mapping").replace("_", " ")
        return f"must be a {wanted} (got {type(got).__name__})"
    msg = str(error["msg"])
    return msg[0].lower() + msg[1:] if msg else kind


def _pydantic_problems(exc: ValidationError) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] == "provider_type":
            loc = (*loc, "type")
        place = location(loc)
        # Unions report one error per member; keep the first per place.
        if place in seen:
            continue
        seen.add(place)
        problems.append(f"{place}: {_message(error)}")
    return problems


def validate_experiment(raw: dict[str, Any], source: str = "experiment") -> Experiment:
    """Return the model or raise ``ExperimentError`` listing every problem found."""
    try:
        experiment = Experiment.model_validate(raw)
    except ValidationError as exc:
        raise ExperimentError(source, _pydantic_problems(exc)) from None
    problems = _Checker(experiment).run()
    if problems:
        raise ExperimentError(source, problems)
    return experiment


def has_variables(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_VAR_RE.search(value))
    if isinstance(value, dict):
        return any(has_variables(v) for v in value.values())
    if isinstance(value, list):
        return any(has_variables(v) for v in value)
    return False


def check_signature(
    params: list[inspect.Parameter], arguments: dict[str, Any], what: str
) -> list[str]:
    """Problems with passing ``arguments`` by keyword to a function with ``params``."""
    problems: list[str] = []
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    names = {
        p.name
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }
    injected = {"configuration", "secrets"}
    for arg in arguments:
        if arg not in names and not accepts_any:
            problems.append(f"unexpected argument '{arg}' for {what}")
    for p in params:
        if (
            p.default is inspect.Parameter.empty
            and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
            and p.name not in arguments
            and p.name not in injected
        ):
            problems.append(f"missing required argument '{p.name}' for {what}")
    return problems


def check_tolerance(tolerance: Any) -> str | None:
    """What is wrong with a tolerance, or None."""
    if tolerance is None:
        return "a hypothesis probe needs a tolerance"
    if isinstance(tolerance, bool | int | float | str | list):
        return None
    if not isinstance(tolerance, dict):
        return f"unsupported tolerance of type {type(tolerance).__name__}"
    kind = tolerance.get("type")
    if kind not in TOLERANCE_TYPES:
        return f"unsupported tolerance type {kind!r} (chaosrun supports regex and range)"
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


class _Checker:
    def __init__(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self.problems: list[str] = []

    def add(self, place: str, message: str) -> None:
        self.problems.append(f"{place}: {message}")

    def run(self) -> list[str]:
        self.check_configuration(self.experiment.configuration, "configuration")
        self.check_configuration(self.experiment.secrets, "secrets", nested=True)
        hypothesis = self.experiment.steady_state_hypothesis
        if hypothesis is not None:
            for i, item in enumerate(hypothesis.probes):
                place = f"steady-state-hypothesis.probes[{i}]"
                self.check_item(item, place, hypothesis=True)
        for i, item in enumerate(self.experiment.method):
            self.check_item(item, f"method[{i}]")
        for i, item in enumerate(self.experiment.rollbacks):
            self.check_item(item, f"rollbacks[{i}]")
        return self.problems

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

    def check_item(self, item: Activity | Ref, place: str, hypothesis: bool = False) -> None:
        if isinstance(item, Ref):
            target = self.experiment.find(item.ref)
            if target is None:
                self.add(f"{place}.ref", f"no activity named {item.ref!r}")
            elif hypothesis and target.type != "probe":
                self.add(f"{place}.ref", f"{item.ref!r} is an action, not a probe")
            elif hypothesis and (problem := check_tolerance(target.tolerance)):
                self.add(f"{place}.ref", f"referenced probe {item.ref!r}: {problem}")
            return
        if hypothesis:
            if item.type != "probe":
                self.add(f"{place}.type", "the steady-state hypothesis may only hold probes")
            elif problem := check_tolerance(item.tolerance):
                self.add(f"{place}.tolerance", problem)
        if item.pauses is not None:
            for key in ("before", "after"):
                value = getattr(item.pauses, key)
                if isinstance(value, int | float) and value < 0:
                    self.add(f"{place}.pauses.{key}", "must not be negative")
                elif isinstance(value, str) and not has_variables(value):
                    self.add(f"{place}.pauses.{key}", f"must be a number (got {value!r})")
        provider = item.provider
        place = f"{place}.provider"
        if isinstance(provider, PythonProvider):
            self.check_python(provider, place)
        elif isinstance(provider, HttpProvider):
            self.check_http(provider, place)
        elif isinstance(provider, ProcessProvider):
            self.check_process(provider, place)

    def check_python(self, provider: PythonProvider, place: str) -> None:
        module, func = provider.module, provider.func
        if is_native_module(module):
            if module not in NATIVE_MODULES:
                supported = ", ".join(sorted(NATIVE_MODULES))
                self.add(
                    f"{place}.module",
                    f"module {module!r} is not supported by chaosrun (supported: {supported})",
                )
                return
            native = lookup(module, func)
            if native is None:
                family = module.split(".", 1)[0]
                known = ", ".join(NATIVE_MODULES[module])
                self.add(
                    f"{place}.func",
                    f"unknown {family} function {func!r} in {module} (known: {known})",
                )
                return
            for problem in check_signature(
                native.parameters(), provider.arguments, native.qualified
            ):
                self.add(f"{place}.arguments", problem)
            return
        try:
            mod = importlib.import_module(module)
        except Exception as exc:
            self.add(f"{place}.module", f"cannot import module {module!r} ({exc})")
            return
        function = getattr(mod, func, None)
        if not callable(function):
            self.add(f"{place}.func", f"module {module!r} has no function {func!r}")
            return
        try:
            params = list(inspect.signature(function).parameters.values())
        except (TypeError, ValueError):
            return
        for problem in check_signature(params, provider.arguments, f"{module}.{func}"):
            self.add(f"{place}.arguments", problem)

    def check_http(self, provider: HttpProvider, place: str) -> None:
        if not has_variables(provider.url) and not re.match(r"^https?://", provider.url):
            self.add(f"{place}.url", f"must start with http:// or https:// (got {provider.url!r})")
        if provider.method.upper() not in HTTP_METHODS:
            self.add(f"{place}.method", f"unsupported HTTP method {provider.method!r}")
        timeout = provider.timeout
        if isinstance(timeout, int | float) and timeout <= 0:
            self.add(f"{place}.timeout", "must be positive")
        if isinstance(timeout, list) and len(timeout) != 2:
            self.add(f"{place}.timeout", "must be a number or [connect, read]")

    def check_process(self, provider: ProcessProvider, place: str) -> None:
        path = provider.path
        if not has_variables(path) and shutil.which(path) is None:
            self.add(f"{place}.path", f"executable {path!r} cannot be found")
        if isinstance(provider.timeout, int | float) and provider.timeout <= 0:
            self.add(f"{place}.timeout", "must be positive")
