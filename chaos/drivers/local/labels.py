"""Label selectors for the local target's pods and Deployments, read by the shared parser.

The local target keeps two habits of its own: an empty term (``a=b,``) is skipped, and an
unreadable term is a :class:`DriverError` sentence naming that term.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chaos.drivers.base import DriverError
from chaos.drivers.labels import SelectorError, parse_term, split_terms

Predicate = Callable[[Mapping[str, str]], bool]


def parse_selector(selector: str | None) -> Predicate:
    """A predicate over a label dict; ``None`` or an empty selector matches everything."""
    if not selector or not selector.strip():
        return lambda labels: True
    try:
        requirements = [parse_term(t, selector) for t in split_terms(selector) if t]
    except SelectorError as exc:
        raise DriverError(f"The label selector term {exc.term!r} is not valid.") from None
    return lambda labels: all(req.matches(labels) for req in requirements)
