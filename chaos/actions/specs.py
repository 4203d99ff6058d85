"""Object bodies as chaosk8s' crd functions take them: a mapping, a YAML (or JSON) file, or a
JSON or YAML string; parsed within chaosrun's bounds (``chaos.parsing``). A spec file of the
other modules is ``mutations.load_spec``'s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chaos.actions.errors import ActivityFailed
from chaos.parsing import ParseError, parse_json, parse_yaml, read_capped

YAML_SUFFIXES = (".yml", ".yaml")


def parse_text(text: str, as_yaml: bool, what: str) -> dict[str, Any]:
    try:
        data = parse_yaml(text) if as_yaml else parse_json(text)
    except ParseError as exc:
        raise ActivityFailed(
            f"{what} is not valid {'YAML' if as_yaml else 'JSON'}: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise ActivityFailed(f"{what} must be a mapping (an object), not {type(data).__name__}")
    return data


def _read(path: str) -> str:
    try:
        return read_capped(Path(path))
    except (OSError, UnicodeDecodeError, ParseError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ActivityFailed(f"cannot read {path}: {why}") from None


def body(resource: dict[str, Any] | None, yaml_file: str | None) -> dict[str, Any]:
    """The object given inline, else the one in ``yaml_file``, as chaosk8s' crd actions take."""
    if resource is not None:
        if not isinstance(resource, dict):
            raise ActivityFailed(f"resource must be a mapping, not {type(resource).__name__}")
        return resource
    if not yaml_file:
        raise ActivityFailed("either resource or resource_as_yaml_file must be set")
    if not Path(yaml_file).is_file():
        raise ActivityFailed(f"Path '{yaml_file}' is not a valid resource file")
    return parse_text(_read(yaml_file), True, yaml_file)  # YAML reads JSON too


def plural_of(kind: str) -> str:
    """The resource a kind is served as, by the API machinery's default rule (what chaosk8s'
    apply_from_json/yaml use): lower case, then ``s``, ``es`` or ``ies``."""
    singular = kind.lower()
    if singular == "endpoints":
        return singular
    if singular.endswith("s"):
        return singular + "es"
    if singular.endswith("y"):
        return singular[:-1] + "ies"
    return singular + "s"
