"""Configuration, ${name} substitution, --var parsing and tolerances."""

from __future__ import annotations

from typing import Any

import pytest

from chaos.engine.config import (
    ConfigurationError,
    parse_var,
    resolve_configuration,
    resolve_secrets,
    substitute,
)
from chaos.engine.tolerance import within_tolerance
from services.contract import BACKEND_MESSAGE


def test_literals_and_env_entries() -> None:
    entries = {
        "url": {"type": "env", "key": "FRONT", "default": "http://d/"},
        "port": {"type": "env", "key": "PORT", "env_var_type": "int"},
        "plain": {"nested": 1},
        "n": 3,
    }
    resolved = resolve_configuration(entries, environ={"PORT": "8080"})
    assert resolved == {"url": "http://d/", "port": 8080, "plain": {"nested": 1}, "n": 3}
    assert resolve_configuration(entries, environ={"PORT": "1", "FRONT": "x"})["url"] == "x"


def test_missing_env_without_default_names_the_entry() -> None:
    with pytest.raises(ConfigurationError, match=r"configuration\.port: environment variable PORT"):
        resolve_configuration({"port": {"type": "env", "key": "PORT"}}, environ={})


def test_var_overrides_win_and_skip_the_environment() -> None:
    entries = {"port": {"type": "env", "key": "PORT"}, "n": 1}
    assert resolve_configuration(entries, {"port": 9, "extra": "e"}, environ={}) == {
        "n": 1,
        "port": 9,
        "extra": "e",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a=b", ("a", "b")),
        ("a=b=c", ("a", "b=c")),
        ("n:int=5", ("n", 5)),
        ("f:float=0.5", ("f", 0.5)),
        ("flag:bool=yes", ("flag", True)),
        ("j:json=[1, 2]", ("j", [1, 2])),
        ("empty=", ("empty", "")),
    ],
)
def test_parse_var(text: str, expected: tuple[str, Any]) -> None:
    assert parse_var(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("novalue", "expected key=value"),
        ("=x", "the key is empty"),
        ("n:int=five", "'five' is not a valid int"),
        ("n:date=1", "unknown type 'date'"),
    ],
)
def test_parse_var_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_var(text)


def test_substitution_keeps_the_type_of_an_exact_reference() -> None:
    variables = {"n": 3, "url": "http://x/", "flag": False, "items": [1]}
    assert substitute("${n}", variables) == 3
    assert substitute("${flag}", variables) is False
    assert substitute("${items}", variables) == [1]
    assert substitute("${url}path?n=${n}", variables) == "http://x/path?n=3"
    assert substitute({"a": ["${n}", {"b": "${url}"}]}, variables) == {"a": [3, {"b": "http://x/"}]}
    assert substitute("${unknown} stays", variables) == "${unknown} stays"
    assert substitute(5, variables) == 5


def test_secrets_are_scoped() -> None:
    secrets = {"k8s": {"token": {"type": "env", "key": "TOKEN"}, "user": "me"}}
    assert resolve_secrets(secrets, environ={"TOKEN": "t"}) == {"k8s": {"token": "t", "user": "me"}}


HTTP_OK = {"status": 200, "headers": {}, "body": BACKEND_MESSAGE}
HTTP_502 = {"status": 502, "headers": {}, "body": "backend unavailable"}


OPEN_SERIES = {"metric": {"state": "open"}, "value": [1.5, "1"]}
PROM = {"status": "success", "data": {"resultType": "vector", "result": [OPEN_SERIES]}}


@pytest.mark.parametrize(
    ("tolerance", "value", "expected"),
    [
        (True, True, True),
        (True, False, False),
        (True, 1, False),
        (False, False, True),
        (200, HTTP_OK, True),
        (200, HTTP_502, False),
        (3, 3, True),
        (3, 4, False),
        (1, True, False),
        ([200, 201], HTTP_OK, True),
        ([200, 201], HTTP_502, False),
        (["a", "b"], "b", True),
        ("text", "text", True),
        ("text", "other", False),
        ({"type": "regex", "pattern": "backend!$"}, HTTP_OK, True),
        ({"type": "regex", "pattern": "^Sorry"}, HTTP_OK, False),
        ({"type": "regex", "pattern": "out", "target": "stdout"}, {"stdout": "output"}, True),
        ({"type": "range", "range": [200, 299]}, 250, True),
        ({"type": "range", "range": [200, 299]}, {"status": 502}, False),
        ({"type": "range", "range": [0, 1.5]}, "1.2", True),
        ({"type": "range", "range": [0, 1]}, "abc", False),
        (
            {"type": "range", "range": [0, 10], "target": "status"},
            {"status": 0, "stdout": ""},
            True,
        ),
        # jsonpath, chaostoolkit-lib's rules: found at all, `count` of them, exactly `expect`.
        ({"type": "jsonpath", "path": "$.data.result[0].value[1]", "expect": "1"}, PROM, True),
        ({"type": "jsonpath", "path": "$.data.result[0].value[1]", "expect": "0"}, PROM, False),
        ({"type": "jsonpath", "path": "$.data.result[*].metric.state"}, PROM, True),
        ({"type": "jsonpath", "path": "$.data.result[5]"}, PROM, False),
        ({"type": "jsonpath", "path": "$.data.result[*]", "count": 1}, PROM, True),
        ({"type": "jsonpath", "path": "$.data.result[*]", "count": 2}, PROM, False),
        (
            {"type": "jsonpath", "path": "$.data.result[*].metric.state", "expect": ["open"]},
            PROM,
            True,
        ),
        (
            {"type": "jsonpath", "path": "$.a", "target": "body", "expect": 1},
            {"body": '{"a": 1}'},
            True,
        ),
        ({"type": "jsonpath", "path": "$.a", "expect": 1}, "not json", False),
    ],
)
def test_tolerances(tolerance: Any, value: Any, expected: bool) -> None:
    assert within_tolerance(tolerance, value) is expected
