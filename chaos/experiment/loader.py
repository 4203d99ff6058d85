"""Read an experiment file (JSON or YAML) into a dict, with one-sentence errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chaos.experiment.model import Experiment


class ExperimentError(Exception):
    """The experiment cannot be used; ``problems`` are ``place: what is wrong`` lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {problems[0]}" if problems else source)

    def lines(self) -> list[str]:
        return [f"invalid experiment {self.source}: {p}" for p in self.problems]


def load_raw(path: Path) -> dict[str, Any]:
    """Parse ``path``; ``.yaml``/``.yml`` as YAML, anything else as JSON (YAML as fallback)."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExperimentError(source, ["the file does not exist"]) from None
    except IsADirectoryError:
        raise ExperimentError(source, ["this is a directory, not an experiment file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(source, [f"cannot read the file ({exc})"]) from None
    data: Any
    if path.suffix.lower() in (".yaml", ".yml"):
        data = _parse_yaml(source, text)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                raise ExperimentError(
                    source, [f"line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})"]
                ) from None
            data = _parse_yaml(source, text)
    if not isinstance(data, dict):
        raise ExperimentError(
            source, [f"the top level must be a mapping, not {type(data).__name__}"]
        )
    return data


def _parse_yaml(source: str, text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        raise ExperimentError(source, [f"{where}invalid YAML ({exc.problem})"]) from None
    except yaml.YAMLError as exc:
        raise ExperimentError(source, [f"invalid YAML ({exc})"]) from None


def load_experiment_file(path: Path) -> tuple[Experiment, dict[str, Any]]:
    """Load and validate; return the model and the raw dict (kept for the journal)."""
    from chaos.experiment.validate import validate_experiment

    raw = load_raw(path)
    return validate_experiment(raw, source=str(path)), raw
