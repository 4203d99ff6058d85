"""What ``chaos run`` reads besides the experiment: the settings file (global controls and
the ``runtime`` block), control files (``--control-file``), variable files
(``--var-file``), and the flags of the runtime strategies and ``--dry``.

Each file is read within ``chaos.parsing``'s bounds; a problem is one sentence naming the
file (``BadInput``, exit 2). A global control is checked as the experiment's controls
are: one that cannot run refuses the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaos.engine.strategies import RuntimeFlags
from chaos.errors import BadInput
from chaos.experiment.checks import DRY_MODES, check_tolerance
from chaos.experiment.controls import SAFEGUARDS_MODULE, control_shape_problems, import_problem
from chaos.experiment.shape import activity_conforms
from chaos.parsing import LimitExceeded, ParseError, parse_json, parse_yaml, read_capped

DEFAULT_SETTINGS = Path("~/.chaostoolkit/settings.yaml")


@dataclass(frozen=True)
class RunInputs:
    controls: list[dict[str, Any]] = field(default_factory=list)
    ctk_settings: dict[str, Any] = field(default_factory=dict)
    flags: RuntimeFlags = field(default_factory=RuntimeFlags)
    dry: str | None = None
    # From ``--var-file``: configuration values and secrets (per scope), before ``--var``.
    configuration: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)


def read_document(path: Path, what: str) -> dict[str, Any]:
    """A JSON or YAML mapping from ``path`` (``.json``: JSON; otherwise YAML, which JSON
    also is)."""
    try:
        text = read_capped(path.expanduser())
    except FileNotFoundError:
        raise BadInput(f"{what} {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, LimitExceeded) as exc:
        raise BadInput(f"{what} {path} cannot be read ({exc}).") from None
    try:
        data = parse_json(text) if path.suffix.lower() == ".json" else parse_yaml(text)
    except ParseError as exc:
        raise BadInput(f"{what} {path} is not valid: {exc}.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadInput(f"{what} {path} must hold a mapping at its top level.")
    return data


def _named_controls(entries: Any, source: str) -> list[dict[str, Any]]:
    """``{name: control}`` (the settings and control files' form) as named controls."""
    if entries is None:
        return []
    if not isinstance(entries, dict):
        raise BadInput(f"{source}: controls must be a mapping of control names to controls.")
    controls: list[dict[str, Any]] = []
    for name, declared in entries.items():
        control = {**declared, "name": name} if isinstance(declared, dict) else declared
        place = f"{source}: control '{name}'"
        for where, message in control_shape_problems(control):
            raise BadInput(f"{place}: {where + ': ' if where else ''}{message}.")
        module = control["provider"]["module"]
        if problem := import_problem(module):
            raise BadInput(f"{place}: {problem}.")
        if module == SAFEGUARDS_MODULE:
            _check_safeguards(control["provider"].get("arguments", {}), place)
        controls.append(control)
    return controls


def _check_safeguards(arguments: dict[str, Any], place: str) -> None:
    probes = arguments.get("probes")
    if not isinstance(probes, list) or not probes:
        raise BadInput(f"{place}: probes must be a non-empty list of probes.")
    for i, probe in enumerate(probes):
        if not activity_conforms(probe) or probe.get("type", "probe") != "probe":
            raise BadInput(f"{place}: probes[{i}] must be a probe with a name and a provider.")
        if "ref" not in probe and (problem := check_tolerance(probe.get("tolerance"))):
            raise BadInput(f"{place}: probes[{i}].tolerance: {problem}.")


def read_settings(path: Path | None) -> dict[str, Any]:
    """The settings file: ``path``, else the Chaos Toolkit's default one if it exists."""
    if path is None:
        default = DEFAULT_SETTINGS.expanduser()
        if not default.is_file():
            return {}
        path = default
    return read_document(path, "the settings file")


def global_controls(settings: dict[str, Any], control_files: list[Path]) -> list[dict[str, Any]]:
    controls = _named_controls(settings.get("controls"), "the settings file")
    for path in control_files:
        document = read_document(path, "the control file")
        # A control file is either a settings-like ``{"controls": {...}}`` or the mapping.
        entries = document.get("controls", document)
        controls.extend(_named_controls(entries, str(path)))
    return controls


def read_var_files(paths: list[Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(configuration, secrets)`` of the ``--var-file``s, later files winning."""
    configuration: dict[str, Any] = {}
    secrets: dict[str, Any] = {}
    for path in paths:
        document = read_document(path, "the --var-file")
        unknown = sorted(set(document) - {"configuration", "secrets"})
        if unknown:
            raise BadInput(
                f"the --var-file {path} may hold only 'configuration' and 'secrets' "
                f"(found {', '.join(map(repr, unknown))})."
            )
        config = document.get("configuration") or {}
        scopes = document.get("secrets") or {}
        if not isinstance(config, dict) or not isinstance(scopes, dict):
            raise BadInput(f"the --var-file {path}: 'configuration' and 'secrets' are mappings.")
        configuration.update(config)
        for scope, values in scopes.items():
            if not isinstance(values, dict):
                raise BadInput(f"the --var-file {path}: secrets.{scope} must be a mapping.")
            secrets.setdefault(scope, {}).update(values)
    return configuration, secrets


def merge_secrets(declared: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The experiment's secrets with the ``--var-file``'s values over them, per scope."""
    merged = dict(declared)
    for scope, values in given.items():
        current = merged.get(scope)
        base = current if isinstance(current, dict) and "type" not in current else {}
        merged[scope] = {**base, **values}
    return merged


__all__ = [
    "DEFAULT_SETTINGS",
    "DRY_MODES",
    "RunInputs",
    "global_controls",
    "merge_secrets",
    "read_document",
    "read_settings",
    "read_var_files",
]
