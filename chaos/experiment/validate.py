"""Validate an experiment dict, naming the exact place of every problem.

Messages look like ``method[0].provider.func: unknown chaosk8s function 'delete_pod'``.
The structure is the pydantic model's (``chaos.experiment.model``); what the Chaos Toolkit
checks before a run comes after it (``chaos.experiment.checks``). ``check_experiment``
imports pydantic only for a document that does not conform (``chaos.experiment.shape``),
so ``chaosrun validate`` of a well-formed file stays fast.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chaos.experiment.checks import semantic_problems, unset_environment
from chaos.experiment.loader import ExperimentError, load_raw
from chaos.experiment.shape import conforms

if TYPE_CHECKING:
    from pydantic import ValidationError

    from chaos.experiment.model import Experiment


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


def validate_experiment(raw: dict[str, Any], source: str = "experiment") -> Experiment:
    """Return the model or raise ``ExperimentError`` listing every problem found."""
    from pydantic import ValidationError

    from chaos.experiment.model import Experiment

    try:
        experiment = Experiment.model_validate(raw)
    except ValidationError as exc:
        raise ExperimentError(source, _pydantic_problems(exc)) from None
    problems = semantic_problems(experiment.model_dump(by_alias=True))
    if problems:
        raise ExperimentError(source, problems)
    return experiment


def check_experiment(raw: dict[str, Any], source: str = "experiment") -> None:
    """Raise ``ExperimentError`` listing every problem, as ``validate_experiment`` would,
    without building the model when ``raw`` conforms; and, as ``run`` would, each
    configuration entry read from an unset environment variable with no default."""
    if not conforms(raw):
        validate_experiment(raw, source)
    elif problems := semantic_problems(raw):
        raise ExperimentError(source, problems)
    if problems := unset_environment(raw, os.environ):
        raise ExperimentError(source, problems)


def load_experiment_file(path: Path) -> tuple[Experiment, dict[str, Any]]:
    """Load and validate; return the model and the raw dict (kept for the journal)."""
    raw = load_raw(path)
    return validate_experiment(raw, source=str(path)), raw
