from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Messages logged on the ``chaosrun`` logger during the test (console wording)."""
    logger = logging.getLogger("chaosrun")
    logger.addHandler(caplog.handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    lines: list[str] = []

    class _Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield lines
    finally:
        logger.removeHandler(collector)
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)
