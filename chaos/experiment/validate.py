"""Validate an experiment dict, naming the exact place of every problem.

Messages look like ``method[0].provider.func: unknown chaosk8s function 'delete_pod'``.
The structure is the pydantic model's (``chaos.experiment.model``); what the Chaos Toolkit
checks before a run comes after it (``chaos.experiment.checks``). ``check_experiment``
imports pydantic only for a document that does not conform (``chaos.experiment.shape``),
so ``chaosrun validate`` of a well-formed file stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chaos.experiment.checks import semantic_problems
from chaos.experiment.loader import ExperimentError, load_raw
from chaos.experiment.shape import conforms

if TYPE_CHECKING:
    from pydantic import ValidationError

    from chaos.experiment.model import Experiment


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
    without building the model when ``raw`` conforms."""
    if not conforms(raw):
        validate_experiment(raw, source)
        return
    problems = semantic_problems(raw)
    if problems:
        raise ExperimentError(source, problems)


def load_experiment_file(path: Path) -> tuple[Experiment, dict[str, Any]]:
    """Load and validate; return the model and the raw dict (kept for the journal)."""
    raw = load_raw(path)
    return validate_experiment(raw, source=str(path)), raw
