"""The ``python`` provider.

``chaosk8s.*``, ``chaosprometheus.*`` and ``chaosrun.*`` functions run chaosrun's own
implementations with the run context; any other module is imported and its function called
the way the Chaos Toolkit does. Either gets ``configuration``/``secrets`` when it declares them.
Validation imports those other modules too, as the Chaos Toolkit's does.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chaos.actions.errors import ActivityFailed
from chaos.actions.families import EXTENSION_PACKAGES, is_native_module
from chaos.providers.base import Call, NonEmptyText, Problem, ProviderType, TargetUse

if TYPE_CHECKING:
    from chaos.actions.registry import NativeFunction

# Passed by the runner when the function declares them, never by the experiment.
_INJECTED = ("configuration", "secrets")
_BY_KEYWORD = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@dataclass(frozen=True)
class PythonSpec:
    module: NonEmptyText
    func: NonEmptyText
    arguments: dict[str, Any] = field(default_factory=dict)
    # The secrets scopes the function receives.
    secrets: list[str] | str | None = None


def signature_problems(
    params: list[inspect.Parameter], arguments: dict[str, Any], what: str
) -> list[str]:
    """Problems with passing ``arguments`` by keyword to a function with ``params``."""
    problems: list[str] = []
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    names = {p.name for p in params if p.kind in _BY_KEYWORD}
    for arg in arguments:
        if arg not in names and not accepts_any:
            problems.append(f"unexpected argument '{arg}' for {what}")
    for p in params:
        if (
            p.default is inspect.Parameter.empty
            and p.kind in _BY_KEYWORD
            and p.name not in arguments
            and p.name not in _INJECTED
        ):
            problems.append(f"missing required argument '{p.name}' for {what}")
    return problems


def import_problem(module: str, exc: Exception) -> str:
    """Why ``module`` cannot be imported, naming what to install when it is missing."""
    root = module.split(".", 1)[0]
    if isinstance(exc, ModuleNotFoundError) and exc.name in (root, module):
        package = EXTENSION_PACKAGES.get(root)
        install = f"pip install {package}" if package else f"install the package providing {root!r}"
        return f"cannot import module {module!r}: it is not installed ({install})"
    return f"cannot import module {module!r} ({exc})"


def _native(module: str, func: str) -> NativeFunction | None:
    # The registry imports a module's functions to read their signatures: only when named.
    from chaos.actions.registry import lookup

    return lookup(module, func)


def _check_native(spec: PythonSpec) -> list[Problem]:
    from chaos.actions.registry import functions_in, native_modules

    module, func = spec.module, spec.func
    if module not in native_modules():
        supported = ", ".join(sorted(native_modules()))
        message = f"module {module!r} is not supported by chaosrun (supported: {supported})"
        return [Problem("module", message)]
    native = _native(module, func)
    if native is None:
        family = module.split(".", 1)[0]
        known = ", ".join(functions_in(module))
        return [Problem("func", f"unknown {family} function {func!r} in {module} (known: {known})")]
    problems = signature_problems(native.parameters(), spec.arguments, native.qualified)
    if native.check is not None:
        problems += [f"{p} for {native.qualified}" for p in native.check(spec.arguments)]
    return [Problem("arguments", problem) for problem in problems]


def check(spec: PythonSpec) -> list[Problem]:
    if is_native_module(spec.module):
        return _check_native(spec)
    module, func = spec.module, spec.func
    try:
        mod = importlib.import_module(module)
    except Exception as exc:
        return [Problem("module", import_problem(module, exc))]
    function = getattr(mod, func, None)
    # As the Chaos Toolkit: a function or a builtin, not any callable (``random.choice`` is
    # a bound method).
    if not (inspect.isfunction(function) or inspect.isbuiltin(function)):
        return [Problem("func", f"module {module!r} has no function {func!r}")]
    try:
        params = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return []
    return [
        Problem("arguments", problem)
        for problem in signature_problems(params, spec.arguments, f"{module}.{func}")
    ]


def _scoped_secrets(spec: PythonSpec, secrets: dict[str, Any]) -> dict[str, Any]:
    names = spec.secrets
    if names is None:
        return {}
    scopes = [names] if isinstance(names, str) else names
    merged: dict[str, Any] = {}
    for scope in scopes:
        value = secrets.get(scope)
        if isinstance(value, dict):
            merged.update(value)
    return merged


def run(spec: PythonSpec, call: Call) -> Any:
    arguments = dict(spec.arguments)
    if is_native_module(spec.module):
        native = _native(spec.module, spec.func)
        if native is None:
            raise ActivityFailed(f"unknown function {spec.module}.{spec.func}")
        refusal = native.refusal(call.ctx.driver().target if native.uses_target else "")
        if refusal is not None:  # the session refuses it before the run: this is a backstop
            raise ActivityFailed(refusal)
        declared = {p.name for p in native.parameters()}
        if call.ctx.namespace and "ns" in declared and "ns" not in arguments:
            arguments["ns"] = call.ctx.namespace
        _inject(arguments, declared, spec, call)
        return native.impl(call.ctx, **arguments)
    try:
        module = importlib.import_module(spec.module)
    except Exception as exc:
        raise ActivityFailed(import_problem(spec.module, exc)) from None
    function = getattr(module, spec.func, None)
    if not callable(function):
        raise ActivityFailed(f"module {spec.module!r} has no function {spec.func!r}")
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    _inject(arguments, set(params), spec, call)
    return function(**arguments)


def _inject(arguments: dict[str, Any], declared: set[str], spec: PythonSpec, call: Call) -> None:
    if "configuration" in declared:
        arguments["configuration"] = call.configuration
    if "secrets" in declared:
        arguments["secrets"] = _scoped_secrets(spec, call.secrets)


def _is_native(spec: PythonSpec) -> bool:
    # chaosrun's own functions on the target take the run context, which carries the dry run;
    # the others (Prometheus queries) are skipped in one, as http probes are.
    if not is_native_module(spec.module):
        return False
    native = _native(spec.module, spec.func)
    return native is None or native.uses_target


def _target_use(spec: PythonSpec, namespace: str) -> TargetUse | None:
    # Only chaosrun's own functions reach the target; other modules bring their own clients.
    if not is_native_module(spec.module):
        return None
    native = _native(spec.module, spec.func)
    if native is not None and not native.uses_target:
        return None
    destructive = native is not None and native.destructive
    return TargetUse(
        spec.arguments.get("ns", namespace),
        destructive,
        refusal=native.refusal("kubernetes") if native else None,
        local_refusal=native.refusal("local") if native else None,
        irreversible=native.irreversible_refusal if native else None,
    )


PROVIDER = ProviderType(
    name="python",
    spec=PythonSpec,
    check=check,
    run=run,
    runs_in_dry_run=_is_native,
    target_use=_target_use,
)
