"""The house rules that the import-linter contracts (``lint-imports``) do not state."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

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


def test_no_benchmark_module_is_part_of_an_import_cycle() -> None:
    graph = grimp.build_graph("bench")
    ours = {m for m in graph.modules if m.split(".")[0] == "bench"}
    assert len(ours) > 10
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


@pytest.mark.parametrize("package", ["chaos", "services", "bench"])
def test_no_module_is_too_long(package: str) -> None:
    lengths = {
        str(path.relative_to(REPO_ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPO_ROOT / package).rglob("*.py")
        if ".venv" not in path.parts
    }
    assert len(lengths) > 10
    assert {p: n for p, n in lengths.items() if n > MAX_LINES} == {}


MAX_PARAMETERS = 8  # more wants an options object (chaos.cli.groups)


def _functions(package: str) -> Iterator[tuple[str, str, int]]:
    """(module, function name, number of parameters) of every function in ``package``."""
    for path in sorted((REPO_ROOT / package).rglob("*.py")):
        module = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                a = node.args
                count = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs)
                count += (a.vararg is not None) + (a.kwarg is not None)
                yield module, node.name, count


def _typer_commands(app: Any) -> set[tuple[str, str]]:
    found = set()
    for info in app.registered_commands:
        callback = inspect.unwrap(info.callback)
        found.add((callback.__module__, callback.__name__))
    for group in app.registered_groups:
        found |= _typer_commands(group.typer_instance)
    return found


def test_no_function_of_the_command_line_takes_more_than_eight_parameters() -> None:
    """Only a Typer command (whose parameters are its options) may take more."""
    from chaos.cli.main import app

    commands = _typer_commands(app)
    functions = list(_functions("chaos/cli"))
    assert len(functions) > 50 and len(commands) > 8
    too_many = {
        f"{module}.{name}": count
        for module, name, count in functions
        if count > MAX_PARAMETERS and (module, name) not in commands
    }
    assert too_many == {}


def _prints(package: str) -> list[str]:
    """Where ``package`` calls ``print``, as ``path:line``."""
    found = []
    for path in sorted((REPO_ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
            ):
                found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    return found


def test_nothing_below_the_command_line_prints() -> None:
    """Output goes through the CLI (or the demo's console); below, the log and the events."""
    assert _prints("chaos/cli")  # the check can see a print
    allowed = ("chaos/cli/", "chaos/demo/")
    assert [where for where in _prints("chaos") if not where.startswith(allowed)] == []
