"""Read an experiment file (JSON or YAML) into a dict, with one-sentence errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chaos.errors import BadInput
from chaos.parsing import (
    LimitExceeded,
    ParseError,
    parse_json,
    parse_yaml,
    read_capped,
    top_level_mapping,
)


class ExperimentError(BadInput):
    """The experiment cannot be used; ``problems`` are ``place: what is wrong`` lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {problems[0]}" if problems else source)

    def lines(self) -> list[str]:
        return [f"invalid experiment {self.source}: {p}" for p in self.problems]


def load_raw(path: Path) -> dict[str, Any]:
    """Parse ``path``; ``.yaml``/``.yml`` as YAML, anything else as JSON (YAML as fallback).

    Within ``chaos.parsing``'s bounds: size, nesting and YAML alias expansion.
    """
    source = str(path)
    try:
        text = read_capped(path)
    except FileNotFoundError:
        raise ExperimentError(source, ["the file does not exist"]) from None
    except IsADirectoryError:
        raise ExperimentError(source, ["this is a directory, not an experiment file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(source, [f"cannot read the file ({exc})"]) from None
    except LimitExceeded as exc:
        raise ExperimentError(source, [str(exc)]) from None
    try:
        return top_level_mapping(_parse(path, text))
    except ParseError as exc:
        raise ExperimentError(source, [str(exc)]) from None


def _parse(path: Path, text: str) -> Any:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return parse_yaml(text)
    try:
        return parse_json(text)
    except LimitExceeded:
        raise
    except ParseError:
        if suffix == ".json":
            raise
    return parse_yaml(text)
