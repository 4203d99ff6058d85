from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Async tests in this folder run on asyncio (``pytest.mark.anyio``, anyio's plugin)."""
    return "asyncio"
