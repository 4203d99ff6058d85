"""Configuration and secrets: literals, ``{"type": "env"}`` entries, ``--var`` overrides and
``${name}`` substitution (a string that is exactly ``${x}`` keeps the value's type)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from chaos.errors import BadInput
from chaos.parsing import LimitExceeded, parse_json

_VAR_RE = re.compile(r"\$\{([^}]+)\}")
_EXACT_RE = re.compile(r"^\$\{([^}]+)\}$")
VAR_TYPES = ("str", "int", "float", "bool", "json")


class ConfigurationError(BadInput, ValueError):
    """A configuration entry or a --var cannot be resolved; the message names the place."""


def _convert(value: str, kind: str, place: str) -> Any:
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            lowered = value.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if kind == "json":
            return parse_json(value)
    except LimitExceeded as exc:
        raise ConfigurationError(f"{place}: {exc}") from None
    except ValueError:
        raise ConfigurationError(f"{place}: {value!r} is not a valid {kind}") from None
    return value


def resolve_entries(
    entries: Mapping[str, Any], place: str, environ: Mapping[str, str]
) -> dict[str, Any]:
    """Turn configuration entries into values (env entries read from ``environ``)."""
    resolved: dict[str, Any] = {}
    for name, value in entries.items():
        if isinstance(value, dict) and value.get("type") == "env":
            key = value["key"]
            if key in environ:
                kind = value.get("env_var_type", "str")
                resolved[name] = _convert(environ[key], kind, f"{place}.{name}")
            elif "default" in value:
                resolved[name] = value["default"]
            else:
                raise ConfigurationError(
                    f"{place}.{name}: environment variable {key} is not set and has no default"
                )
        else:
            resolved[name] = value
    return resolved


def resolve_configuration(
    entries: Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The experiment's configuration with ``--var`` overrides applied last.

    An overridden entry is not resolved from the environment at all, so
    ``--var frontend_url=...`` works even when ``FRONTEND_URL`` is unset.
    """
    overrides = dict(overrides or {})
    remaining = {k: v for k, v in entries.items() if k not in overrides}
    resolved = resolve_entries(
        remaining, "configuration", os.environ if environ is None else environ
    )
    resolved.update(overrides)
    return resolved


def resolve_secrets(
    entries: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Secrets are scoped: ``{"scope": {"name": literal-or-env}}``."""
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for scope, values in entries.items():
        if isinstance(values, dict) and "type" not in values:
            out[scope] = resolve_entries(values, f"secrets.{scope}", env)
        else:
            out[scope] = resolve_entries({scope: values}, "secrets", env)[scope]
    return out


def parse_var(text: str) -> tuple[str, Any]:
    """``key=value`` or ``key:type=value`` (type: str, int, float, bool, json)."""
    if "=" not in text:
        raise ConfigurationError(f"--var {text!r}: expected key=value")
    key, value = text.split("=", 1)
    kind = "str"
    if ":" in key:
        key, kind = key.split(":", 1)
    key = key.strip()
    if not key:
        raise ConfigurationError(f"--var {text!r}: the key is empty")
    if kind not in VAR_TYPES:
        raise ConfigurationError(
            f"--var {text!r}: unknown type {kind!r} (use one of {', '.join(VAR_TYPES)})"
        )
    return key, _convert(value, kind, f"--var {key}")


def substitute(value: Any, variables: Mapping[str, Any]) -> Any:
    """Replace ``${name}`` in strings, recursively; unknown names are left as they are."""
    if isinstance(value, str):
        exact = _EXACT_RE.match(value)
        if exact and exact.group(1) in variables:
            return variables[exact.group(1)]

        def repl(match: re.Match[str]) -> str:
            name = match.group(1)
            return str(variables[name]) if name in variables else match.group(0)

        return _VAR_RE.sub(repl, value)
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    return value
