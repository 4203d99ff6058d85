"""Fixtures every test gets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def own_run_records(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Each test keeps its run records to itself (and never in the user's state directory),
    so one test's unfinished record never shows up as a warning in another's output."""
    monkeypatch.setenv("CHAOSRUN_RECORDS_DIR", str(tmp_path_factory.mktemp("runs")))
    yield
