"""The house rules that the import-linter contracts (``lint-imports``) do not state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest

from testbed.procs import REPO_ROOT

MAX_LINES = 360  # "no file over ~350 lines": a module past it holds more than one idea


def cycles(imports: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in imports.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("chaos", "services", include_external_packages=True)


def test_no_module_is_part_of_an_import_cycle(graph: grimp.ImportGraph) -> None:
    ours = {m for m in graph.modules if m.split(".")[0] in ("chaos", "services")}
    imports = {m: sorted(graph.find_modules_directly_imported_by(m) & ours) for m in ours}
    assert cycles(imports) == []


def test_the_cycle_finder_finds_cycles() -> None:
    """The check above can fail."""
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["b"], "b": []}) == []


def test_only_the_command_line_imports_typer(graph: grimp.ImportGraph) -> None:
    importers = graph.find_modules_that_directly_import("typer")
    assert importers
    assert sorted(m for m in importers if not m.startswith("chaos.cli")) == []


@pytest.mark.parametrize("package", ["chaos", "services"])
def test_no_module_is_too_long(package: str) -> None:
    lengths = {
        str(path.relative_to(REPO_ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPO_ROOT / package).rglob("*.py")
    }
    assert len(lengths) > 20
    assert {p: n for p, n in lengths.items() if n > MAX_LINES} == {}
