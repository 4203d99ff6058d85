"""docs/benchmarks.md, and the bench modules that write it, name only paths of the repository
that exist (what a bench run writes, ``bench/out/`` and ``bench/.venv``, aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from testbed.procs import REPO_ROOT

TOPS = "bench|chaos|tests|testbed|services|k8s|docs|scripts|requirements"
# A path in backticks (Markdown) or double backticks (a docstring), such as `testbed/kube`.
NAMED = re.compile(rf"``?((?:{TOPS})/[\w./*-]*)``?")
WRITTEN_BY_A_RUN = ("bench/out", "bench/.venv")
SOURCES = [REPO_ROOT / "docs" / "benchmarks.md", *sorted((REPO_ROOT / "bench").glob("*.py"))]


def named_paths(text: str) -> list[str]:
    found = (m.group(1).rstrip(".") for m in NAMED.finditer(text))
    return [p for p in found if not p.startswith(WRITTEN_BY_A_RUN)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_path_named_exists(source: Path) -> None:
    missing = [
        p
        for p in named_paths(source.read_text())
        if not (REPO_ROOT / p).exists() and not any(REPO_ROOT.glob(p))
    ]
    assert not missing, f"{source.name} names paths that do not exist: {missing}"


def test_a_path_that_moved_is_found() -> None:
    assert named_paths("the API server of `tests/kube` (started here)") == ["tests/kube"]
    assert not (REPO_ROOT / "tests" / "kube").exists()
