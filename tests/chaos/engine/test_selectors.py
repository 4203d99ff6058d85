from __future__ import annotations

import pytest

from chaos.drivers.labels import SelectorError, parse_selector, selector_matches

LABELS = {"app": "front", "tier": "web", "version": "v2"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("", True),
        ("app=front", True),
        ("app==front", True),
        ("app!=front", False),
        ("app=back", False),
        ("app=front,tier=web", True),
        ("app=front, tier=db", False),
        ("app in (front, back)", True),
        ("app notin (front)", False),
        ("version in (v1,v2),tier", True),
        ("!tier", False),
        ("missing", False),
        ("!missing", True),
    ],
)
def test_selector_semantics(selector: str, expected: bool) -> None:
    assert selector_matches(selector, LABELS) is expected


@pytest.mark.parametrize("bad", ["app in (front", "=front", "app=front,,", "a b c"])
def test_bad_selectors_are_reported(bad: str) -> None:
    with pytest.raises(SelectorError, match="invalid label selector"):
        parse_selector(bad)
