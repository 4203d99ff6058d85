"""The images' lock files (requirements/*.lock, made by ``bash scripts/lock``) are in step with
pyproject.toml: every dependency there, pinned within its bounds, every file hashed, nothing left
over from a dependency since removed, and the service images' share at the runner's versions."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement

from testbed.procs import REPO_ROOT

LOCKS = REPO_ROOT / "requirements"
PYPROJECT = REPO_ROOT / "pyproject.toml"
ROOT_VIA = "chaosrun (pyproject.toml)"
# Where the images run: linux/amd64 and linux/arm64, the images' Python 3.12 and the 3.11 of
# Debian bookworm (scripts/docker-smoke's base).
ENVIRONMENTS = [
    {"sys_platform": "linux", "platform_machine": machine, "python_version": version,
     "python_full_version": f"{version}.0", "platform_python_implementation": "CPython",
     "implementation_name": "cpython", "os_name": "posix"}
    for machine in ("x86_64", "aarch64")
    for version in ("3.11", "3.12")
]  # fmt: skip


def _load_lock_inputs() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "chaosrun_lock_inputs", REPO_ROOT / "scripts" / "lock_inputs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lock_inputs = _load_lock_inputs()
normalize = lock_inputs.normalize


@dataclass(frozen=True)
class Pin:
    requirement: Requirement
    hashes: tuple[str, ...]
    via: frozenset[str]

    @property
    def name(self) -> str:
        return str(normalize(self.requirement.name))

    @property
    def version(self) -> str:
        (spec,) = self.requirement.specifier
        return spec.version


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a ``uv pip compile --generate-hashes`` file, with their ``# via`` sources."""
    pins: dict[str, Pin] = {}
    entries = re.split(r"\n(?=\S)", path.read_text())
    for entry in entries:
        if entry.startswith("#") or not entry.strip():
            continue
        body, _, comments = entry.partition("\n    # via")
        words = body.replace("\\\n", " ").split(" --hash=")
        requirement = Requirement(words[0].strip())
        via = re.findall(r"^\s*#?\s*(.+?)\s*$", comments, flags=re.M)
        pin = Pin(requirement, tuple(w.strip() for w in words[1:]), frozenset(v for v in via if v))
        pins[pin.name] = pin
    return pins


def runtime_requirements(exclude: set[str] | None = None) -> dict[str, Requirement]:
    return {
        normalize(r.name): r
        for r in map(Requirement, lock_inputs.requirements(PYPROJECT, exclude or set()))
    }


RUNNER = read_lock(LOCKS / "runner.lock")
RUNNER_POSTGRES = read_lock(LOCKS / "runner-postgres.lock")
SERVICES = read_lock(LOCKS / "services.lock")
BUILD = read_lock(LOCKS / "build.lock")
# The dependencies left out of the service images, as scripts/lock names them.
(_runner_only,) = re.findall(
    r'^runner_only="(.*)"$', (REPO_ROOT / "scripts" / "lock").read_text(), re.M
)
RUNNER_ONLY = {normalize(name) for name in _runner_only.split()}


@pytest.mark.parametrize(
    "lock", ["runner.lock", "runner-postgres.lock", "services.lock", "build.lock"]
)
def test_every_package_is_pinned_with_hashes(lock: str) -> None:
    pins = read_lock(LOCKS / lock)
    assert pins
    for pin in pins.values():
        assert [s.operator for s in pin.requirement.specifier] == ["=="], pin.requirement
        assert pin.hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes)
    assert "bash scripts/lock" in (LOCKS / lock).read_text().split("\n", 3)[1]


@pytest.mark.parametrize(
    ("lock", "exclude"), [("runner.lock", set()), ("services.lock", RUNNER_ONLY)]
)
def test_every_dependency_is_locked_within_its_bounds(lock: str, exclude: set[str]) -> None:
    pins = read_lock(LOCKS / lock)
    for name, requirement in runtime_requirements(exclude).items():
        assert name in pins, f"{name} is in pyproject.toml but not in {lock}: bash scripts/lock"
        assert requirement.specifier.contains(pins[name].version, prereleases=True), (
            f"{lock} pins {name}=={pins[name].version}, outside pyproject.toml's "
            f"{requirement.specifier}: bash scripts/lock"
        )


def test_the_runner_lock_holds_nothing_pyproject_no_longer_asks_for() -> None:
    """Every pin is a dependency of pyproject.toml or of another pin (uv's ``# via``)."""
    direct = {name for name, pin in RUNNER.items() if ROOT_VIA in pin.via}
    assert direct == set(runtime_requirements()), "bash scripts/lock"
    for name, pin in RUNNER.items():
        assert pin.via and pin.via <= set(RUNNER) | {ROOT_VIA}, f"{name}: via {set(pin.via)}"


def test_the_service_lock_is_the_runners_resolution() -> None:
    assert set(SERVICES) <= set(RUNNER)
    for name, pin in SERVICES.items():
        assert pin.version == RUNNER[name].version, name
        assert set(pin.hashes) == set(RUNNER[name].hashes), name
    assert {"kubernetes", "supervisor"} <= RUNNER_ONLY
    assert not RUNNER_ONLY & set(SERVICES)


def extra_requirements(extra: str) -> dict[str, Requirement]:
    import tomllib

    listed = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"][extra]
    return {normalize(r.name): r for r in map(Requirement, listed)}


def test_the_postgres_lock_is_the_runners_and_the_extra() -> None:
    """Dockerfile.runner's ``EXTRAS=postgres``: the runner's pins, unchanged, plus the
    ``postgres`` extra within its bounds and what it needs, installable where the images run."""
    for name, pin in RUNNER.items():
        assert name in RUNNER_POSTGRES, f"{name} is missing from runner-postgres.lock"
        assert RUNNER_POSTGRES[name].version == pin.version, name
        assert set(RUNNER_POSTGRES[name].hashes) == set(pin.hashes), name
    extra = extra_requirements("postgres")
    for name, requirement in extra.items():
        assert requirement.specifier.contains(RUNNER_POSTGRES[name].version), "bash scripts/lock"
    added = set(RUNNER_POSTGRES) - set(RUNNER)
    assert set(extra) <= added
    for name in added:
        assert RUNNER_POSTGRES[name].via <= set(RUNNER_POSTGRES) | {ROOT_VIA}, name
    for environment in ENVIRONMENTS:
        for requirement in map(Requirement, (str(r) for r in extra.values())):
            wanted = {normalize(requirement.name)} | {
                normalize(f"{requirement.name}-{e}") for e in requirement.extras
            }
            installed = {
                name
                for name in wanted
                if name in RUNNER_POSTGRES
                and (
                    RUNNER_POSTGRES[name].requirement.marker is None
                    or RUNNER_POSTGRES[name].requirement.marker.evaluate(environment)
                )
            }
            assert installed == wanted, environment


def test_the_build_lock_holds_the_build_backend() -> None:
    for requirement in map(Requirement, lock_inputs.build_requirements(PYPROJECT)):
        pin = BUILD[normalize(requirement.name)]
        assert requirement.specifier.contains(pin.version), pin.requirement


def imported_modules(package: Path) -> set[str]:
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_the_service_lock_holds_every_module_the_services_import() -> None:
    third_party = imported_modules(REPO_ROOT / "services") - set(sys.stdlib_module_names)
    third_party.discard("services")
    distributions = importlib.metadata.packages_distributions()
    for module in third_party:
        names = {normalize(d) for d in distributions.get(module, [])}
        assert names, f"services/ imports {module}, which no installed distribution provides"
        assert names & set(SERVICES), f"services/ imports {module} ({names}): not in services.lock"


@pytest.mark.parametrize("lock", ["runner.lock", "services.lock"])
def test_the_images_install_each_dependency_once_everywhere_they_run(lock: str) -> None:
    """One version per package, and every package pyproject.toml names installs on each."""
    pins = read_lock(LOCKS / lock)
    for environment in ENVIRONMENTS:
        installed = {
            name
            for name, pin in pins.items()
            if pin.requirement.marker is None or pin.requirement.marker.evaluate(environment)
        }
        exclude = RUNNER_ONLY if lock == "services.lock" else set()
        assert set(runtime_requirements(exclude)) <= installed, environment
