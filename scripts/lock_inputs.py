"""Print what ``bash scripts/lock`` resolves, one requirement per line, read from pyproject.toml.

Standard library only (Python 3.11+):

    python3 scripts/lock_inputs.py pyproject.toml                        the dependencies
    python3 scripts/lock_inputs.py pyproject.toml --exclude "kubernetes"  without those
    python3 scripts/lock_inputs.py pyproject.toml --build-system         the build backend

``--exclude`` drops the named distributions (the runner's dependencies, which the service
images do not need); names compare as PEP 503 normalises them.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = NAME.match(requirement)
    if match is None:
        raise SystemExit(f"cannot read the requirement {requirement!r}")
    return normalize(match.group(1))


def requirements(pyproject: Path, exclude: set[str]) -> list[str]:
    deps: list[str] = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    skip = {normalize(name) for name in exclude}
    return [dep for dep in deps if requirement_name(dep) not in skip]


def build_requirements(pyproject: Path) -> list[str]:
    requires: list[str] = tomllib.loads(pyproject.read_text())["build-system"]["requires"]
    return requires


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("pyproject", type=Path)
    parser.add_argument("--exclude", default="", help="space-separated distribution names")
    parser.add_argument("--build-system", action="store_true", help="build-system.requires")
    args = parser.parse_args()
    if args.build_system:
        print("\n".join(build_requirements(args.pyproject)))
    else:
        print("\n".join(requirements(args.pyproject, set(args.exclude.split()))))


if __name__ == "__main__":
    main()
