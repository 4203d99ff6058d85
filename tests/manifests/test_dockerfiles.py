"""The Dockerfiles, read statically: base, command, port and user as SPEC and the code say.

scripts/docker-smoke builds and runs them for real (CI runs it after the test suite).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from pathlib import Path

import pytest

from services.backend.settings import BackendServerSettings
from services.frontend.settings import FrontendServerSettings
from testbed.procs import REPO_ROOT

BACKEND_PORT = BackendServerSettings.model_fields["port"].default
FRONTEND_PORT = FrontendServerSettings.model_fields["port"].default


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Instructions per stage; unnamed stages are called ``#<index>``, the last one ``final``."""
    result: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for word, rest in instructions(path):
        if word == "FROM":
            parts = rest.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else f"#{len(result)}"
            current = []
            result[name] = current
        elif result:
            current.append((word, rest))
    last = list(result)[-1]
    result["final"] = result.pop(last) if last.startswith("#") else result[last]
    return result


def the(stage: list[tuple[str, str]], word: str) -> list[str]:
    return [rest for w, rest in stage if w == word]


# (Dockerfile, build args, the command it runs, the port)
IMAGES = [
    ("Dockerfile.backend", {}, "services.backend", BACKEND_PORT),
    ("Dockerfile.frontend", {"FRONTEND_VERSION": "v1"}, "services.frontend_v1", FRONTEND_PORT),
    ("Dockerfile.frontend", {"FRONTEND_VERSION": "v2"}, "services.frontend_v2", FRONTEND_PORT),
]


# The lock each image installs (bash scripts/lock makes them; tests/manifests/test_lock.py
# holds them to pyproject.toml).
LOCK = {
    "Dockerfile.backend": "services.lock",
    "Dockerfile.frontend": "services.lock",
    "Dockerfile.runner": "runner.lock",
}
PINNED_BASE = re.compile(r"PYTHON_IMAGE=python:3\.12-slim@sha256:[0-9a-f]{64}")


@pytest.mark.parametrize("name", sorted(LOCK))
def test_common_shape(name: str) -> None:
    path = REPO_ROOT / name
    first = instructions(path)[0]
    assert first[0] == "ARG" and PINNED_BASE.fullmatch(first[1]), "the base pinned by digest"
    froms = [rest for word, rest in instructions(path) if word == "FROM"]
    assert froms[0] == "${PYTHON_IMAGE} AS builder"
    by_stage = stages(path)
    builder = by_stage["builder"]
    assert any("pip install" in run for run in the(builder, "RUN")), "dependencies in the builder"
    # The runtime stage: the builder's venv, no package installation, a non-root numeric user.
    runtime = next(s for n, s in by_stage.items() if n != "builder" and the(s, "COPY"))
    assert the(runtime, "COPY") == ["--from=builder /opt/venv /opt/venv"]
    assert not [run for run in the(runtime, "RUN") if "pip" in run or "apt" in run]
    env = " ".join(the(runtime, "ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env and "PATH=/opt/venv/bin:$PATH" in env
    (user,) = the(runtime, "USER")
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), "numeric, so runAsNonRoot can check it"


@pytest.mark.parametrize(("name", "args", "module", "port"), IMAGES)
def test_command_and_port(name: str, args: dict[str, str], module: str, port: int) -> None:
    by_stage = stages(REPO_ROOT / name)
    final = by_stage["final"]
    if "FRONTEND_VERSION" in args:
        # FROM frontend-${FRONTEND_VERSION}: the stage named by the build argument.
        final = by_stage[f"frontend-{args['FRONTEND_VERSION']}"]
        exposed = the(by_stage["runtime"], "EXPOSE")
    else:
        exposed = the(final, "EXPOSE")
    (cmd,) = the(final, "CMD")
    assert json.loads(cmd) == ["python", "-m", module]
    assert importlib.util.find_spec(module) is not None
    assert importlib.util.find_spec(f"{module}.__main__") is not None
    assert exposed == [str(port)]


def test_frontend_version_selects_a_stage() -> None:
    path = REPO_ROOT / "Dockerfile.frontend"
    froms = [rest for word, rest in instructions(path) if word == "FROM"]
    assert froms[-1] == "frontend-${FRONTEND_VERSION}"
    assert ("ARG", "FRONTEND_VERSION=v1") in instructions(path)


@pytest.mark.parametrize(
    ("extras", "lock"), [("", "runner.lock"), ("postgres", "runner-postgres.lock")]
)
def test_the_runner_takes_an_extra_from_its_own_lock(extras: str, lock: str) -> None:
    """``--build-arg EXTRAS=postgres`` installs the lock with psycopg; no argument, the
    runner's own lock, as before."""
    assert locks_installed("Dockerfile.runner", extras)[0] == f"requirements/{lock}"
    assert (REPO_ROOT / "requirements" / lock).is_file()
    builder = stages(REPO_ROOT / "Dockerfile.runner")["builder"]
    assert "EXTRAS=" in the(builder, "ARG")
    assert any(f"requirements/{lock}" in c.split() for c in the(builder, "COPY"))


def test_runner_runs_chaosrun() -> None:
    final = stages(REPO_ROOT / "Dockerfile.runner")["final"]
    assert [json.loads(e) for e in the(final, "ENTRYPOINT")] == [["chaosrun"]]


def test_build_context_holds_only_what_the_images_need() -> None:
    lines = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {
        "pyproject.toml",
        "README.md",
        "services",
        "chaos",
        "requirements/*.lock",
    }


def test_the_three_dockerfiles_pin_the_same_base() -> None:
    assert len({instructions(REPO_ROOT / name)[0] for name in LOCK}) == 1


def pip_installs(name: str) -> list[list[str]]:
    """The words of every ``pip install`` of the builder stage."""
    found = []
    for run in the(stages(REPO_ROOT / name)["builder"], "RUN"):
        for command in run.split("&&"):
            words = command.split()
            if len(words) > 1 and words[0].endswith("/pip") and words[1] == "install":
                found.append(words)
    return found


def locks_installed(name: str, extras: str = "") -> list[str]:
    """The lock files the builder's ``pip install -r`` read, with the build argument
    ``EXTRAS`` given (a ``lock="..."`` of the builder expanded as the shell does)."""
    runs = the(stages(REPO_ROOT / name)["builder"], "RUN")
    assigned = [m.group(1) for run in runs for m in re.finditer(r'\block=("[^"]*")', run)]
    locks = [words[words.index("-r") + 1] for words in pip_installs(name) if "-r" in words]
    return [_shell_value(assigned[0], extras) if lock == '"$lock"' else lock for lock in locks]


def _shell_value(word: str, extras: str) -> str:
    echo = ["bash", "-c", f"echo {word}"]
    return subprocess.run(
        echo, env={"EXTRAS": extras}, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize("name", sorted(LOCK))
def test_every_package_comes_from_a_lock_with_its_hash(name: str) -> None:
    """Each install is a lock with --require-hashes, or the project's own wheel, without
    dependencies and without an index: nothing is resolved at build time."""
    installs = pip_installs(name)
    assert locks_installed(name) == [f"requirements/{LOCK[name]}", "requirements/build.lock"]
    for words in installs:
        assert "--no-deps" in words, words
        if "-r" in words:
            assert {"--require-hashes", "--only-binary"} <= set(words), words
        else:
            assert "--no-index" in words and words[-1] == "/tmp/dist/*.whl", words
    wheel = [run for run in the(stages(REPO_ROOT / name)["builder"], "RUN") if "pip wheel" in run]
    assert len(wheel) == 1 and "--no-build-isolation" in wheel[0], "built by the locked backend"


@pytest.mark.parametrize("name", ["Dockerfile.backend", "Dockerfile.frontend"])
def test_service_images_hold_no_runner_code(name: str) -> None:
    builder = stages(REPO_ROOT / name)["builder"]
    # The services' package only: chaos/ is not copied into the service images.
    assert [c for c in the(builder, "COPY") if "chaos" in c] == []
