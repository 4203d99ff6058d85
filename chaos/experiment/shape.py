"""A strict structural check of an experiment dict, without pydantic.

``conforms(raw)`` is True only when the pydantic schema (``chaos.experiment.schema``) surely
accepts ``raw`` as it is: every value already has the exact type the model wants, so no
coercion is involved. It says nothing about *why* a document does not conform; callers
then validate with the schema, which names every problem. This lets ``chaosrun validate``
and ``chaosrun run`` take a well-formed file without importing pydantic (~50 ms of
start-up, and as much again to build the schema). A test mutates experiments at random and
holds the two to agreement.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from chaos.experiment.controls import controls_conform
from chaos.providers import NON_EMPTY, PROVIDERS, ProviderType


def _number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    # An int too large for a float is left to the model to judge.
    return isinstance(value, float) or (isinstance(value, int) and abs(value) < 2**53)


def _text(value: Any, *, empty: bool = True) -> bool:
    return isinstance(value, str) and (empty or value != "")


def _mapping(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) for k in value)


def _optional(value: Any, check: Any) -> bool:
    return value is None or check(value)


def _number_or_text(value: Any) -> bool:
    return _number(value) or _text(value)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(_text(v) for v in value)


def _keys(value: Any, required: tuple[str, ...]) -> bool:
    return _mapping(value) and all(key in value for key in required)


def _fits(value: Any, hint: Any) -> bool:
    """True when ``value`` has exactly the type a provider's field annotation names."""
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _fits(value, args[0]) and (NON_EMPTY not in hint.__metadata__ or value != "")
    if origin is Union or origin is UnionType:
        return any(_fits(value, arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items()
        )
    if hint is str:
        return _text(value)
    if hint is bool:
        return isinstance(value, bool)
    if hint is float:
        return _number(value)
    # Any other annotation is left to the model to judge.
    return False


@cache
def _fields(kind: ProviderType[Any]) -> tuple[tuple[str, Any, bool], ...]:
    """``(name, annotation, required)`` of each field of a provider type's spec."""
    hints = get_type_hints(kind.spec, include_extras=True)
    return tuple(
        (f.name, hints[f.name], f.default is MISSING and f.default_factory is MISSING)
        for f in fields(kind.spec)
    )


def _provider(value: Any) -> bool:
    if not _mapping(value):
        return False
    kind = value.get("type")
    provider = PROVIDERS.get(kind) if isinstance(kind, str) else None
    return provider is not None and all(
        _fits(value[name], hint) if name in value else not required
        for name, hint, required in _fields(provider)
    )


def _pauses(value: Any) -> bool:
    return _mapping(value) and all(
        _optional(value.get(key), _number_or_text) for key in ("before", "after")
    )


def _activity(value: Any) -> bool:
    if not _mapping(value):
        return False
    if "ref" in value:
        return _text(value["ref"], empty=False)
    return (
        _keys(value, ("type", "name", "provider"))
        and value["type"] in ("action", "probe")
        and _text(value["name"], empty=False)
        and _provider(value["provider"])
        and _optional(value.get("pauses"), _pauses)
        and isinstance(value.get("background", False), bool)
        and _optional(value.get("controls"), controls_conform)
    )


def activity_conforms(value: Any) -> bool:
    """True when ``value`` is an activity or a ref the model surely accepts."""
    return _activity(value)


def provider_conforms(value: Any) -> bool:
    """True when ``value`` is a provider mapping the model surely accepts unchanged."""
    return _provider(value)


def _activities(value: Any, *, empty: bool = True) -> bool:
    return (
        isinstance(value, list) and (empty or len(value) > 0) and all(_activity(v) for v in value)
    )


def _hypothesis(value: Any) -> bool:
    return (
        _keys(value, ("title",))
        and _text(value["title"], empty=False)
        and _activities(value.get("probes", []))
        and _optional(value.get("controls"), controls_conform)
    )


def conforms(raw: Any) -> bool:
    """True when the experiment model accepts ``raw`` unchanged (see the module's doc)."""
    return (
        _keys(raw, ("title", "description", "method"))
        # The model also takes the field's own name; leave that spelling to the model.
        and "steady_state_hypothesis" not in raw
        and _text(raw["title"], empty=False)
        and _optional(raw.get("version"), _text)
        and _text(raw["description"], empty=False)
        and _texts(raw.get("tags", []))
        and _mapping(raw.get("configuration", {}))
        and _mapping(raw.get("secrets", {}))
        and _optional(raw.get("steady-state-hypothesis"), _hypothesis)
        and _activities(raw["method"])
        and _activities(raw.get("rollbacks", []))
        and _optional(raw.get("controls"), controls_conform)
    )
