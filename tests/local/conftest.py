"""A real local stack (supervisord + the three services on loopback) shared by a module."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from chaos.drivers.local import LocalDriver, LocalSettings, LocalStack

BACKEND_MESSAGE = "Hello, I'm backend!"
FALLBACK = "Sorry...I'm frontend."


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=3.0, trust_env=False)


def answers(url: str, text: str | None = None) -> bool:
    """True when ``url`` answers 200 (and contains ``text``); False while it refuses."""
    try:
        response = get(url)
    except httpx.TransportError:
        return False
    return response.status_code == 200 and (text is None or text in response.text)


def wait_until(condition: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    state_dir: Path = tmp_path_factory.mktemp("local-stack")
    stack = LocalStack(state_dir, LocalSettings(breaker_wait=1.0, backend_timeout=0.5))
    try:
        stack.up(timeout=30)
        yield stack
    finally:
        stack.down()


@pytest.fixture(scope="module")
def driver(stack: LocalStack) -> LocalDriver:
    return LocalDriver(stack.state_dir)
