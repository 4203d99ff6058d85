"""Kubernetes label selectors, evaluated client-side so every caller reads them the same.

Supports the equality-based (``a=b``, ``a==b``, ``a!=b``) and set-based (``a in (x,y)``,
``a notin (x)``, ``a``, ``!a``) forms, comma-separated (all must hold).

It sits in the driver layer and imports nothing of ours, so the driver-agnostic actions, the
CLI and the local driver share it without breaking the import direction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from chaos.errors import BadInput

_KEY = r"[A-Za-z0-9][A-Za-z0-9._/-]*"
_SET_RE = re.compile(rf"^({_KEY})\s+(in|notin)\s*\(([^()]*)\)$")
_EQ_RE = re.compile(rf"^({_KEY})\s*(==|!=|=)\s*([A-Za-z0-9._-]*)$")
_EXISTS_RE = re.compile(rf"^(!?)\s*({_KEY})$")


class SelectorError(BadInput, ValueError):
    """The label selector cannot be parsed; ``term`` is the part that could not be read."""

    def __init__(self, selector: str, term: str) -> None:
        super().__init__(f"invalid label selector {selector!r} (cannot parse {term!r})")
        self.selector = selector
        self.term = term


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "in", "notin", "exists", "!exists"
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.op == "exists":
            return self.key in labels
        if self.op == "!exists":
            return self.key not in labels
        if self.op == "in":
            return labels.get(self.key) in self.values
        return labels.get(self.key) not in self.values


def split_terms(selector: str) -> list[str]:
    """The comma-separated terms (commas inside parentheses do not split), stripped."""
    terms: list[str] = []
    depth = 0
    current: list[str] = []
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append("".join(current))
            current = []
        else:
            current.append(char)
    terms.append("".join(current))
    return [t.strip() for t in terms]


def parse_term(term: str, selector: str) -> Requirement:
    """One stripped term of ``selector``; :class:`SelectorError` names it when unreadable."""
    if match := _SET_RE.match(term):
        values = frozenset(v.strip() for v in match.group(3).split(",") if v.strip())
        return Requirement(match.group(1), match.group(2), values)
    if match := _EQ_RE.match(term):
        op = "notin" if match.group(2) == "!=" else "in"
        return Requirement(match.group(1), op, frozenset({match.group(3)}))
    if match := _EXISTS_RE.match(term):
        op = "!exists" if match.group(1) else "exists"
        return Requirement(match.group(2), op)
    raise SelectorError(selector, term)


def parse_selector(selector: str) -> list[Requirement]:
    """Parse ``selector``; an empty selector selects everything, an empty term is an error."""
    if not selector.strip():
        return []
    return [parse_term(term, selector) for term in split_terms(selector)]


def selector_matches(selector: str | None, labels: Mapping[str, str]) -> bool:
    if not selector:
        return True
    return all(req.matches(labels) for req in parse_selector(selector))
