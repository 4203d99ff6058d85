"""What the browser tests share: headless Chromium, and a local stack for a module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chaos.drivers.local import LocalSettings, LocalStack
from tests.support.browser import chromium
from tests.support.local_stack import local_stack_up


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """The three services on loopback; v2's breaker stays open 30 s once open."""
    settings = LocalSettings(breaker_wait=30, backend_timeout=1)
    with local_stack_up(tmp_path_factory.mktemp("browser-stack"), settings) as stack:
        yield stack
