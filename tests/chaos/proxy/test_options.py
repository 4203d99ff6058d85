"""The proxy's options: what each command-line value becomes, and what is refused."""

from __future__ import annotations

import pytest

from chaos.errors import BadInput
from chaos.proxy import Upstream, parse_listen, parse_upstream, proxy_options


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:0", ("0.0.0.0", 0)),
        (":9000", ("127.0.0.1", 9000)),
        ("[::1]:81", ("::1", 81)),
        ("localhost:1", ("localhost", 1)),
    ],
)
def test_listen(value: str, expected: tuple[str, int]) -> None:
    assert parse_listen(value) == expected


@pytest.mark.parametrize("value", ["8080", "host:", "host:http", "h:65536", "a/b:80", ""])
def test_bad_listen(value: str) -> None:
    with pytest.raises(BadInput, match="--listen"):
        parse_listen(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://backend:8081", Upstream("backend", 8081)),
        ("http://backend", Upstream("backend", 80)),
        ("http://127.0.0.1:9/api/", Upstream("127.0.0.1", 9, "/api")),
        ("http://[::1]:7", Upstream("::1", 7)),
    ],
)
def test_upstream(value: str, expected: Upstream) -> None:
    assert parse_upstream(value) == expected


def test_upstream_authority_and_url() -> None:
    assert Upstream("::1", 7, "/p").url == "http://[::1]:7/p"
    assert Upstream("backend", 80).authority == "backend"


@pytest.mark.parametrize(
    "value",
    [
        "https://backend:8081",
        "backend:8081",
        "http://",
        "http://h:99999",
        "http://h/?q=1",
        "http://u:p@h",
        "ftp://h",
    ],
)
def test_bad_upstream(value: str) -> None:
    with pytest.raises(BadInput, match="--upstream"):
        parse_upstream(value)


@pytest.mark.parametrize(
    ("delay", "share", "word"),
    [
        (-0.1, 0.0, "--delay"),
        (float("nan"), 0.0, "--delay"),
        (0.0, 1.01, "--error-share"),
        (0.0, -0.5, "--error-share"),
    ],
)
def test_bad_faults(delay: float, share: float, word: str) -> None:
    with pytest.raises(BadInput, match=word):
        proxy_options("127.0.0.1:0", "http://h:1", delay, share)


def test_options() -> None:
    options = proxy_options("127.0.0.1:0", "http://h:1", 0.5, 1.0, seed=3)
    assert (options.host, options.port, options.delay, options.error_share, options.seed) == (
        "127.0.0.1",
        0,
        0.5,
        1.0,
        3,
    )
