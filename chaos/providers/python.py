"""The ``python`` provider.

``chaosk8s.*`` and ``chaosrun.*`` functions run chaosrun's own implementations with the
run context; any other module is imported and its function called the way the Chaos
Toolkit does, with ``configuration``/``secrets`` passed when the function declares them.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from chaos.actions.context import RunContext
from chaos.actions.errors import ActivityFailed
from chaos.actions.registry import is_native_module, lookup
from chaos.experiment.model import PythonProvider


def _scoped_secrets(provider: PythonProvider, secrets: dict[str, Any]) -> dict[str, Any]:
    names = provider.secrets
    if names is None:
        return {}
    scopes = [names] if isinstance(names, str) else names
    merged: dict[str, Any] = {}
    for scope in scopes:
        value = secrets.get(scope)
        if isinstance(value, dict):
            merged.update(value)
    return merged


def run_python(
    provider: PythonProvider,
    ctx: RunContext,
    configuration: dict[str, Any],
    secrets: dict[str, Any],
) -> Any:
    arguments = dict(provider.arguments)
    if is_native_module(provider.module):
        native = lookup(provider.module, provider.func)
        if native is None:
            raise ActivityFailed(f"unknown function {provider.module}.{provider.func}")
        if ctx.namespace and "ns" not in arguments:
            arguments["ns"] = ctx.namespace
        return native.impl(ctx, **arguments)
    try:
        module = importlib.import_module(provider.module)
    except Exception as exc:
        raise ActivityFailed(f"cannot import module {provider.module!r}: {exc}") from None
    function = getattr(module, provider.func, None)
    if not callable(function):
        raise ActivityFailed(f"module {provider.module!r} has no function {provider.func!r}")
    try:
        params = inspect.signature(function).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    if "configuration" in params:
        arguments["configuration"] = configuration
    if "secrets" in params:
        arguments["secrets"] = _scoped_secrets(provider, secrets)
    return function(**arguments)
