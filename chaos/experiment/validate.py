"""Validate an experiment dict, naming the exact place of every problem.

Messages look like ``method[0].provider.func: unknown chaosk8s function 'delete_pod'``.
The structure is the pydantic schema's (``chaos.experiment.schema``); what the Chaos Toolkit
checks before a run comes after it (``chaos.experiment.checks``). pydantic is imported only
for a document that does not conform (``chaos.experiment.shape``), so ``chaosrun validate``
and ``chaosrun run`` of a well-formed file stay fast; either way the engine gets the plain
objects of ``chaos.experiment.model``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chaos.experiment.checks import semantic_problems, unset_environment
from chaos.experiment.loader import ExperimentError, load_raw
from chaos.experiment.model import Activity, Experiment, Provider
from chaos.experiment.shape import activity_conforms, conforms, provider_conforms

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


# Pydantic names the member of a union an error belongs to in its location
# (``arguments.str``, ``arguments.list[any]``): not a place in the file.
_UNION_MEMBER = re.compile(
    r"^(str|int|float|bool|none|bytes|(list|dict|tuple|set|literal|is-instance|nullable"
    r"|lax-or-strict|json-or-python|union|chain|tagged-union)\[.*\]|function-.*|constrained-.*)$"
)
_WORDS = {
    "dict": "mapping",
    "str": "string",
    "string": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "list": "list",
    "NoneType": "null",
    "none": "null",
}


def location(loc: tuple[int | str, ...]) -> str:
    """``('method', 0, '@activity', 'provider', 'func')`` -> ``method[0].provider.func``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("@") or _UNION_MEMBER.match(part):
            continue
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def _kind(value: Any) -> str:
    name = type(value).__name__
    return _WORDS.get(name, name)


def _wanted(kind: str) -> str | None:
    """``string_type`` -> ``string``: what a ``*_type`` error wanted, in the file's words."""
    if not kind.endswith("_type") or kind == "provider_type":
        return None
    word = kind[: -len("_type")]
    return _WORDS.get(word, word.replace("_", " "))


def _message(error: Any) -> str:
    kind = error["type"]
    got = error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be {expected} (got {got!r})"
    if kind in ("string_too_short", "too_short"):
        return "must not be empty"
    if wanted := _wanted(kind):
        return f"must be a {wanted} (got a {_kind(got)})"
    msg = str(error["msg"])
    return msg[0].lower() + msg[1:] if msg else kind


def _pydantic_problems(exc: ValidationError) -> list[str]:
    """One line per place: a union's members' complaints become one sentence."""
    wanted: dict[str, list[str]] = {}
    first: dict[str, Any] = {}
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] == "provider_type":
            loc = (*loc, "type")
        place = location(loc)
        first.setdefault(place, error)
        if (word := _wanted(error["type"])) and word not in wanted.setdefault(place, []):
            wanted[place].append(word)
    problems: list[str] = []
    for place, error in first.items():
        words = wanted.get(place, [])
        if len(words) > 1:
            got = _kind(error.get("input"))
            problems.append(f"{place}: must be a {' or a '.join(words)} (got a {got})")
        else:
            problems.append(f"{place}: {_message(error)}")
    return problems


def _declared(model: BaseModel) -> dict[str, Any]:
    """What the schema made of a document, as a document again (its keys as given)."""
    return model.model_dump(by_alias=True, exclude_unset=True)


def validate_by_schema(raw: dict[str, Any], source: str = "experiment") -> dict[str, Any]:
    """What the pydantic schema makes of ``raw`` (``ExperimentError`` naming every problem):
    the path of a document that does not conform, and the reference the fast path is
    tested against."""
    from pydantic import ValidationError

    from chaos.experiment import schema

    try:
        experiment = schema.Experiment.model_validate(raw)
    except ValidationError as exc:
        raise ExperimentError(source, _pydantic_problems(exc)) from None
    if problems := semantic_problems(experiment.model_dump(by_alias=True)):
        raise ExperimentError(source, problems)
    return _declared(experiment)


def validate_experiment(raw: dict[str, Any], source: str = "experiment") -> Experiment:
    """The experiment to run, or ``ExperimentError`` listing every problem found."""
    if not conforms(raw):
        return Experiment(validate_by_schema(raw, source))
    if problems := semantic_problems(raw):
        raise ExperimentError(source, problems)
    return Experiment(raw)


def read_activity(declared: dict[str, Any]) -> Activity:
    """An activity declared outside the experiment's lists (a safeguard's probe, a probe
    tolerance); ``pydantic.ValidationError`` when it is no activity."""
    if activity_conforms(declared) and "ref" not in declared:
        return Activity(declared)
    from chaos.experiment import schema

    return Activity(_declared(schema.Activity.model_validate(declared)))


def read_provider(declared: dict[str, Any]) -> Provider:
    """A provider once its ``${name}`` references are substituted: the values a variable
    put there are checked (and coerced) as the file's own are."""
    if provider_conforms(declared):
        return Provider(declared)
    from chaos.experiment import schema

    return Provider(_declared(schema.parse_provider(declared)))


def check_experiment(raw: dict[str, Any], source: str = "experiment") -> None:
    """Raise ``ExperimentError`` listing every problem, as ``validate_experiment`` would,
    without building the schema when ``raw`` conforms; and, as ``run`` would, each
    configuration entry read from an unset environment variable with no default."""
    validate_experiment(raw, source)
    if problems := unset_environment(raw, os.environ):
        raise ExperimentError(source, problems)


def load_experiment_file(path: Path) -> tuple[Experiment, dict[str, Any]]:
    """Load and validate; return the model and the raw dict (kept for the journal)."""
    raw = load_raw(path)
    return validate_experiment(raw, source=str(path)), raw
