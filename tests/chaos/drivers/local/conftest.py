"""A real local stack (supervisord + the three services on loopback) shared by a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chaos.drivers.local import LocalDriver, LocalSettings, LocalStack
from tests.support.local_stack import local_stack_up


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    settings = LocalSettings(breaker_wait=1.0, backend_timeout=0.5)
    with local_stack_up(tmp_path_factory.mktemp("local-stack"), settings) as stack:
        yield stack


@pytest.fixture(scope="module")
def driver(stack: LocalStack) -> LocalDriver:
    return LocalDriver(stack.state_dir)
