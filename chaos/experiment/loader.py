"""Read an experiment file (JSON or YAML) into a dict, with one-sentence errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chaos.errors import BadInput
from chaos.parsing import (
    MAX_FILE_BYTES,
    MIB,
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


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.lower().startswith(("http://", "https://"))


def _fetch(url: str) -> str:
    """The text at ``url``, within the same size bound as a file (``ExperimentError``)."""
    import httpx

    try:
        with httpx.stream("GET", url, timeout=30.0, follow_redirects=True) as response:
            if response.status_code != 200:
                raise ExperimentError(url, [f"the server answered {response.status_code}"])
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_FILE_BYTES:
                    raise ExperimentError(url, [f"larger than {MAX_FILE_BYTES // MIB} MiB"])
            return data.decode("utf-8")
    except httpx.HTTPError as exc:
        raise ExperimentError(url, [f"cannot be fetched ({exc})"]) from None
    except UnicodeDecodeError as exc:
        raise ExperimentError(url, [f"is not UTF-8 text ({exc})"]) from None


def load_raw(path: str | Path) -> dict[str, Any]:
    """Parse ``path`` (a file, or an http(s) URL); ``.yaml``/``.yml`` as YAML, anything
    else as JSON (YAML as fallback).

    Within ``chaos.parsing``'s bounds: size, nesting and YAML alias expansion.
    """
    source = str(path)
    if is_url(path):
        text = _fetch(source)
        try:
            return top_level_mapping(_parse(Path(source.split("?")[0]), text))
        except ParseError as exc:
            raise ExperimentError(source, [str(exc)]) from None
    path = Path(path)
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
        document = top_level_mapping(_parse(path, text))
    except ParseError as exc:
        raise ExperimentError(source, [str(exc)]) from None
    return _encodable(document, source)


def _unencodable(value: Any, where: str) -> str | None:
    """Where in ``value`` a text holds a lone surrogate (``"\\ud800"`` in JSON), or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where
        return None
    if isinstance(value, dict):
        items = [(f"{where}.{key}" if where else str(key), key) for key in value]
        for place, key in items:
            found = _unencodable(key, place) or _unencodable(value[key], place)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unencodable(item, f"{where}[{index}]")
            if found:
                return found
    return None


def _encodable(document: dict[str, Any], source: str) -> dict[str, Any]:
    """The document, unless a text in it cannot be written as UTF-8 (the journal, the
    console): a lone surrogate is refused here, before any chaos."""
    where = _unencodable(document, "")
    if where is not None:
        raise ExperimentError(
            source,
            [f"{where}: holds a lone surrogate (such as \\ud800), text that cannot be written"],
        )
    return document


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
