"""JSON and YAML from files and options chaosrun does not control, parsed within bounds.

Whatever is parsed here is later walked recursively (validation, ``${name}`` substitution,
the journal) and held in memory whole, so a document that nests too deeply, a file without
end (``/dev/zero``) or YAML aliases that expand without bound are refused here, each with
one phrase. It imports nothing of chaosrun's, so every layer may use it; ``yaml`` is
imported only when YAML is parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from chaos.errors import BadInput

if TYPE_CHECKING:
    import yaml

T = TypeVar("T")

MIB = 1024 * 1024
MAX_FILE_BYTES = 4 * MIB
# Chaos Toolkit experiments nest about a dozen levels; far below Python's recursion limit.
MAX_NESTING = 100
# Values that YAML aliases may add to a document once expanded ("billion laughs").
MAX_ALIAS_VALUES = 100_000


class ParseError(BadInput, ValueError):
    """The text is not valid JSON or YAML; the message says where and why."""


class LimitExceeded(ParseError):
    """The text is beyond one of chaosrun's bounds (size, nesting, alias expansion)."""


def read_capped(path: Path) -> str:
    """The UTF-8 text of ``path``, refused beyond ``MAX_FILE_BYTES`` (``OSError`` and
    ``UnicodeDecodeError`` pass through)."""
    with path.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise LimitExceeded(
            f"the file is larger than {MAX_FILE_BYTES // MIB} MiB (chaosrun's limit)"
        )
    return data.decode("utf-8")


def _too_deep() -> LimitExceeded:
    return LimitExceeded(f"nested deeper than {MAX_NESTING} levels (chaosrun's limit)")


def check_nesting(value: Any) -> None:
    """Raise ``LimitExceeded`` when mappings and lists nest deeper than ``MAX_NESTING``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if level > MAX_NESTING:
            raise _too_deep()
        stack.extend((child, level + 1) for child in children)


def _first_clause(exc: Exception) -> str:
    text = str(exc).split(":", 1)[0]
    return text[:1].lower() + text[1:]


def parse_json(text: str) -> Any:
    """``json.loads`` within the nesting bound; every failure a ``ParseError``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})"
        ) from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:  # e.g. an integer longer than Python converts
        raise ParseError(f"invalid JSON ({_first_clause(exc)})") from None
    check_nesting(data)
    return data


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_aliases(root: yaml.Node) -> None:
    """Refuse a composed document whose aliases refer to their own ancestors or, expanded,
    add more than ``MAX_ALIAS_VALUES`` values. An alias is the very node it names, so the
    graph is walked once, each node's expanded size computed from its children's."""
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            ancestors.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        if key in ancestors:
            raise LimitExceeded("a YAML alias refers to a node that contains it")
        ancestors.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    if sizes[id(root)] - len(sizes) > MAX_ALIAS_VALUES:
        raise LimitExceeded(
            f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values (chaosrun's limit)"
        )


def _yaml_step(step: Callable[[], T]) -> T:
    """Run one stage of the YAML loader, its errors turned into ``ParseError``."""
    import yaml

    try:
        return step()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        raise ParseError(f"{where}invalid YAML ({exc.problem})") from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML ({exc})") from None
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:  # a value its tag cannot hold: 2001-13-45, a 5000-digit int
        raise ParseError(f"invalid YAML ({_first_clause(exc)})") from None


def parse_yaml(text: str) -> Any:
    """Compose the document, refuse runaway aliases, then build it (``yaml.safe_load``'s
    types)."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = _yaml_step(loader.get_single_node)
        if node is None:
            return None
        check_aliases(node)
        data = _yaml_step(lambda: loader.construct_document(node))
    finally:
        loader.dispose()
    check_nesting(data)
    return data


def top_level_mapping(data: Any) -> dict[str, Any]:
    """``data`` when it is a mapping, else ``ParseError`` naming what it is."""
    if not isinstance(data, dict):
        raise ParseError(f"the top level must be a mapping, not {type(data).__name__}")
    return data
