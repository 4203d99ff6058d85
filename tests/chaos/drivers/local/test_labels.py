"""Label selectors as kubectl reads them."""

from __future__ import annotations

import pytest

from chaos.drivers.base import DriverError
from chaos.drivers.local.labels import parse_selector

V1 = {"app": "front", "version": "v1"}
V2 = {"app": "front", "version": "v2"}
BACK = {"app": "back"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (None, [V1, V2, BACK]),
        ("", [V1, V2, BACK]),
        ("app=front", [V1, V2]),
        ("app==back", [BACK]),
        ("app=front,version=v2", [V2]),
        ("app!=front", [BACK]),
        ("version", [V1, V2]),
        ("!version", [BACK]),
        ("version in (v1, v3)", [V1]),
        ("app=front,version notin (v1)", [V2]),
        ("app in (front,back),version!=v2", [V1, BACK]),
        ("app=front,", [V1, V2]),  # the local target skips empty terms
    ],
)
def test_selector_matches(selector: str | None, expected: list[dict[str, str]]) -> None:
    matches = parse_selector(selector)
    assert [labels for labels in (V1, V2, BACK) if matches(labels)] == expected


@pytest.mark.parametrize("selector", ["app=front,=x", "app in v1", "a b", "app in ((v1)"])
def test_invalid_selector_is_one_sentence(selector: str) -> None:
    with pytest.raises(DriverError, match="not valid"):
        parse_selector(selector)


def test_invalid_selector_names_the_bad_term() -> None:
    with pytest.raises(DriverError) as info:
        parse_selector("app=front, a b ")
    assert str(info.value) == "The label selector term 'a b' is not valid."
