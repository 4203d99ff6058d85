from __future__ import annotations

from pathlib import Path

import pytest

from tests.services.breaker_support import FakeClock


@pytest.fixture
def anyio_backend() -> str:
    """Async tests in this folder run on asyncio (``pytest.mark.anyio``, anyio's plugin)."""
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    """The breaker tests' clock and scheduler: no test sleeps through a wait."""
    return FakeClock()


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the services a test module starts write their output."""
    return tmp_path_factory.mktemp("service-logs")
