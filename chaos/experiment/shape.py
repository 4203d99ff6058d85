"""A strict structural check of an experiment dict, without pydantic.

``conforms(raw)`` is True only when the pydantic model (``chaos.experiment.model``) surely
accepts ``raw`` as it is: every value already has the exact type the model wants, so no
coercion is involved. It says nothing about *why* a document does not conform; callers
then validate with the model, which names every problem. This lets ``chaosrun validate``
answer for a well-formed file without importing pydantic (~50 ms of start-up). A test
mutates experiments at random and holds the two to agreement.
"""

from __future__ import annotations

from typing import Any


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


def _python(p: dict[str, Any]) -> bool:
    return (
        _keys(p, ("module", "func"))
        and _text(p["module"], empty=False)
        and _text(p["func"], empty=False)
        and _mapping(p.get("arguments", {}))
        and _optional(p.get("secrets"), lambda s: _text(s) or _texts(s))
    )


def _timeout(value: Any) -> bool:
    if isinstance(value, list):
        return all(_number(v) for v in value)
    return _optional(value, _number_or_text)


def _http(p: dict[str, Any]) -> bool:
    return (
        _keys(p, ("url",))
        and _text(p["url"], empty=False)
        and _text(p.get("method", "GET"))
        and _mapping(p.get("headers", {}))
        and _timeout(p.get("timeout"))
        and isinstance(p.get("verify_tls", True), bool)
    )


def _process(p: dict[str, Any]) -> bool:
    arguments = p.get("arguments", "")
    return (
        _keys(p, ("path",))
        and _text(p["path"], empty=False)
        and (_text(arguments) or isinstance(arguments, list))
        and _optional(p.get("timeout"), _number_or_text)
    )


_PROVIDERS = {"python": _python, "http": _http, "process": _process}


def _provider(value: Any) -> bool:
    if not _mapping(value):
        return False
    kind = value.get("type")
    check = _PROVIDERS.get(kind) if isinstance(kind, str) else None
    return check is not None and check(value)


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
    )


def _activities(value: Any, *, empty: bool = True) -> bool:
    return (
        isinstance(value, list) and (empty or len(value) > 0) and all(_activity(v) for v in value)
    )


def _hypothesis(value: Any) -> bool:
    return (
        _keys(value, ("title",))
        and _text(value["title"], empty=False)
        and _activities(value.get("probes", []))
    )


def conforms(raw: Any) -> bool:
    """True when the experiment model accepts ``raw`` unchanged (see the module's doc)."""
    return (
        _keys(raw, ("title", "method"))
        # The model also takes the field's own name; leave that spelling to the model.
        and "steady_state_hypothesis" not in raw
        and _text(raw["title"], empty=False)
        and _optional(raw.get("version"), _text)
        and _text(raw.get("description", ""))
        and _texts(raw.get("tags", []))
        and _mapping(raw.get("configuration", {}))
        and _mapping(raw.get("secrets", {}))
        and _optional(raw.get("steady-state-hypothesis"), _hypothesis)
        and _activities(raw["method"], empty=False)
        and _activities(raw.get("rollbacks", []))
    )
